/**
 * What changes between two offline plans of the same stack: the resources added, removed, and
 * those whose inputs differ. A canary step's "blast radius" is the size of this change.
 */
import { isDeepStrictEqual } from "node:util";
import type { DeclaredResource, OfflinePlan } from "./offline";

export interface PlanChange {
    readonly added: DeclaredResource[];
    readonly removed: DeclaredResource[];
    /** Resources present in both plans whose inputs or protection differ. */
    readonly changed: { readonly before: DeclaredResource; readonly after: DeclaredResource }[];
}

/** Resources are matched by URN: the type chain and the name, as Pulumi matches them. */
export function diffPlans(before: OfflinePlan, after: OfflinePlan): PlanChange {
    const byUrn = (plan: OfflinePlan): Map<string, DeclaredResource> => new Map(plan.resources.map((resource) => [resource.urn, resource]));
    const old = byUrn(before);
    const now = byUrn(after);
    return {
        added: [...now.values()].filter((resource) => !old.has(resource.urn)),
        removed: [...old.values()].filter((resource) => !now.has(resource.urn)),
        changed: [...now.values()]
            .filter((resource) => old.has(resource.urn))
            .map((resource) => ({ before: old.get(resource.urn) as DeclaredResource, after: resource }))
            .filter(({ before: was, after: is }) => was.protect !== is.protect || !isDeepStrictEqual(was.inputs, is.inputs)),
    };
}

/** How many resources a change touches. */
export function blastRadius(change: PlanChange): number {
    return change.added.length + change.removed.length + change.changed.length;
}
