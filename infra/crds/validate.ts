// Hand-written (NOT generated): the runtime spec check shared by the generated CustomResource
// classes in this directory (see tools/crdgen.ts). Pure and dependency-free on purpose: no Pulumi
// import. Pulumi Outputs, Promises and unknown values are recognised by duck typing and treated as
// "not checkable" (skipped), so only plain values known at construction time are checked.

/** JSON types a schema node can demand. */
export type SchemaType = "object" | "array" | "string" | "integer" | "number" | "boolean";

/**
 * The subset of a CRD's OpenAPI v3 schema that tools/crdgen.ts keeps (descriptions, formats and
 * CEL rules are dropped). Keyword names follow JSON Schema, except the two Kubernetes extensions:
 * `intOrString` is `x-kubernetes-int-or-string` and `preserveUnknownFields` is
 * `x-kubernetes-preserve-unknown-fields`.
 */
export interface Schema {
    readonly type?: SchemaType;
    readonly intOrString?: true;
    readonly preserveUnknownFields?: true;
    readonly enum?: readonly (string | number | boolean | null)[];
    /** Applied (for the check only, the input is never modified) when the property is absent. */
    readonly default?: unknown;
    readonly minimum?: number;
    readonly maximum?: number;
    readonly minLength?: number;
    readonly maxLength?: number;
    readonly pattern?: string;
    readonly minItems?: number;
    readonly maxItems?: number;
    readonly minProperties?: number;
    readonly maxProperties?: number;
    readonly required?: readonly string[];
    readonly properties?: { readonly [name: string]: Schema };
    readonly additionalProperties?: Schema;
    readonly items?: Schema;
    readonly oneOf?: readonly Schema[];
    readonly anyOf?: readonly Schema[];
    readonly not?: Schema;
}

/** True for values whose content is not known yet: Pulumi Outputs and unknowns, Promises. */
export function isOpaque(value: unknown): boolean {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) {
        return false;
    }
    const v = value as { __pulumiOutput?: unknown; __pulumiUnknown?: unknown; then?: unknown };
    return v.__pulumiOutput === true || v.__pulumiUnknown === true || typeof v.then === "function";
}

/**
 * Checks `value` against `schema` and returns one message per violation, each starting with the
 * JSON path of the offending value (`path` names the root, e.g. "spec"). Absent values
 * (undefined/null) are only reported through their parent's `required`.
 */
export function checkSpec(schema: Schema, value: unknown, path: string): string[] {
    const ctx: Ctx = { errors: [], opaque: false };
    check(schema, value, path, ctx);
    return ctx.errors;
}

/** Throws one Error naming the kind, the resource and every violation of `spec`. */
export function assertValidSpec(kind: string, name: string, schema: Schema, spec: unknown): void {
    const errors = checkSpec(schema, spec, "spec");
    if (errors.length > 0) {
        throw new Error(errors.map((e) => `${kind} ${JSON.stringify(name)}: ${e}`).join("\n"));
    }
}

interface Ctx {
    errors: string[];
    /** Set when an opaque value was skipped: a clean result is then only "not known to fail". */
    opaque: boolean;
}

type PlainObject = { readonly [key: string]: unknown };

