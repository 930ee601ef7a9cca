/**
 * Reads a stack's `Pulumi.<stack>.yaml` into the raw form Pulumi hands a program (`namespace:key`
 * → string, structured values as JSON), and applies `--set key=value` overrides the way
 * `pulumi config set --path` does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { OFFLINE_SECRET, PROJECT } from "../stacks/config";

export const REPO_ROOT = path.resolve(__dirname, "..");

export interface StackFile {
    /** `namespace:key` → value as Pulumi passes it to the program. */
    readonly config: Record<string, string>;
    /** Keys set with `pulumi config set --secret`: encrypted in the file, unknown offline. */
    readonly secretKeys: string[];
}

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** A stack file that is missing, unreadable, not YAML, or not a Pulumi stack file: the commands exit 3. */
export class StackFileError extends Error {}

/** A `--stack` with no stack file, or a `--set key=value` that cannot be applied: a usage error (exit 2). */
export class StackArgumentError extends Error {}

/** The largest stack file read: a real one is a few kilobytes. */
export const MAX_STACK_FILE_BYTES = 1024 * 1024;
/** Property names that would reach an object's prototype. */
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/** What a stack name may be here: no path separators or `..`, so a name never reads another folder's file. */
const STACK_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

export function stackFilePath(stack: string, dir = REPO_ROOT): string {
    if (!STACK_NAME.test(stack) || stack.includes("..")) {
        throw new StackArgumentError(
            `--stack ${JSON.stringify(stack.length > 60 ? `${stack.slice(0, 57)}...` : stack)} is not a stack name; allowed: letters, digits, '-', '_' and '.', such as dev`,
        );
    }
    return path.join(dir, `Pulumi.${stack}.yaml`);
}

