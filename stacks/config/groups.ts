/**
 * `eks-canary:canary.groups`: services released in lockstep. A group's members take the same
 * canary weight in every `pulumi up`, so the parser refuses a group whose members would split
 * differently; the canary command steps, gates and rolls back a group as one (`--group`).
 */
import { Checker, childKey, isDefined, Json, suggestion } from "../checks";
import { DNS_LABEL } from "./patterns";
import { ReleaseGroup, ServiceConfig } from "./types";

/** The group `service` is a member of, if any (a service is in one group at most). */
export function groupOfService(groups: readonly ReleaseGroup[], service: string): ReleaseGroup | undefined {
    return groups.find((group) => group.services.includes(service));
}

/** Members per group: two at least (one is a service), and a bound a command line can still read. */
const MEMBERS = { minItems: 2, maxItems: 10 } as const;

/** The groups' shape: names and member lists; the members are checked against the services by checkGroups. */
export function parseGroups(check: Checker, key: string, value: Json | undefined): ReleaseGroup[] {
    const entries = check.map(key, value, DNS_LABEL, "a DNS label (lowercase letters, digits, '-')") ?? {};
    return Object.entries(entries)
        .map(([name, members]): ReleaseGroup | undefined => {
            const groupKey = childKey(key, name);
            const items = check.array(groupKey, members, MEMBERS);
            if (items === undefined) {
                return undefined;
            }
            const services = items.map((item, index) => check.string(childKey(groupKey, index), item, { pattern: DNS_LABEL, expected: "the name of a service under services" }));
            if (services.some((service) => service === undefined)) {
                return undefined;
            }
            const duplicate = services.find((service, index) => services.indexOf(service) !== index);
            if (duplicate !== undefined) {
                check.report(groupKey, `lists ${duplicate} twice; allowed: each service once`);
                return undefined;
            }
            return { name, services: services.filter(isDefined) };
        })
        .filter(isDefined);
}

/**
 * Checks the groups against the services: every member is a manual service of this stack, in one
 * group only, and all members split alike (each has a canary at the same weight, or none has one).
 * Returns the groups whose members all exist.
 */
export function checkGroups(
    check: Checker,
    key: string,
    groups: readonly ReleaseGroup[],
    services: readonly ServiceConfig[],
    servicesKey: string,
    /** The stack, named in the commands the messages print. */
    stack: string,
): ReleaseGroup[] {
    const byName = new Map(services.map((service) => [service.name, service]));
    const memberOf = new Map<string, string>();
    return groups.filter((group) => {
        const groupKey = childKey(key, group.name);
        let valid = true;
        for (const [index, member] of group.services.entries()) {
            const service = byName.get(member);
            if (service === undefined) {
                check.report(
                    childKey(groupKey, index),
                    `${member} is not a configured service${suggestion(member, [...byName.keys()])}; allowed: ${[...byName.keys()].join(", ")}`,
                );
                valid = false;
                continue;
            }
            const other = memberOf.get(member);
            if (other !== undefined) {
                check.report(childKey(groupKey, index), `${member} is already in group ${other}; allowed: each service in one group at most`);
                valid = false;
            }
            memberOf.set(member, group.name);
            if (service.mode === "automated") {
                check.report(
                    childKey(groupKey, index),
                    `${member} is in automated mode, where Flagger moves each service's weight on its own; allowed: manual services only (set ${childKey(childKey(servicesKey, member), "mode")} to manual)`,
                );
                valid = false;
            }
        }
        if (!valid) {
            return false;
        }
        const splits = group.services.map((member) => ({ member, weight: byName.get(member)?.canary?.weight }));
        if (new Set(splits.map((split) => split.weight)).size > 1) {
            const described = splits.map(({ member, weight }) => `${member} ${weight === undefined ? "has no canary" : `at ${weight}%`}`).join(", ");
            const defined = splits.flatMap(({ weight }) => (weight === undefined ? [] : [weight]));
            const lowest = Math.min(...defined);
            const align = splits
                .filter(({ weight }) => weight !== lowest)
                .map(({ member, weight }) =>
                    (weight === undefined ? [`pulumi config set --stack ${stack} --path 'services.${member}.canary.image' <image>`] : [])
                        .concat(`pulumi config set --stack ${stack} --path 'services.${member}.canary.weight' ${lowest}`)
                        .join(" && "),
                );
            check.report(
                groupKey,
                `its services would split differently (${described}): a group moves as one; allowed: a canary block with the same canary.weight in every member ` +
                    `(${align.join(" && ")}), or none in any, or remove the group`,
            );
            return false;
        }
        return true;
    });
}
