/**
 * A small toolkit for validating untyped stack config: every check records a problem with the
 * full config key and the allowed values, and returns a usable default so that validation goes on
 * and reports every problem at once.
 */

export interface ConfigIssue {
    /** The full config key, in `pulumi config set --path` syntax, e.g. `eks-canary:database.multiAz`. */
    readonly key: string;
    readonly message: string;
}

/** Bad stack config: thrown before any resource is declared, listing every problem. */
export class ConfigError extends Error {
    constructor(readonly issues: readonly ConfigIssue[]) {
        super(`invalid stack config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` + issues.map((issue) => `  - ${issue.key}: ${issue.message}`).join("\n"));
        this.name = "ConfigError";
    }
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Joins a path segment onto a key the way `pulumi config set --path` reads it. */
export function childKey(key: string, segment: string | number): string {
    if (typeof segment === "number") {
        return `${key}[${segment}]`;
    }
    return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) ? `${key}.${segment}` : `${key}["${segment}"]`;
}

/** A raw config value as Pulumi passes it: structured values as JSON text, scalars as plain text. */
export function parseConfigText(text: string): Json {
    const trimmed = text.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed) as Json;
        } catch {
            return text;
        }
    }
    return text;
}

/**
 * Text that may be a credential pasted in the wrong place (a webhook URL, a token): error
 * messages never quote it.
 */
export function mayBeSecret(text: string): boolean {
    return /:\/\//.test(text) || /(token|secret|passw|apikey|api_key|hooks\.|xox[abpr]-)/i.test(text) || /[A-Za-z0-9+/_=]{32,}/.test(text);
}

export const NOT_SHOWN = "[a value that may be a secret, not shown]";

export function describe(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    let text: string;
    try {
        text = JSON.stringify(value, (_key, item: unknown) => (typeof item === "string" && mayBeSecret(item) ? NOT_SHOWN : item));
    } catch {
        // Nested deeper than the stack allows: say what it is, not what it holds.
        text = Array.isArray(value) ? "[...]" : "{...}";
    }
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export interface StringRule {
    /** Allowed values; the message lists them. */
    readonly oneOf?: readonly string[];
    /** A secret: messages never quote the value. */
    readonly secret?: boolean;
    readonly pattern?: RegExp;
    /** What the pattern means, for the message, e.g. "an ACM certificate ARN". */
    readonly expected?: string;
    readonly maxLength?: number;
}

export interface IntegerRule {
    readonly min: number;
    readonly max: number;
}

export class Checker {
    private readonly found: ConfigIssue[] = [];

    get issues(): readonly ConfigIssue[] {
        return this.found;
    }

    report(key: string, message: string): void {
        this.found.push({ key, message });
    }

    /** Throws a ConfigError when any problem was recorded. */
    throwIfAny(): void {
        if (this.found.length > 0) {
            throw new ConfigError(this.found);
        }
    }

    string(key: string, value: unknown, rule: StringRule = {}): string | undefined {
        if (value === undefined) {
            return undefined;
        }
        const allowed = this.allowedText(rule);
        const shown = rule.secret === true ? "the secret value" : describe(value);
        if (typeof value !== "string") {
            this.report(key, `${shown} is not a string; allowed: ${allowed}`);
            return undefined;
        }
        if (rule.oneOf !== undefined && !rule.oneOf.includes(value)) {
            this.report(key, `${shown} is not allowed; allowed: ${allowed}`);
            return undefined;
        }
        if (rule.pattern !== undefined && !rule.pattern.test(value)) {
            this.report(key, `${shown} is malformed; allowed: ${allowed}`);
            return undefined;
        }
        if (rule.maxLength !== undefined && value.length > rule.maxLength) {
            this.report(key, `${shown} is longer than ${rule.maxLength} characters; allowed: ${allowed}`);
            return undefined;
        }
        return value;
    }

    requiredString(key: string, value: unknown, rule: StringRule = {}): string | undefined {
        if (value === undefined) {
            // A nested key needs --path, or Pulumi sets a top-level key with a dot in its name.
            const path = /[.[]/.test(key.slice(key.indexOf(":") + 1)) ? "--path " : "";
            this.report(key, `missing; set it with \`pulumi config set ${path}'${key}' <value>\`; allowed: ${this.allowedText(rule)}`);
            return undefined;
        }
        return this.string(key, value, rule);
    }

    integer(key: string, value: unknown, rule: IntegerRule): number | undefined {
        if (value === undefined) {
            return undefined;
        }
        const allowed = `an integer ${rule.min}..${rule.max}`;
        const number = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
        if (typeof number !== "number" || !Number.isInteger(number)) {
            this.report(key, `${describe(value)} is not an integer; allowed: ${allowed}`);
            return undefined;
        }
        if (number < rule.min || number > rule.max) {
            this.report(key, `${number} is out of range; allowed: ${allowed}`);
            return undefined;
        }
        return number;
    }

    boolean(key: string, value: unknown): boolean | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (value === true || value === "true") {
            return true;
        }
        if (value === false || value === "false") {
            return false;
        }
        this.report(key, `${describe(value)} is not a boolean; allowed: true, false`);
        return undefined;
    }

    /**
     * An object with a known set of keys: unknown keys are reported (they are typos more often
     * than not), and the object is returned for its fields to be checked.
     */
    object(key: string, value: unknown, knownKeys: readonly string[]): JsonObject | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (!isObject(value)) {
            this.report(key, `${describe(value)} is not an object; allowed keys: ${knownKeys.join(", ")}`);
            return undefined;
        }
        for (const name of Object.keys(value)) {
            if (!knownKeys.includes(name)) {
                this.report(childKey(key, name), `unknown key${suggestion(name, knownKeys)}; allowed keys: ${knownKeys.join(", ")}`);
            }
        }
        return value;
    }

    /** An object whose keys are names chosen by the user (e.g. service names). */
    map(key: string, value: unknown, namePattern: RegExp, nameExpected: string): JsonObject | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (!isObject(value)) {
            this.report(key, `${describe(value)} is not an object keyed by ${nameExpected}`);
            return undefined;
        }
        const valid: JsonObject = {};
        for (const [name, entry] of Object.entries(value)) {
            if (namePattern.test(name)) {
                valid[name] = entry;
            } else {
                this.report(childKey(key, name), `${describe(name)} is not a valid name; allowed: ${nameExpected}`);
            }
        }
        return valid;
    }

    array(key: string, value: unknown, rule: { minItems: number; maxItems: number }): Json[] | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (!Array.isArray(value)) {
            this.report(key, `${describe(value)} is not a list; allowed: a list of ${rule.minItems}..${rule.maxItems} items`);
            return undefined;
        }
        if (value.length < rule.minItems || value.length > rule.maxItems) {
            this.report(key, `has ${value.length} items; allowed: ${rule.minItems}..${rule.maxItems} items`);
            return undefined;
        }
        return value as Json[];
    }

    private allowedText(rule: StringRule): string {
        if (rule.oneOf !== undefined) {
            return rule.oneOf.join(", ");
        }
        return rule.expected ?? "a string";
    }
}

export function isObject(value: unknown): value is JsonObject {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** For `filter`: drops the values a check refused (undefined), typing the rest as checked. */
export function isDefined<T>(value: T | undefined): value is T {
    return value !== undefined;
}

/** " (did you mean X?)" when a known key is one or two edits away. */
export function suggestion(name: string, known: readonly string[]): string {
    const close = known.find((candidate) => editDistance(name.toLowerCase(), candidate.toLowerCase()) <= 2);
    return close === undefined ? "" : ` (did you mean ${close}?)`;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}
