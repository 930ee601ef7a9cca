/**
 * What the config fuzz suites share: the dev stack's config, hostile values and keys, and the
 * mutations of it they parse.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { ConfigError, childKey } from "../../../stacks/checks";
import { CONFIG_KEYS, parseStackConfig, PROJECT } from "../../../stacks/config";
import { readStackFile } from "../../../tools/stackfile";

export const SEED = 20261122;
export const STACK = "dev";
export const BASE: Readonly<Record<string, string>> = readStackFile(STACK).config;

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Segment = string | number;

// ---------------------------------------------------------------------------------------------
// Hostile values

/** Strings that look like numbers, booleans, JSON or paths, and plain unicode noise. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
    fc.constantFrom(
        "",
        " ",
        "\t\n",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e309",
        "-0",
        "0x10",
        "1.5",
        "  42  ",
        "007",
        "99999999999999999999999",
        "null",
        "true",
        "TRUE",
        "undefined",
        "[]",
        "{}",
        "[",
        "{",
        '{"__proto__": {"polluted": true}}',
        '{"constructor": {"prototype": {"polluted": true}}}',
        "\u0000",
        "\u202e",
        "🚀",
        "٣",
        "１２",
        "9".repeat(400),
        "a".repeat(100_000),
        "${jndi:ldap://x}",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "toString",
        "__proto__",
    ),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.json({ maxDepth: 3 }),
);

/** Keys that are special to JavaScript objects. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
    fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "", " ", "a.b", "a[0]", '"', "🚀", "UPPER", "x".repeat(300)),
    fc.string({ unit: "grapheme", maxLength: 12 }),
);

export function nest(depth: number, leaf: Json, asArray: boolean): Json {
    let value = leaf;
    for (let level = 0; level < depth; level++) {
        value = asArray ? [value] : { a: value };
    }
    return value;
}

/** JSON values as a stack file can hold them: wrong types, extremes, deep nesting, special keys. */
export const hostileJson: fc.Arbitrary<Json> = fc.oneof(
    { arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, weight: 4 },
    { arbitrary: hostileString as fc.Arbitrary<Json>, weight: 3 },
    {
        arbitrary: fc.constantFrom<Json>(
            0,
            -1,
            1,
            0.5,
            -0.5,
            1e308,
            -1e308,
            5e-324,
            Number.MAX_SAFE_INTEGER,
            Number.MAX_SAFE_INTEGER + 2,
            2 ** 31,
            65536,
            101,
            true,
            false,
            null,
            [],
            {},
            [null],
            [[]],
            [{}],
        ),
        weight: 3,
    },
    { arbitrary: fc.tuple(fc.integer({ min: 10, max: 500 }), fc.boolean()).map(([depth, asArray]) => nest(depth, 1, asArray)), weight: 1 },
    { arbitrary: fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxKeys: 4 }), weight: 2 },
    // Values that are not JSON at all, serialised as JSON.stringify would (NaN -> null, undefined dropped).
    { arbitrary: fc.anything({ maxDepth: 2 }).map((value) => normalise(value)), weight: 2 },
);

export const DEEP_PLACEHOLDER = "\u0000deep\u0000";

/**
 * JSON text nested 1,000 to 60,000 levels deep, as a stack file can hold it (JSON.parse reads it;
 * anything that walks it recursively, such as JSON.stringify, may overflow the stack).
 */
export const deepJsonText: fc.Arbitrary<{ depth: number; text: string }> = fc
    .tuple(fc.integer({ min: 1_000, max: 60_000 }), fc.boolean())
    .map(([depth, asArray]) => ({ depth, text: asArray ? `${"[".repeat(depth)}1${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` }));

