/**
 * What a step may change: the offline plans of the stack's config before and after the step's
 * config change, compared. A live preview that would change anything else (a pending change
 * someone else made, drift) stops the step before its `pulumi up`.
 */
import type { PlannedChange } from "./stack";

/** `type name` keys of the custom resources that differ between two configs' plans. */
export type ExpectedChanges = (stack: string, before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>) => Promise<Set<string>>;

export const changeKey = (type: string, name: string): string => `${type} ${name}`;

/** Plans both configs under mocks, in this process (about a second each). */
export const offlineExpectedChanges: ExpectedChanges = async (stack, before, after) => {
    const [{ planOffline }, { diffPlans }] = await Promise.all([import("../offline"), import("../diff")]);
    const change = diffPlans(await planOffline(stack, before), await planOffline(stack, after));
    const resources = [...change.added, ...change.removed, ...change.changed.map(({ after: resource }) => resource)].filter((resource) => resource.custom);
    return new Set(resources.map((resource) => changeKey(resource.type, resource.name)));
};

/** What a dry run shows of a change: the offline plans' difference, as `plan --diff` prints it. */
export type ChangeDiff = (stack: string, before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>) => Promise<string[]>;

/** Plans both configs under mocks, in this process, and renders their difference. */
export const offlineChangeDiff: ChangeDiff = async (stack, before, after) => {
    const [{ planOffline }, { diffPlans, renderDiff, resourceDiffs }, { shortType }] = await Promise.all([import("../offline"), import("../diff"), import("../plan/render")]);
    return renderDiff(resourceDiffs(diffPlans(await planOffline(stack, before), await planOffline(stack, after))), shortType);
};

/** The previewed changes the step does not explain. */
export function unexpectedChanges(previewed: readonly PlannedChange[], expected: ReadonlySet<string>): PlannedChange[] {
    return previewed.filter((change) => !expected.has(changeKey(change.type, change.name)));
}
