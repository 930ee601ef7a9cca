/**
 * What a change or a walk will do, in words: printed before each change, as the whole of a dry
 * run, and as the header of a real walk (which also checks the walk can be taken).
 */
import type { Gates } from "./gates";
import type { Io } from "./io";
import { CanaryError, CanaryState, checkWeight, describeChange, effectiveSteps, formatDuration, ReleaseChange, remainingSteps } from "./schedule";
import { describeRelease, Release, releaseFlag, releaseWeightChange } from "./release";
import { isUnsupported } from "../../infra/routers/plugin";
import { RouterKind, routerPlugin } from "../../infra/routers/registry";

export interface WalkOptions {
    readonly service: string | undefined;
    /** A lockstep group (canary.groups) instead of one service. */
    readonly group?: string | undefined;
    readonly bakeMs: number;
    readonly gates: Gates;
    readonly promote: boolean;
    /** Send requests to the service during each bake. */
    readonly load: boolean;
    /** Where the gates query Prometheus, for a router whose proxies report there. */
    readonly prometheusUrl: string;
    /** Walk inside a freeze window (canary.freeze). */
    readonly force: boolean;
    /** How often the bake prints its progress (and looks at the metrics so far). */
    readonly progressEveryMs: number;
}

function planLines(change: ReleaseChange): string[] {
    return [
        ...change.changes.map((item) => `  ${describeChange(item)}`),
        `  pulumi preview (nothing beyond this change), pulumi up --target <what it changes> --message ${JSON.stringify(change.message)}`,
    ];
}

export function printPlan(change: ReleaseChange, io: Io): void {
    planLines(change).forEach((line) => io.out(line));
}

/** The steps a walk takes, for the dry run and the header of a real walk. */
export function describeWalk(stack: string, state: CanaryState, release: Release, from: number, options: WalkOptions): { lines: string[]; walk: number[] } {
    const steps = effectiveSteps(state);
    const walk = remainingSteps(from, steps);
    const promoteCommand = `npm run canary -- promote --stack ${stack} ${releaseFlag(release)}`;
    if (walk.length === 0 && !options.promote) {
        throw new CanaryError(`${release.label} is already at ${from}%, the last step of the schedule (${steps.join(", ")}): promote it with \`${promoteCommand}\``);
    }
    for (const weight of walk) {
        release.members.forEach((member) => checkWeight(state, member, weight));
    }
    const source = state.stackSteps.length > 0 ? "eks-canary:canary.steps" : "the default: the stack sets no canary.steps";
    const subject = release.group === undefined ? `service ${release.label}` : describeRelease(release);
    const lines = [`stack ${stack}, ${subject}, router ${state.router}, schedule ${steps.join(", ")} (${source}); now at ${from}%`];
    if (release.group !== undefined) {
        lines.push(`the group moves as one: each step sets every member's weight in one pulumi up, and every member's gate must pass`);
    }
    if (from > 0) {
        lines.push(`first: bake ${formatDuration(options.bakeMs)} at ${from}% and gate it (a walk takes no weight it has not seen pass for safe)`);
    }
    let current = from;
    walk.forEach((to, index) => {
        lines.push(`step ${index + 1}/${walk.length}: ${current}% -> ${to}%`);
        lines.push(...planLines(releaseWeightChange(release, current, to, steps)));
        lines.push(
            `  bake ${formatDuration(options.bakeMs)}${options.load ? " sending requests to the service" : ""}, then gate: failures (5xx, connection errors${alsoCounts(state.router)}) <= ${(options.gates.max5xxRate * 100).toFixed(2)}%, p99 <= ${options.gates.maxP99Ms} ms; ` +
                `fewer than ${options.gates.minRequests} requests holds the walk (exit 4); a failed gate or Ctrl-C rolls back to the last weight that passed`,
        );
        current = to;
    });
    const images = release.members.map((member) => member.canary?.image ?? "its image").join(", ");
    lines.push(
        options.promote
            ? `then promote in four ups: all requests to the canary; the stable version takes ${images}; all requests back to it; the canary goes`
            : `then stop at ${current}% (promote with \`${promoteCommand}\`, or pass --promote)`,
    );
    return { lines, walk };
}

/** What the router's gates count as failures besides the canary's own 5xx and connection errors. */
function alsoCounts(router: RouterKind): string {
    const health = routerPlugin(router).health;
    return isUnsupported(health) || health.alsoCounts === undefined ? "" : `, ${health.alsoCounts}`;
}
