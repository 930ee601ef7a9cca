/** How generated TypeScript is laid out: property keys, and literals broken over lines past WIDTH. */
import { isObject, Json } from "./json";

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function key(k: string): string {
    return IDENT.test(k) ? k : JSON.stringify(k);
}

export const WIDTH = 100;

export function printJson(v: Json, indent: number): string {
    return layout(
        Array.isArray(v)
            ? { open: "[", close: "]", parts: v.map((x) => printJson(x, indent + 2)) }
            : isObject(v)
              ? { open: "{", close: "}", parts: Object.keys(v).map((k) => `${key(k)}: ${printJson(v[k], indent + 2)}`) }
              : { atom: JSON.stringify(v) },
        indent,
    );
}

type Layout = { atom: string } | { open: string; close: string; parts: string[] };

export function layout(l: Layout, indent: number): string {
    if ("atom" in l) return l.atom;
    if (l.parts.length === 0) return `${l.open}${l.close}`;
    const pad = l.open === "{" ? " " : "";
    const inline = `${l.open}${pad}${l.parts.join(", ")}${pad}${l.close}`;
    if (!inline.includes("\n") && inline.length + indent <= WIDTH) return inline;
    const inner = " ".repeat(indent + 2);
    return `${l.open}\n${l.parts.map((p) => `${inner}${p},`).join("\n")}\n${" ".repeat(indent)}${l.close}`;
}
