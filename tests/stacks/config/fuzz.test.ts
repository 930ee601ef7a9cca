/**
 * Hostile config: random and malformed values at every config key and every nested key of the dev
 * stack's config. Each case must parse, or end in a ConfigError whose every issue names the
 * mutated key (itself, a parent or a child, or a key whose check depends on it) — never another
 * error, a stack trace, or a declared resource.
 */
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, childKey } from "../../../stacks/checks";
import { CONFIG_KEYS, parseStackConfig, PROJECT } from "../../../stacks/config";
import { planOffline } from "../../../tools/offline";
import { readStackFile } from "../../../tools/stackfile";

const SEED = 20261122;
const STACK = "dev";
const BASE: Readonly<Record<string, string>> = readStackFile(STACK).config;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Segment = string | number;

// ---------------------------------------------------------------------------------------------
// Hostile values

/** Strings that look like numbers, booleans, JSON or paths, and plain unicode noise. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
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
        "{\"__proto__\": {\"polluted\": true}}",
        "{\"constructor\": {\"prototype\": {\"polluted\": true}}}",
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
const hostileKey: fc.Arbitrary<string> = fc.oneof(
    fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "", " ", "a.b", "a[0]", "\"", "🚀", "UPPER", "x".repeat(300)),
    fc.string({ unit: "grapheme", maxLength: 12 }),
);

function nest(depth: number, leaf: Json, asArray: boolean): Json {
    let value = leaf;
    for (let level = 0; level < depth; level++) {
        value = asArray ? [value] : { a: value };
    }
    return value;
}

/** JSON values as a stack file can hold them: wrong types, extremes, deep nesting, special keys. */
const hostileJson: fc.Arbitrary<Json> = fc.oneof(
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

const DEEP_PLACEHOLDER = "\u0000deep\u0000";

/**
 * JSON text nested 1,000 to 60,000 levels deep, as a stack file can hold it (JSON.parse reads it;
 * anything that walks it recursively, such as JSON.stringify, may overflow the stack).
 */
const deepJsonText: fc.Arbitrary<{ depth: number; text: string }> = fc
    .tuple(fc.integer({ min: 1_000, max: 60_000 }), fc.boolean())
    .map(([depth, asArray]) => ({ depth, text: asArray ? `${"[".repeat(depth)}1${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` }));

function normalise(value: unknown): Json {
    try {
        const text = JSON.stringify(value);
        return text === undefined ? null : (JSON.parse(text) as Json);
    } catch {
        return null;
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations of the dev stack's raw config

interface Mutation {
    /** The mutated key in `pulumi config set --path` syntax, e.g. `eks-canary:services.notification.port`. */
    readonly key: string;
    readonly raw: Record<string, string>;
    readonly description: string;
}

function fullKey(topKey: string, path: readonly Segment[]): string {
    return path.reduce<string>((key, segment) => childKey(key, segment), topKey);
}

/** Every path under a structured value, containers included. */
function pathsOf(value: Json, prefix: Segment[] = []): Segment[][] {
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

function parsedBase(topKey: string): Json | undefined {
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
const NESTED: { topKey: string; path: Segment[] }[] = Object.keys(BASE).flatMap((topKey) => {
    const value = parsedBase(topKey);
    return value === undefined || typeof value !== "object" || value === null ? [] : pathsOf(value).map((path) => ({ topKey, path }));
});

function valueAt(root: Json, path: readonly Segment[]): Json | undefined {
    return path.reduce<Json | undefined>((node, segment) => (typeof node === "object" && node !== null ? (node as Record<string | number, Json>)[segment] : undefined), root);
}

/** Containers (objects and lists) of the dev config, where a key or an item can be added. */
const CONTAINERS: { topKey: string; path: Segment[] }[] = Object.keys(BASE).flatMap((topKey) => {
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
const TOP_KEYS = [...CONFIG_KEYS.map((name) => `${PROJECT}:${name}`), "aws:region"];

function withTopValue(topKey: string, text: string | undefined): Record<string, string> {
    const raw = Object.fromEntries(Object.entries(BASE).filter(([key]) => key !== topKey));
    return text === undefined ? raw : { ...raw, [topKey]: text };
}

function setAt(root: Json, path: readonly Segment[], value: Json | undefined): Json {
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
function topLevelMutation(topKey: string): fc.Arbitrary<Mutation> {
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
const nestedMutation: fc.Arbitrary<Mutation> = fc.tuple(fc.constantFrom(...NESTED), fc.option(hostileJson, { freq: 8 })).map(([{ topKey, path }, value]) => {
    const root = setAt(parsedBase(topKey) as Json, path, value ?? undefined);
    return {
        key: fullKey(topKey, path),
        raw: { ...BASE, [topKey]: JSON.stringify(root) },
        description: `${fullKey(topKey, path)} ${value === null ? "removed" : `= ${JSON.stringify(value).slice(0, 200)}`}`,
    };
});

/** A top-level or nested value replaced by deeply nested JSON text. */
const deepMutation: fc.Arbitrary<Mutation> = fc
    .tuple(fc.oneof(fc.constantFrom(...TOP_KEYS).map((topKey) => ({ topKey, path: [] as Segment[] })), fc.constantFrom(...NESTED)), deepJsonText)
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
const addedMutation: fc.Arbitrary<Mutation> = fc.tuple(fc.constantFrom(...CONTAINERS), hostileKey, hostileJson).map(([{ topKey, path }, name, value]) => {
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

function lineal(a: string, b: string): boolean {
    const under = (child: string, parent: string): boolean => child.startsWith(`${parent}.`) || child.startsWith(`${parent}[`);
    return a === b || under(a, b) || under(b, a);
}

/**
 * Checks that read another key's value, so that a change of the first key may be reported at the
 * second: [mutated key (or under it), reported key (or under it)].
 */
const DEPENDENT_KEYS: readonly [string, string][] = [
    // The certificate must be in the stack's region.
    ["aws:region", `${PROJECT}:certificateArn`],
    // A canary weight must be a step of the schedule; with the replicas router, the replicas must carry every step.
    [`${PROJECT}:canary`, `${PROJECT}:services`],
    // The router decides whether replica counts must carry the weights.
    [`${PROJECT}:router`, `${PROJECT}:services`],
    // usermgmt.calls must name a configured service.
    [`${PROJECT}:services`, `${PROJECT}:usermgmt.calls`],
];

function related(mutated: string, reported: string): boolean {
    if (lineal(mutated, reported)) {
        return true;
    }
    return DEPENDENT_KEYS.some(([cause, effect]) => lineal(mutated, cause) && (lineal(reported, effect) || reported.startsWith(`${effect}.`)));
}

const ALLOWED_ISSUE_KEY = (key: string): boolean => key.startsWith(`${PROJECT}:`) || key === "aws:region" || key === "stack";

/** Parses `mutation.raw`: returns normally, or throws a ConfigError whose issues all name the mutated key. */
function parsesOrNamesTheKey(mutation: Mutation): void {
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

describe("hostile config", () => {
    it("the dev stack's own config parses", () => {
        expect(() => parseStackConfig(BASE, STACK)).not.toThrow();
        expect(NESTED.length).toBeGreaterThan(20);
    });

    it.each(TOP_KEYS)("%s: any value parses or is a config error naming the key", (topKey) => {
        fc.assert(
            fc.property(topLevelMutation(topKey), (mutation) => parsesOrNamesTheKey(mutation)),
            { seed: SEED, numRuns: 150 },
        );
    });

    it("every nested key: any value, or none, parses or is a config error naming the key", () => {
        fc.assert(
            fc.property(nestedMutation, (mutation) => parsesOrNamesTheKey(mutation)),
            { seed: SEED, numRuns: 1500 },
        );
    });

    it("deeply nested JSON text at any key parses or is a config error naming the key", () => {
        fc.assert(
            fc.property(deepMutation, (mutation) => parsesOrNamesTheKey(mutation)),
            { seed: SEED, numRuns: 200 },
        );
    });

    it("every object and list: an added key or item parses or is a config error naming it", () => {
        fc.assert(
            fc.property(addedMutation, (mutation) => parsesOrNamesTheKey(mutation)),
            { seed: SEED, numRuns: 500 },
        );
    });

    it("any stack name parses or is a config error naming the stack", () => {
        fc.assert(
            fc.property(fc.oneof(hostileString, fc.stringMatching(/^[a-z][a-z0-9-]{0,40}$/)), (stack) => {
                try {
                    parseStackConfig(BASE, stack);
                } catch (error) {
                    expect(error, JSON.stringify(stack)).toBeInstanceOf(ConfigError);
                    expect((error as ConfigError).issues.map((issue) => issue.key)).toEqual(["stack"]);
                }
            }),
            { seed: SEED, numRuns: 300 },
        );
    });

    it("planOffline refuses bad config with the same ConfigError and declares nothing", async () => {
        // Bad configs from the same generators: the first 20 that parseStackConfig refuses.
        const candidates = fc.sample(fc.oneof(nestedMutation, addedMutation, ...TOP_KEYS.map(topLevelMutation)), { seed: SEED, numRuns: 400 });
        const bad: { mutation: Mutation; error: ConfigError }[] = [];
        for (const mutation of candidates) {
            try {
                parseStackConfig(mutation.raw, STACK);
            } catch (error) {
                if (error instanceof ConfigError) {
                    bad.push({ mutation, error });
                }
            }
            if (bad.length === 20) {
                break;
            }
        }
        expect(bad).toHaveLength(20);

        const registered: string[] = [];
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push(args.name);
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            PROJECT,
            "sentinel",
            false,
        );
        for (const { mutation, error } of bad) {
            let thrown: unknown;
            try {
                await planOffline(STACK, mutation.raw);
            } catch (planError) {
                thrown = planError;
            }
            expect(thrown, mutation.description).toBeInstanceOf(ConfigError);
            expect((thrown as ConfigError).issues, mutation.description).toEqual(error.issues);
            expect(pulumi.runtime.getStack(), mutation.description).toBe("sentinel");
        }
        expect(registered).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------
// Known-invalid values: each must be refused, with an issue at its key

/** Integers outside `min..max`, fractions, and numbers as text outside it. */
const outside = (min: number, max: number): fc.Arbitrary<Json> =>
    fc.oneof(
        fc.integer({ min: -1_000_000, max: min - 1 }),
        fc.integer({ min: max + 1, max: max + 1_000_000 }),
        fc.double({ min: min + 0.01, max: max - 0.01, noNaN: true }).filter((value) => !Number.isInteger(value)),
        fc.constantFrom<Json>(String(max + 1), String(min - 1), "ten", true, null, [], {}),
    );

/** Strings other than `allowed`. */
const notOneOf = (allowed: readonly string[]): fc.Arbitrary<Json> => fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...allowed.map((value) => value.toUpperCase()), ...allowed.map((value) => ` ${value}`))).filter((value) => !allowed.includes(value));

const octet = fc.integer({ min: 0, max: 255 });
const publicTooWide = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 15 })).map(([first, prefix]) => `${first}.0.0.0/${prefix}`);
const privateCidr = fc.tuple(octet, octet).map(([b, c]) => `10.${b}.${c}.0/24`);
const publicVpc = fc.tuple(fc.integer({ min: 11, max: 99 }), octet).map(([a, b]) => `${a}.${b}.0.0/16`);
const unsafePath = fc.tuple(fc.stringMatching(/^[a-z]{0,8}$/), fc.constantFrom(";", "$", "`", "&", "|", "'", '"', " ", "?", "#", "(", ")", "<", ">", "\\", "*", "!"), fc.stringMatching(/^[a-z]{0,8}$/)).map(([a, bad, b]) => `/${a}${bad}${b}`);

/** Known-invalid values by the key they must be reported at (`pulumi config set --path` syntax). */
const INVALID: Readonly<Record<string, fc.Arbitrary<Json>>> = {
    "aws:region": fc.oneof(fc.constantFrom("eu-fake-1", "us-east-9", "EU-WEST-1", "eu-west", ""), fc.stringMatching(/^[a-z]{2}-[a-z]{3,8}-[0-9]$/).filter((region) => !["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-1", "eu-south-2", "af-south-1", "sa-east-1", "me-south-1", "ca-central-1", "ca-west-1", "il-central-1", "mx-central-1", "ap-south-1", "ap-south-2", "ap-east-1", "ap-east-2", "me-central-1", "eu-central-1", "eu-central-2"].includes(region))),
    "eks-canary:router": notOneOf(["appmesh", "alb", "lattice", "replicas"]),
    "eks-canary:namespace": fc.oneof(fc.constantFrom("kube-system", "default", "kube-public", "kube-node-lease", "flagger-system", "appmesh-system", "aws-application-networking-system"), fc.stringMatching(/^kube-[a-z]{1,10}$/), fc.stringMatching(/^[A-Z_.]{1,10}$/)),
    "eks-canary:domain": fc.constantFrom("Canary.Example.com", "localhost", "exa mple.com", "-x.example.com", "x..example.com", "a.b"),
    "eks-canary:network.cidrBlock": fc.oneof(publicVpc, fc.constantFrom("10.0.0.0/8", "10.0.0.0/24", "10.0.0.1/16", "172.32.0.0/16", "192.169.0.0/16", "10.0.0.0", "10.256.0.0/16")),
    "eks-canary:network.availabilityZones": outside(2, 6),
    "eks-canary:network.natGateways": notOneOf(["single", "onePerAz"]),
    "eks-canary:cluster.kubernetesVersion": notOneOf(["1.35"]),
    "eks-canary:cluster.nodes.min": outside(1, 100),
    "eks-canary:cluster.nodes.max": outside(1, 100),
    "eks-canary:cluster.nodeDiskGiB": outside(20, 1000),
    "eks-canary:cluster.publicAccessCidrs[0]": fc.oneof(publicTooWide, privateCidr, fc.constantFrom("0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "203.0.113.10/24", "192.168.1.0/24", "203.0.113.10")),
    "eks-canary:cluster.instanceTypes[0]": fc.constantFrom("T3.large", "t3", "t3.large;x", "", " "),
    "eks-canary:cluster.adminPrincipalArns[0]": fc.constantFrom("arn:aws:sts::111122223333:assumed-role/a/b", "arn:aws:iam::1111:role/x", "role/x", "arn:aws:iam::111122223333:group/x"),
    "eks-canary:database.allocatedStorageGiB": outside(20, 16384),
    "eks-canary:database.backupRetentionDays": outside(1, 35),
    "eks-canary:database.multiAz": fc.constantFrom<Json>("yes", 1, 0, null, [], "TRUE"),
    "eks-canary:database.instanceClass": fc.constantFrom("t4g.micro", "db.T4G.micro", "db.", "db.t4g.micro; drop"),
    "eks-canary:services.notification.port": outside(1, 65535),
    "eks-canary:services.notification.replicas": outside(1, 100),
    "eks-canary:services.notification.healthPath": fc.oneof(unsafePath, fc.constantFrom("health", "", "//x y", `/${"a".repeat(201)}`)),
    "eks-canary:services.notification.stable.image": fc.constantFrom("nginx", "nginx:", "Nginx:1", "nginx:latest tag", "nginx@sha256:abc"),
    "eks-canary:services.notification.canary.weight": fc.oneof(outside(0, 100), fc.constantFrom<Json>(10, 30, 99, 1)),
    "eks-canary:canary.steps": fc.constantFrom<Json>([50, 25], [0, 0, 100], [0], [0, 101], ["a", "b"], "0,25"),
    "eks-canary:usermgmt.image": fc.constantFrom("usermgmt", "usermgmt:", "a b:1"),
    "eks-canary:usermgmt.calls": fc.constantFrom("payments", "Notification", ""),
    "eks-canary:deployer.kind": notOneOf(["workstation", "github-actions", "pulumi-deployments"]),
    "eks-canary:deployer.runner": fc.constantFrom("ubuntu-latest", "windows-2025", "macos-15", "", "a b"),
    "eks-canary:deployer.roleArn": fc.constantFrom("arn:aws:iam::111122223333:role/someone-else", "arn:aws:iam::111122223333:user/u", "x"),
};

/** The dev config with the value at `key` (a path in `pulumi config set --path` syntax) replaced. */
function withValueAt(key: string, value: Json): Record<string, string> {
    if (!key.startsWith(`${PROJECT}:`) || !/[.[]/.test(key)) {
        return { ...BASE, [key]: typeof value === "string" ? value : JSON.stringify(value) };
    }
    const [topName, ...rest] = key.slice(PROJECT.length + 1).split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== "");
    const topKey = `${PROJECT}:${topName}`;
    const path = rest.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
    return { ...BASE, [topKey]: JSON.stringify(setAt(parsedBase(topKey) as Json, path, value)) };
}

describe("known-invalid values are refused, each at its key", () => {
    it.each(Object.keys(INVALID))("%s", (key) => {
        fc.assert(
            fc.property(INVALID[key], (value) => {
                let thrown: unknown;
                try {
                    parseStackConfig(withValueAt(key, value), STACK);
                } catch (error) {
                    thrown = error;
                }
                const shown = JSON.stringify(value)?.slice(0, 80);
                expect(thrown, `${key} = ${shown} was accepted`).toBeInstanceOf(ConfigError);
                const keys = (thrown as ConfigError).issues.map((issue) => issue.key);
                expect(
                    keys.some((reported) => lineal(key, reported) || related(key, reported)),
                    `${key} = ${shown}: the issues ${keys.join(", ")} do not name it`,
                ).toBe(true);
            }),
            { seed: SEED, numRuns: 60 },
        );
    });
});