function isPlainObject(v: unknown): v is PlainObject {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function hasType(type: SchemaType, v: unknown): boolean {
    switch (type) {
        case "object":
            return isPlainObject(v);
        case "array":
            return Array.isArray(v);
        case "string":
            return typeof v === "string";
        case "boolean":
            return typeof v === "boolean";
        case "number":
            return typeof v === "number" && Number.isFinite(v);
        case "integer":
            return typeof v === "number" && Number.isInteger(v);
    }
}

function show(v: unknown): string {
    if (typeof v === "string") {
        const s = JSON.stringify(v);
        return s.length > 80 ? `${s.slice(0, 60)}…" (${[...v].length} characters)` : s;
    }
    if (Array.isArray(v)) return "an array";
    if (typeof v === "object" && v !== null) return "an object";
    return String(v);
}

function child(path: string, key: string): string {
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

const patterns = new Map<string, RegExp>();

function regex(pattern: string): RegExp {
    let re = patterns.get(pattern);
    if (re === undefined) {
        re = new RegExp(pattern, "u");
        patterns.set(pattern, re);
    }
    return re;
}

function check(s: Schema, v: unknown, path: string, ctx: Ctx): void {
    if (v === undefined || v === null) return;
    if (isOpaque(v)) {
        ctx.opaque = true;
        return;
    }
    const fail = (message: string): void => {
        ctx.errors.push(`${path}: ${message}`);
    };

    if (s.intOrString === true) {
        if (!(typeof v === "string" || hasType("integer", v))) {
            fail(`expected an integer or a string, got ${show(v)}`);
            return;
        }
    } else if (s.type !== undefined && !hasType(s.type, v)) {
        fail(`expected ${s.type === "integer" || s.type === "array" || s.type === "object" ? "an" : "a"} ${s.type}, got ${show(v)}`);
        return;
    }

    if (s.enum !== undefined && !s.enum.some((e) => e === v)) {
        fail(`${show(v)} is not one of ${s.enum.map(show).join(", ")}`);
    }

    if (typeof v === "number") {
        if (s.minimum !== undefined && v < s.minimum) fail(`${v} is below the minimum ${s.minimum}`);
        if (s.maximum !== undefined && v > s.maximum) fail(`${v} is above the maximum ${s.maximum}`);
    }

    if (typeof v === "string") {
        const length = [...v].length;
        if (s.minLength !== undefined && length < s.minLength) {
            fail(`${show(v)} is shorter than the minimum length ${s.minLength}`);
        }
        if (s.maxLength !== undefined && length > s.maxLength) {
            fail(`${show(v)} (length ${length}) is longer than the maximum length ${s.maxLength}`);
        }
        if (s.pattern !== undefined && !regex(s.pattern).test(v)) {
            fail(`${show(v)} does not match the pattern ${s.pattern}`);
        }
    }

    if (Array.isArray(v)) {
        if (s.minItems !== undefined && v.length < s.minItems) {
            fail(`has ${v.length} item(s), fewer than the minimum ${s.minItems}`);
        }
        if (s.maxItems !== undefined && v.length > s.maxItems) {
            fail(`has ${v.length} items, more than the maximum ${s.maxItems}`);
        }
        if (s.items !== undefined) {
            const items = s.items;
            v.forEach((item: unknown, i) => check(items, item, `${path}[${i}]`, ctx));
        }
    }

    let effective: unknown = v;
    if (isPlainObject(v)) {
        const obj = withDefaults(s, v);
        effective = obj;
        const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
        if (s.minProperties !== undefined && keys.length < s.minProperties) {
            fail(`has ${keys.length} entries, fewer than the minimum ${s.minProperties}`);
        }
        if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
            fail(`has ${keys.length} entries, more than the maximum ${s.maxProperties}`);
        }
        for (const key of s.required ?? []) {
            if (obj[key] === undefined || obj[key] === null) {
                ctx.errors.push(`${child(path, key)}: required field is missing`);
            }
        }
        const props = s.properties ?? {};
        for (const key of keys) {
            const sub = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : s.additionalProperties;
            if (sub !== undefined) {
                check(sub, obj[key], child(path, key), ctx);
            } else if (s.type === "object" && s.preserveUnknownFields !== true) {
                ctx.errors.push(`${child(path, key)}: unknown field (not in the CRD schema)`);
            }
        }
    }

    if (s.anyOf !== undefined) {
        const results = s.anyOf.map((b) => branch(b, effective, path, ctx));
        if (results.every((r) => r === "fail")) {
            fail(`must match at least one of: ${alternatives(s.anyOf)}; matches none`);
        }
    }
    if (s.oneOf !== undefined) {
        const results = s.oneOf.map((b) => branch(b, effective, path, ctx));
        const passing = results.flatMap((r, i) => (r === "pass" ? [`(${i + 1})`] : []));
        if (results.every((r) => r === "fail")) {
            fail(`must match exactly one of: ${alternatives(s.oneOf)}; matches none`);
        } else if (passing.length > 1) {
            fail(`must match exactly one of: ${alternatives(s.oneOf)}; matches ${passing.join(" and ")}`);
        }
    }
    if (s.not !== undefined && branch(s.not, effective, path, ctx) === "pass") {
        fail(`must not match: ${describe(s.not)}`);
    }
}

/** A view of `obj` with the schema's property defaults filled in (the API server defaults first). */
function withDefaults(s: Schema, obj: PlainObject): PlainObject {
    let out: { [key: string]: unknown } | undefined;
    for (const [key, sub] of Object.entries(s.properties ?? {})) {
        if (sub.default !== undefined && (obj[key] === undefined || obj[key] === null)) {
            out ??= { ...obj };
            out[key] = sub.default;
        }
    }
    return out ?? obj;
}

function branch(s: Schema, v: unknown, path: string, parent: Ctx): "pass" | "fail" | "unknown" {
    const ctx: Ctx = { errors: [], opaque: false };
    check(s, v, path, ctx);
    if (ctx.opaque) parent.opaque = true;
    return ctx.errors.length > 0 ? "fail" : ctx.opaque ? "unknown" : "pass";
}

function alternatives(list: readonly Schema[]): string {
    return list.map((b, i) => `(${i + 1}) ${describe(b)}`).join(", ");
}

/** A short human description of a (usually partial) schema used as a oneOf/anyOf/not branch. */
function describe(s: Schema): string {
    const parts: string[] = [];
    if (s.type !== undefined) parts.push(`is ${s.type}`);
    if (s.enum !== undefined) parts.push(`is ${s.enum.length === 1 ? show(s.enum[0]) : `one of ${s.enum.map(show).join(", ")}`}`);
    if (s.required !== undefined) parts.push(`has ${s.required.join(", ")}`);
    for (const [key, sub] of Object.entries(s.properties ?? {})) parts.push(`${key} ${describe(sub)}`);
    if (s.anyOf !== undefined) parts.push(`any of [${s.anyOf.map(describe).join(" | ")}]`);
    if (s.oneOf !== undefined) parts.push(`exactly one of [${s.oneOf.map(describe).join(" | ")}]`);
    if (s.not !== undefined) parts.push(`not (${describe(s.not)})`);
    return parts.length > 0 ? parts.join(" and ") : "anything";
}