/** Lists the stacks that have a `Pulumi.<stack>.yaml` in `dir`. */
export function listStacks(dir = REPO_ROOT): string[] {
    return fs
        .readdirSync(dir)
        .map((file) => /^Pulumi\.([^.]+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

function toWire(value: Value): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function isSecure(value: Value): boolean {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** Reads a stack file, then applies `overrides` (`key=value`, path keys allowed). */
export function readStackFile(stack: string, overrides: readonly string[] = [], dir = REPO_ROOT): StackFile {
    const file = stackFilePath(stack, dir);
    if (!fs.existsSync(file)) {
        const known = listStacks(dir);
        throw new StackArgumentError(`no stack file ${path.basename(file)}; stacks here: ${known.length > 0 ? known.join(", ") : "none"}`);
    }
    const name = path.basename(file);
    const size = fs.statSync(file).size;
    if (size > MAX_STACK_FILE_BYTES) {
        throw new StackFileError(`${name}: ${size} bytes is not a stack file (at most ${MAX_STACK_FILE_BYTES} bytes are read)`);
    }
    let document: unknown;
    try {
        // Duplicate keys are an error, not a silent last-one-wins; aliases are capped (no alias bombs).
        document = parse(fs.readFileSync(file, "utf8"), { uniqueKeys: true, maxAliasCount: 50, prettyErrors: true }) ?? {};
    } catch (error) {
        const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
        throw new StackFileError(`${name} is not valid YAML: ${reason}`);
    }
    if (typeof document !== "object" || document === null || Array.isArray(document)) {
        throw new StackFileError(`${name} is not a Pulumi stack file: expected a mapping with a config: section`);
    }
    const config = (document as { config?: unknown }).config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new StackFileError(`${name}: config is not a mapping of keys to values`);
    }
    const values: Record<string, Value> = Object.create(null) as Record<string, Value>;
    for (const [key, value] of Object.entries(config as Record<string, Value>)) {
        if (key.split(/[:.[\]"]/).some((segment) => FORBIDDEN_SEGMENTS.has(segment))) {
            throw new StackFileError(`${name}: the config key ${JSON.stringify(key)} names an object prototype; allowed: the keys of the config reference`);
        }
        values[key] = value;
    }
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        if (isSecure(value)) {
            // Encrypted with the stack's secrets provider: only `pulumi` can read it.
            secretKeys.push(key);
            values[key] = OFFLINE_SECRET;
        }
    }
    for (const override of overrides) {
        applyOverride(values, override);
    }
    return { config: Object.fromEntries(Object.entries(values).map(([key, value]) => [key, toWire(value)])), secretKeys };
}

/** One segment of a config path: a property name or a list index. */
type Segment = string | number;

/**
 * Splits `services.notification.canary.weight`, `a["b.c"]` or `list[0]` into segments, as
 * `pulumi config set --path` reads them.
 */
export function parsePath(text: string): Segment[] {
    const segments: Segment[] = [];
    const pattern = /([^.[\]]+)|\[(\d+)\]|\["([^"]+)"\]|(\.)/gy;
    let match: RegExpExecArray | null;
    let expectName = true;
    while (pattern.lastIndex < text.length && (match = pattern.exec(text)) !== null) {
        if (match[4] !== undefined) {
            if (expectName) {
                // `a..b`, or a leading dot: an empty property name.
                break;
            }
            expectName = true;
            continue;
        }
        if (match[1] !== undefined) {
            if (!expectName) {
                break;
            }
            segments.push(match[1]);
        } else if (match[2] !== undefined) {
            segments.push(Number(match[2]));
        } else if (match[3] !== undefined) {
            segments.push(match[3]);
        }
        expectName = false;
    }
    if (pattern.lastIndex !== text.length || segments.length === 0 || text.endsWith(".")) {
        throw new StackArgumentError(`cannot read the config path ${JSON.stringify(text)}; write it as in \`pulumi config set --path\`, e.g. services.notification.canary.weight`);
    }
    const forbidden = segments.find((segment) => typeof segment === "string" && FORBIDDEN_SEGMENTS.has(segment));
    if (forbidden !== undefined) {
        throw new StackArgumentError(`the config path ${JSON.stringify(text)} names ${JSON.stringify(forbidden)}, an object prototype; allowed: the keys of the config reference`);
    }
    return segments;
}

/** Like `pulumi config set --path`, `true`/`false` and integers set booleans and numbers. */
export function parseScalar(text: string): Value {
    if (text === "true" || text === "false") {
        return text === "true";
    }
    if (/^-?\d+$/.test(text) && Number.isSafeInteger(Number(text))) {
        return Number(text);
    }
    return text;
}

function applyOverride(values: Record<string, Value>, override: string): void {
    const equals = override.indexOf("=");
    if (equals <= 0) {
        throw new StackArgumentError(`--set takes key=value, got ${JSON.stringify(override.length > 80 ? `${override.slice(0, 77)}...` : override)}`);
    }
    const keyText = override.slice(0, equals);
    const valueText = override.slice(equals + 1);
    // Keys without a namespace belong to the project, as with `pulumi config set`.
    const colon = keyText.indexOf(":");
    const namespaced = colon > 0 && !keyText.slice(0, colon).includes(".") ? keyText : `${PROJECT}:${keyText}`;
    const split = namespaced.indexOf(":");
    const namespace = namespaced.slice(0, split);
    const [first, ...rest] = parsePath(namespaced.slice(split + 1));
    const topKey = `${namespace}:${String(first)}`;
    if (rest.length === 0) {
        values[topKey] = parseScalar(valueText);
        return;
    }
    const existing = values[topKey];
    let root: Value = typeof existing === "string" ? tryJson(existing) : (existing ?? (typeof rest[0] === "number" ? [] : {}));
    root = structuredClone(root);
    values[topKey] = root;
    let node: Value = root;
    for (const [index, segment] of rest.entries()) {
        const last = index === rest.length - 1;
        const container = node as Record<string | number, Value>;
        if (typeof node !== "object" || node === null) {
            throw new StackArgumentError(`cannot set ${keyText}: ${rest.slice(0, index).join(".") || String(first)} is not an object or list`);
        }
        if (typeof segment === "number") {
            // As `pulumi config set --path`: an index may extend a list by one, not leave holes.
            const length = Array.isArray(node) ? node.length : 0;
            if (!Array.isArray(node) || segment > length) {
                throw new StackArgumentError(
                    `cannot set ${keyText}: [${segment}] is past the end of ${Array.isArray(node) ? `a list of ${length}` : "something that is not a list"}; allowed: an index 0..${length}`,
                );
            }
        } else if (Array.isArray(node)) {
            throw new StackArgumentError(`cannot set ${keyText}: ${JSON.stringify(segment)} names a property of a list; allowed: an index such as [0]`);
        }
        if (last) {
            container[segment] = parseScalar(valueText);
        } else {
            if (container[segment] === undefined || container[segment] === null) {
                container[segment] = typeof rest[index + 1] === "number" ? [] : {};
            }
            node = container[segment];
        }
    }
}

function tryJson(text: string): Value {
    try {
        return JSON.parse(text) as Value;
    } catch {
        return text;
    }
}

/** One `pulumi config set --path` or `rm --path` of a fully qualified key (`eks-canary:a.b[0]`). */
export type ConfigEdit = { readonly op: "set"; readonly key: string; readonly value: string } | { readonly op: "remove"; readonly key: string };

/**
 * Raw config (`namespace:key` → string, objects as JSON) after `edits`, as the Pulumi CLI would
 * leave it: what a dry run plans the proposed config from, with no CLI.
 */
export function withConfigEdits(config: Readonly<Record<string, string>>, edits: readonly ConfigEdit[]): Record<string, string> {
    const values: Record<string, Value> = Object.create(null) as Record<string, Value>;
    for (const [key, text] of Object.entries(config)) {
        values[key] = tryJson(text);
    }
    for (const edit of edits) {
        if (edit.op === "set") {
            applyOverride(values, `${edit.key}=${edit.value}`);
            continue;
        }
        // Keys without a namespace belong to the project, as for a set.
        const key = /^[^.[]+:/.test(edit.key) ? edit.key : `${PROJECT}:${edit.key}`;
        const split = key.indexOf(":");
        const [first, ...rest] = parsePath(key.slice(split + 1));
        const topKey = `${key.slice(0, split)}:${String(first)}`;
        if (rest.length === 0) {
            delete values[topKey];
            continue;
        }
        let node: Value | undefined = values[topKey];
        for (const segment of rest.slice(0, -1)) {
            node = typeof node === "object" && node !== null ? (node as Record<string | number, Value>)[segment] : undefined;
        }
        const last = rest[rest.length - 1];
        if (Array.isArray(node) && typeof last === "number") {
            // As `pulumi config rm --path`: the list closes up, it keeps no hole.
            node.splice(last, 1);
        } else if (typeof node === "object" && node !== null) {
            delete (node as Record<string | number, Value>)[last];
        }
    }
    return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, toWire(value)]));
}
