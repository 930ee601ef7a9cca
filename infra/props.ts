/**
 * Reading the untyped properties of a declared resource, as the offline plan's describers and the
 * routers' split readers do: every reader returns something printable for a missing or odd value,
 * never throws. No imports: the tools and the policy pack read through it.
 */

export type Props = Record<string, unknown>;

/** The value at a dotted path (`spec.template.spec`), or undefined where the path breaks off. */
export function at(value: unknown, path: string): unknown {
    let node: unknown = value;
    for (const segment of path.split(".")) {
        if (typeof node !== "object" || node === null) {
            return undefined;
        }
        node = (node as Props)[segment];
    }
    return node;
}

export function asRecord(value: unknown): Props {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Props) : {};
}

export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** A value for the plan: strings as they are, `-` for none, JSON for the rest. */
export function text(value: unknown): string {
    if (value === undefined || value === null) {
        return "-";
    }
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** A value for a message: JSON, `unset` for none. */
export function show(value: unknown): string {
    return value === undefined ? "unset" : JSON.stringify(value);
}

export function labels(value: unknown): string {
    return typeof value === "object" && value !== null
        ? Object.entries(value as Props)
              .map(([key, item]) => `${key}=${text(item)}`)
              .join(",")
        : text(value);
}

/** The annotations of a Kubernetes object (their keys hold dots, so `at` cannot reach them one by one). */
export function annotations(inputs: unknown): Props {
    return asRecord(at(inputs, "metadata.annotations"));
}

/** A JSON document given as text (policies, ALB actions), or undefined when it is not one. */
export function parseJson<T>(value: unknown): T | undefined {
    if (typeof value !== "string") {
        return undefined;
    }
    try {
        return JSON.parse(value) as T;
    } catch {
        return undefined;
    }
}

/** `namespace/name` of a Kubernetes object. */
export function objectName(inputs: Props): string {
    const name = text(at(inputs, "metadata.name"));
    const namespace = at(inputs, "metadata.namespace");
    return namespace === undefined ? name : `${text(namespace)}/${name}`;
}
