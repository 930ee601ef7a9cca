/**
 * A canary's release controls besides its weight: `canary.match` sends requests that carry a
 * header to v2 whatever the weight (testers reach it before any user does), and `canary.sticky`
 * keeps a client on the version it first reached. Each router says in its traits which of them
 * its routing resource can express (infra/routers/plugin.ts `releaseControls`); this file holds
 * what is the same for all of them. Pure.
 */

export const HEADER_MATCH_TYPES = ["exact", "regex"] as const;
export type HeaderMatchType = (typeof HEADER_MATCH_TYPES)[number];

/** `canary.match`: requests whose `header` matches `value` go to v2. */
export interface HeaderMatch {
    readonly header: string;
    readonly value: string;
    readonly type: HeaderMatchType;
}

/** `canary.sticky`: how long a client stays on the version it reached, as configured (`30m`) and in seconds. */
export interface Stickiness {
    readonly duration: string;
    readonly seconds: number;
}

/**
 * Whether a router applies stickiness at `weight`: only while both versions take requests. At 0
 * (a rollback) nobody may stay on v2, and at 100 there is nothing to stay on; so a rollback is a
 * rollback for sticky clients too, whatever the router does with a cookie it issued.
 */
export function stickinessApplies(weight: number): boolean {
    return weight > 0 && weight < 100;
}

/** The match in one line, as the plan and the split output show it: `x-canary = always`, `x-canary ~ ^beta-`. */
export function describeMatch(match: HeaderMatch): string {
    return `${match.header} ${match.type === "exact" ? "=" : "~"} ${match.value}`;
}
