/**
 * How the rules read resource properties: untyped, possibly partial values, where a secret or a
 * value known only after deploy is present but unreadable. Every concern's rules read through these.
 */
import { isAfterDeploy } from "../../stacks/markers";

/** Resource properties as the rules read them: untyped, possibly partial. */
export type Props = Record<string, unknown>;

/** A resource of the stack, as the stack-level rules read it. */
export interface StackResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Props;
}

export interface StackViolation {
    readonly message: string;
    /** The resource in violation; none: the stack as a whole. */
    readonly urn?: string;
}

/** Set: not undefined, null or empty. Secrets and values known after deploy are set. */
export function isSet(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);
}

export { isAfterDeploy };

export function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
    return value === false || value === "false";
}

export function asRecord(value: unknown): Props {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Props) : {};
}

export function asArray(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

export function asStringList(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    return asArray(value).filter((item): item is string => typeof item === "string");
}

export function asNumber(value: unknown): number | undefined {
    if (typeof value === "number") {
        return value;
    }
    if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) {
        return Number(value);
    }
    return undefined;
}

export function at(value: unknown, ...path: string[]): unknown {
    let node = value;
    for (const segment of path) {
        node = asRecord(node)[segment];
    }
    return node;
}

export function show(value: unknown): string {
    return value === undefined ? "unset" : JSON.stringify(value);
}

export function parseJson(text: unknown): unknown {
    if (typeof text !== "string") {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

// Kubernetes objects and AWS tags, as several concerns read them

/** The stack's resources of any of `types`. */
export function ofType(resources: readonly StackResource[], ...types: string[]): StackResource[] {
    return resources.filter((resource) => types.includes(resource.type));
}

/** An object's namespace; Kubernetes puts an object without one in `default`. */
export function namespaceOf(props: Props): string {
    const namespace = at(props, "metadata", "namespace");
    return typeof namespace === "string" && namespace !== "" ? namespace : "default";
}

/** An object's labels, and a workload's pod template's under them (the object's own win). */
export function labelsOf(props: Props): Record<string, unknown> {
    return { ...asRecord(at(props, "spec", "template", "metadata", "labels")), ...asRecord(at(props, "metadata", "labels")) };
}

/** A Kubernetes object's annotations. */
export function annotationsOf(props: Props): Record<string, unknown> {
    return asRecord(at(props, "metadata", "annotations"));
}

/** An AWS resource's tags. */
export function tagsOf(props: Props): Record<string, unknown> {
    return asRecord(props.tags);
}
