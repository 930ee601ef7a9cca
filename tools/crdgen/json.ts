/** The CRD documents as parsed JSON, and safe reads from them. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: Json | undefined): v is JsonObject {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function field(o: Json | undefined, ...keys: string[]): Json | undefined {
    let cur: Json | undefined = o;
    for (const k of keys) cur = isObject(cur) ? cur[k] : undefined;
    return cur;
}

export function str(v: Json | undefined, what: string): string {
    if (typeof v !== "string") throw new Error(`${what}: expected a string`);
    return v;
}
