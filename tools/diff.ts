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

/** One input that differs: its path in the inputs (`spec.rules[0].backendRefs[1].weight`), and its values (undefined: absent). */
export interface PropertyChange {
    readonly path: string;
    readonly before: unknown;
    readonly after: unknown;
}

/** One resource a change touches, with what differs in it. */
export interface ResourceDiff {
    readonly op: "create" | "delete" | "update";
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** For an update, every leaf input that differs (and `protect`); none for a create or a delete. */
    readonly properties: readonly PropertyChange[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON document held in a string input (a dashboard body, a policy), parsed; undefined for any other string. */
function embeddedJson(value: unknown): unknown {
    if (typeof value !== "string" || !/^\s*[[{]/.test(value)) {
        return undefined;
    }
    try {
        return JSON.parse(value) as unknown;
    } catch {
        return undefined;
    }
}

/**
 * The leaves that differ between two input values, by path; a list or an object that changes
 * shape differs as a whole. A string holding a JSON document is compared inside it (`body{json}widgets[0]...`).
 */
export function propertyChanges(before: unknown, after: unknown, path = ""): PropertyChange[] {
    if (isDeepStrictEqual(before, after)) {
        return [];
    }
    const [beforeJson, afterJson] = [embeddedJson(before), embeddedJson(after)];
    if (beforeJson !== undefined && afterJson !== undefined) {
        return propertyChanges(beforeJson, afterJson, `${path}{json}`);
    }
    if (isRecord(before) && isRecord(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((key) => propertyChanges(before[key], after[key], path === "" ? key : path.endsWith("}") ? `${path}${key}` : `${path}.${key}`));
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        return before.flatMap((item, index) => propertyChanges(item, after[index], `${path}[${index}]`));
    }
    return [{ path, before, after }];
}

/** The custom resources a change creates, deletes or updates, with the inputs that differ. */
export function resourceDiffs(change: PlanChange): ResourceDiff[] {
    const entry = (op: ResourceDiff["op"], resource: DeclaredResource, properties: PropertyChange[] = []): ResourceDiff => ({
        op,
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        properties,
    });
    return [
        ...change.added.filter((resource) => resource.custom).map((resource) => entry("create", resource)),
        ...change.removed.filter((resource) => resource.custom).map((resource) => entry("delete", resource)),
        ...change.changed
            .filter(({ after }) => after.custom)
            .map(({ before, after }) =>
                entry("update", after, [
                    ...(before.protect === after.protect ? [] : [{ path: "(protect)", before: before.protect, after: after.protect }]),
                    ...propertyChanges(before.inputs, after.inputs),
                ]),
            ),
    ].sort((a, b) => a.urn.localeCompare(b.urn));
}

/** `~ type name` and a line per property `path: old → new`, as the plan's `--diff` prints them. */
export function renderDiff(diffs: readonly ResourceDiff[], shortType: (type: string) => string): string[] {
    if (diffs.length === 0) {
        return ["no change: the proposed config declares the same resources with the same inputs"];
    }
    const show = (value: unknown): string => (value === undefined ? "(absent)" : JSON.stringify(value));
    const mark = { create: "+", delete: "-", update: "~" } as const;
    return diffs.flatMap((diff) => [
        `${mark[diff.op]} ${shortType(diff.type)}  ${diff.name}${diff.op === "update" ? "" : diff.op === "create" ? "  (created)" : "  (deleted)"}`,
        ...diff.properties.map((property) => `    ${property.path}: ${show(property.before)} → ${show(property.after)}`),
    ]);
}
