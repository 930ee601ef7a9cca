/**
 * The TypeScript interfaces of a kind's spec (Pulumi inputs at every level), deduplicated by
 * structure within the kind and named after the paths where each structure occurs.
 */
import { Node } from "./compact";
import { key } from "./layout";

function pascal(s: string): string {
    const p = s.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase());
    const out = p.charAt(0).toUpperCase() + p.slice(1);
    return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** Singular of a name's last word, for array item and map value type names. */
function singular(name: string): string {
    if (/(ss|us|is|Tls|Dns)$/.test(name)) return name;
    if (/ies$/.test(name)) return `${name.slice(0, -3)}y`;
    if (/(sses|shes|ches|xes|zes)$/.test(name)) return name.slice(0, -2);
    if (/s$/.test(name)) return name.slice(0, -1);
    return name;
}

interface Interface {
    readonly id: number;
    /** Member lines; references to other interfaces are placeholders until names are chosen. */
    readonly body: string;
    /** Names suggested by the paths where this structure occurs; the shortest one is used. */
    readonly hints: string[];
    /** Pre-order position of the first occurrence, so interfaces are listed parent first. */
    readonly order: number;
}

/**
 * A name for a structure shared by several paths: their common leading words plus their common
 * trailing words, e.g. VirtualRouterSpecRouteHttpRouteAction and
 * VirtualRouterSpecRouteTcpRouteAction give VirtualRouterSpecRouteAction. Undefined when the
 * paths share no trailing word.
 */
function commonName(hints: readonly string[]): string | undefined {
    if (hints.length < 2) return undefined;
    const split = hints.map((h) => h.match(/[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+|_/g) ?? [h]);
    const shortest = Math.min(...split.map((w) => w.length));
    let head = 0;
    while (head < shortest && split.every((w) => w[head] === split[0][head])) head++;
    let tail = 0;
    while (tail < shortest - head && split.every((w) => w[w.length - 1 - tail] === split[0][split[0].length - 1 - tail])) tail++;
    if (tail === 0) return undefined;
    const words = [...split[0].slice(0, head), ...split[0].slice(split[0].length - tail)];
    return words.filter((w, k) => k === 0 || w !== words[k - 1]).join("");
}

const ref = (id: number): string => `\u0000${id}\u0000`;

export class TypeBuilder {
    private readonly interfaces: Interface[] = [];
    private readonly byBody = new Map<string, Interface>();
    private order = 0;

    /** TypeScript type of a value described by `n` (without the outer pulumi.Input). */
    type(n: Node, hint: string, root = false): string {
        if (n.intOrString === true) return "number | string";
        if (n.enum !== undefined && n.enum.length > 0) return n.enum.map((e) => JSON.stringify(e)).join(" | ");
        switch (n.type) {
            case "string":
                return "string";
            case "integer":
            case "number":
                return "number";
            case "boolean":
                return "boolean";
            case "array":
                return `pulumi.Input<${n.items ? this.type(n.items, singular(hint)) : "unknown"}>[]`;
            case "object":
                return this.object(n, hint, root);
            default:
                return "unknown";
        }
    }

    private object(n: Node, hint: string, root: boolean): string {
        const props = n.properties ?? {};
        const names = Object.keys(props);
        if (names.length === 0) {
            if (n.additionalProperties !== undefined) {
                return `{ [key: string]: pulumi.Input<${this.type(n.additionalProperties, singular(hint))}> }`;
            }
            return n.preserveUnknownFields === true ? "Record<string, unknown>" : "Record<string, never>";
        }
        const order = this.order++;
        const required = new Set(n.required ?? []);
        const lines = names.map((p) => {
            const optional = !required.has(p) || props[p].default !== undefined;
            return `  ${key(p)}${optional ? "?" : ""}: pulumi.Input<${this.type(props[p], hint + pascal(p))}>;`;
        });
        if (n.additionalProperties !== undefined || n.preserveUnknownFields === true) {
            lines.push("  [key: string]: unknown;");
        }
        const body = lines.join("\n");
        const existing = root ? undefined : this.byBody.get(body);
        if (existing !== undefined) {
            existing.hints.push(hint);
            return ref(existing.id);
        }
        const created: Interface = { id: this.interfaces.length, body, hints: [hint], order };
        this.interfaces.push(created);
        if (!root) this.byBody.set(body, created);
        return ref(created.id);
    }

    /**
     * Chooses names (the root gets `rootName`, the others their shortest free hint) and returns
     * the declarations, the root first (an alias when the spec is not an interface).
     */
    finish(rootExpr: string, rootName: string, taken: Set<string>): string[] {
        const names = new Map<number, string>();
        const sorted = [...this.interfaces].sort((a, b) => a.order - b.order);
        for (const i of sorted) {
            let name: string | undefined;
            if (rootExpr === ref(i.id)) name = rootName;
            else {
                const hints = [...new Set(i.hints)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
                const common = commonName(hints);
                name = [...(common !== undefined ? [common] : []), ...hints].find((h) => !taken.has(h));
                for (let k = 2; name === undefined; k++) if (!taken.has(`${hints[0]}${k}`)) name = `${hints[0]}${k}`;
            }
            taken.add(name);
            names.set(i.id, name);
        }
        const resolve = (s: string): string => s.replace(/\u0000(\d+)\u0000/g, (_m, id: string) => names.get(Number(id)) ?? "unknown");
        const decls = sorted.map((i) => `export interface ${names.get(i.id) ?? ""} {\n${resolve(i.body)}\n}`);
        if (!sorted.some((i) => ref(i.id) === rootExpr)) {
            decls.unshift(`export type ${rootName} = ${resolve(rootExpr)};`);
        }
        return decls;
    }
}