export function normalise(value: unknown): Json {
    try {
        const text = JSON.stringify(value);
        return text === undefined ? null : (JSON.parse(text) as Json);
    } catch {
        return null;
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations of the dev stack's raw config

export interface Mutation {
    /** The mutated key in `pulumi config set --path` syntax, e.g. `eks-canary:services.notification.port`. */
    readonly key: string;
    readonly raw: Record<string, string>;
    readonly description: string;
}

export function fullKey(topKey: string, path: readonly Segment[]): string {
    return path.reduce<string>((key, segment) => childKey(key, segment), topKey);
}

/** Every path under a structured value, containers included. */
export function pathsOf(value: Json, prefix: Segment[] = []): Segment[][] {
    const paths: Segment[][] = prefix.length > 0 ? [prefix] : [];
    if (Array.isArray(value)) {
        value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
    } else if (typeof value === "object" && value !== null) {
        for (const [name, item] of Object.entries(value)) {
            paths.push(...pathsOf(item, [...prefix, name]));
        }
    }
    return paths;
}

export function parsedBase(topKey: string): Json | undefined {
    const text = BASE[topKey];
    if (text === undefined) {
        return undefined;
    }
    try {
        return JSON.parse(text) as Json;
    } catch {
        return text;
    }
}

/** Structured keys of the dev config, with every nested path. */
export const NESTED: { topKey: string; path: Segment[] }[] = Object.keys(BASE).flatMap((topKey) => {
    const value = parsedBase(topKey);
    return value === undefined || typeof value !== "object" || value === null ? [] : pathsOf(value).map((path) => ({ topKey, path }));
});

export function valueAt(root: Json, path: readonly Segment[]): Json | undefined {
    return path.reduce<Json | undefined>((node, segment) => (typeof node === "object" && node !== null ? (node as Record<string | number, Json>)[segment] : undefined), root);
}

/** Containers (objects and lists) of the dev config, where a key or an item can be added. */
export const CONTAINERS: { topKey: string; path: Segment[] }[] = Object.keys(BASE).flatMap((topKey) => {
    const value = parsedBase(topKey);
    if (value === undefined || typeof value !== "object" || value === null) {
        return [];
    }
    return [[], ...pathsOf(value)]
        .filter((path) => {
            const node = valueAt(value, path);
            return typeof node === "object" && node !== null;
        })
        .map((path) => ({ topKey, path }));
});

/** Every top-level key the program reads. */
export const TOP_KEYS = [...CONFIG_KEYS.map((name) => `${PROJECT}:${name}`), "aws:region"];

export function withTopValue(topKey: string, text: string | undefined): Record<string, string> {
    const raw = Object.fromEntries(Object.entries(BASE).filter(([key]) => key !== topKey));
    return text === undefined ? raw : { ...raw, [topKey]: text };
}

export function setAt(root: Json, path: readonly Segment[], value: Json | undefined): Json {
    const copy = structuredClone(root);
    let node = copy as Record<string | number, Json>;
    for (const segment of path.slice(0, -1)) {
        node = node[segment] as Record<string | number, Json>;
    }
    const last = path[path.length - 1];
    if (value === undefined) {
        if (Array.isArray(node)) {
            node.splice(last as number, 1);
        } else {
            delete node[last];
        }
    } else {
        // defineProperty: a key named __proto__ becomes an own property, as JSON.parse makes it.
        Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
    }
    return copy;
}

/** A top-level key replaced by a hostile string or JSON text, or removed. */
export function topLevelMutation(topKey: string): fc.Arbitrary<Mutation> {
    return fc.oneof(
        hostileString.map((text) => ({ key: topKey, raw: withTopValue(topKey, text), description: `${topKey} = ${JSON.stringify(text).slice(0, 200)}` })),
        hostileJson.map((value) => {
            const text = JSON.stringify(value);
            return { key: topKey, raw: withTopValue(topKey, text), description: `${topKey} = ${text.slice(0, 200)}` };
        }),
        fc.constant({ key: topKey, raw: withTopValue(topKey, undefined), description: `${topKey} removed` }),
    );
}

/** One nested value replaced by a hostile JSON value, or removed. */
export const nestedMutation: fc.Arbitrary<Mutation> = fc.tuple(fc.constantFrom(...NESTED), fc.option(hostileJson, { freq: 8 })).map(([{ topKey, path }, value]) => {
    const root = setAt(parsedBase(topKey) as Json, path, value ?? undefined);
    return {
        key: fullKey(topKey, path),
        raw: { ...BASE, [topKey]: JSON.stringify(root) },
        description: `${fullKey(topKey, path)} ${value === null ? "removed" : `= ${JSON.stringify(value).slice(0, 200)}`}`,
    };
});

/** A top-level or nested value replaced by deeply nested JSON text. */
export const deepMutation: fc.Arbitrary<Mutation> = fc
    .tuple(
        fc.oneof(
            fc.constantFrom(...TOP_KEYS).map((topKey) => ({ topKey, path: [] as Segment[] })),
            fc.constantFrom(...NESTED),
        ),
        deepJsonText,
    )
    .map(([{ topKey, path }, { depth, text }]) => {
        const key = fullKey(topKey, path);
        const description = `${key} = JSON text nested ${depth} levels deep (${text.slice(0, 12)}...)`;
        if (path.length === 0) {
            return { key, raw: withTopValue(topKey, text), description };
        }
        const root = setAt(parsedBase(topKey) as Json, path, DEEP_PLACEHOLDER);
        return { key, raw: { ...BASE, [topKey]: JSON.stringify(root).replace(JSON.stringify(DEEP_PLACEHOLDER), text) }, description };
    });

/** A hostile key (or list item) added to an object (or list) of the config. */
export const addedMutation: fc.Arbitrary<Mutation> = fc.tuple(fc.constantFrom(...CONTAINERS), hostileKey, hostileJson).map(([{ topKey, path }, name, value]) => {
    const base = parsedBase(topKey) as Json;
    const container = valueAt(base, path);
    const segment: Segment = Array.isArray(container) ? container.length : name;
    const root = setAt(base, [...path, segment], value);
    return {
        key: fullKey(topKey, [...path, segment]),
        raw: { ...BASE, [topKey]: JSON.stringify(root) },
        description: `${fullKey(topKey, [...path, segment])} added = ${JSON.stringify(value).slice(0, 200)}`,
    };
});

// ---------------------------------------------------------------------------------------------
// The property

export function lineal(a: string, b: string): boolean {
    const under = (child: string, parent: string): boolean => child.startsWith(`${parent}.`) || child.startsWith(`${parent}[`);
    return a === b || under(a, b) || under(b, a);
}

/**
 * Checks that read another key's value, so that a change of the first key may be reported at the
 * second: [mutated key (or under it), reported key (or under it)].
 */
export const DEPENDENT_KEYS: readonly [string, string][] = [
    // The certificate must be in the stack's region.
    ["aws:region", `${PROJECT}:certificateArn`],
    // A canary weight must be a step of the schedule; with the replicas router, the replicas must carry every step.
    [`${PROJECT}:canary`, `${PROJECT}:services`],
    // The router decides whether replica counts must carry the weights.
    [`${PROJECT}:router`, `${PROJECT}:services`],
    // usermgmt.calls must name a configured service.
    [`${PROJECT}:services`, `${PROJECT}:usermgmt.calls`],
];

export function related(mutated: string, reported: string): boolean {
    if (lineal(mutated, reported)) {
        return true;
    }
    return DEPENDENT_KEYS.some(([cause, effect]) => lineal(mutated, cause) && (lineal(reported, effect) || reported.startsWith(`${effect}.`)));
}

export const ALLOWED_ISSUE_KEY = (key: string): boolean => key.startsWith(`${PROJECT}:`) || key === "aws:region" || key === "stack";

/** Parses `mutation.raw`: returns normally, or throws a ConfigError whose issues all name the mutated key. */
export function parsesOrNamesTheKey(mutation: Mutation): void {
    let thrown: unknown;
    try {
        parseStackConfig(mutation.raw, STACK);
        return;
    } catch (error) {
        thrown = error;
    }
    if (!(thrown instanceof ConfigError)) {
        throw new Error(`${mutation.description}: parseStackConfig threw ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}\n${thrown.stack}` : String(thrown)}`);
    }
    expect(thrown.issues.length, mutation.description).toBeGreaterThan(0);
    for (const issue of thrown.issues) {
        expect(ALLOWED_ISSUE_KEY(issue.key), `${mutation.description}: issue key ${issue.key}`).toBe(true);
        expect(related(mutation.key, issue.key), `${mutation.description}: the issue ${issue.key} (${issue.message}) does not name ${mutation.key}`).toBe(true);
        expect(typeof issue.message === "string" && issue.message.length > 0 && !/\n\s+at /.test(issue.message), `${mutation.description}: message ${issue.message}`).toBe(true);
    }
}
