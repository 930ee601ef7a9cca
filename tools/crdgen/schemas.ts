/**
 * The validation-schema constants of a generated file (`<Kind>SpecSchema`), with sub-schemas
 * shared within the file hoisted into `sN` constants, written once.
 */
import { children, KEY_ORDER, Node } from "./compact";
import { Json } from "./json";
import { key, layout, printJson } from "./layout";

const HOIST_MIN_LENGTH = 60;

export class SchemaPrinter {
    private readonly hoisted: Set<string>;
    private readonly names = new Map<string, string>();
    readonly consts: string[] = [];

    constructor(roots: readonly Node[]) {
        const counts = new Map<string, number>();
        const countAll = (n: Node): void => {
            const c = JSON.stringify(n);
            counts.set(c, (counts.get(c) ?? 0) + 1);
            children(n).forEach(countAll);
        };
        roots.forEach((r) => children(r).forEach(countAll));
        let candidates = new Set([...counts].filter(([c, count]) => count >= 2 && c.length >= HOIST_MIN_LENGTH).map(([c]) => c));
        // A sub-schema repeated only because its (hoisted) parent repeats is written once: recount
        // uses, expanding each hoisted schema once, until the set is stable.
        for (;;) {
            const uses = new Map<string, number>();
            const visit = (n: Node): void => {
                const c = JSON.stringify(n);
                if (candidates.has(c)) {
                    const seen = uses.get(c) ?? 0;
                    uses.set(c, seen + 1);
                    if (seen > 0) return;
                }
                children(n).forEach(visit);
            };
            roots.forEach((r) => children(r).forEach(visit));
            const next = new Set([...candidates].filter((c) => (uses.get(c) ?? 0) >= 2));
            if (next.size === candidates.size) break;
            candidates = next;
        }
        this.hoisted = candidates;
    }

    /** The schema as a TS expression; hoisted sub-schemas become references to `sN` constants. */
    print(n: Node, indent: number, root = false): string {
        const c = JSON.stringify(n);
        if (!root && this.hoisted.has(c)) {
            let name = this.names.get(c);
            if (name === undefined) {
                const body = this.print(n, 0, true);
                name = `s${this.names.size + 1}`;
                this.names.set(c, name);
                this.consts.push(`const ${name}: Schema = ${body};`);
            }
            return name;
        }
        const parts: string[] = [];
        const src = n as Record<string, unknown>;
        for (const k of KEY_ORDER) {
            const v = src[k];
            if (v === undefined) continue;
            let text: string;
            if (k === "properties" && n.properties !== undefined) {
                const props = n.properties;
                text = layout({ open: "{", close: "}", parts: Object.keys(props).map((p) => `${key(p)}: ${this.print(props[p], indent + 4)}`) }, indent + 2);
            } else if ((k === "items" || k === "additionalProperties" || k === "not") && n[k] !== undefined) {
                text = this.print(n[k], indent + 2);
            } else if ((k === "oneOf" || k === "anyOf") && n[k] !== undefined) {
                text = layout({ open: "[", close: "]", parts: n[k].map((b) => this.print(b, indent + 4)) }, indent + 2);
            } else {
                text = printJson(v as Json, indent + 2);
            }
            parts.push(`${k}: ${text}`);
        }
        return layout({ open: "{", close: "}", parts }, indent);
    }
}
