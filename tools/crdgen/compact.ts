/**
 * The compact schema: the subset of an OpenAPI v3 schema that the generated validation keeps
 * (mirrors `Schema` in infra/crds/validate.ts), with its keys in one canonical order.
 */
import { isObject, Json, JsonObject } from "./json";

export interface Node {
    type?: string;
    intOrString?: true;
    preserveUnknownFields?: true;
    enum?: Json[];
    default?: Json;
    minimum?: number;
    maximum?: number;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    minItems?: number;
    maxItems?: number;
    minProperties?: number;
    maxProperties?: number;
    required?: string[];
    properties?: { [name: string]: Node };
    additionalProperties?: Node;
    items?: Node;
    oneOf?: Node[];
    anyOf?: Node[];
    not?: Node;
}

const NUMERIC = ["minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"] as const;

/** Upstream keywords dropped on purpose (prose, or rules the runtime check does not evaluate). */
const DROPPED = new Set([
    "description",
    "title",
    "example",
    "externalDocs",
    "format",
    "x-kubernetes-validations",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
]);

function sortKeys(v: Json): Json {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (!isObject(v)) return v;
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
}

const TYPES = new Set(["object", "array", "string", "integer", "number", "boolean"]);

function isEmpty(n: Node): boolean {
    return Object.keys(n).length === 0;
}

/** Converts an OpenAPI v3 schema to the compact subset, keys in a canonical order. */
export function compact(raw: JsonObject, where: string, branch: boolean, warn: (m: string) => void): Node {
    const n: Node = {};
    const sub = (v: Json | undefined, w: string, b: boolean): Node | undefined => (isObject(v) ? compact(v, w, b, warn) : undefined);

    for (const key of Object.keys(raw).sort()) {
        const v = raw[key];
        if (DROPPED.has(key)) continue;
        switch (key) {
            case "type":
                if (typeof v === "string" && TYPES.has(v)) n.type = v;
                else warn(`${where}: unsupported type ${JSON.stringify(v)} dropped`);
                break;
            case "x-kubernetes-int-or-string":
                if (v === true) n.intOrString = true;
                break;
            case "x-kubernetes-preserve-unknown-fields":
                if (v === true) n.preserveUnknownFields = true;
                break;
            case "enum":
                if (Array.isArray(v)) n.enum = v;
                break;
            case "default":
                n.default = sortKeys(v);
                break;
            case "pattern":
                if (typeof v !== "string") break;
                try {
                    new RegExp(v, "u");
                    n.pattern = v;
                } catch {
                    warn(`${where}: pattern ${JSON.stringify(v)} is not a valid JavaScript regular expression, dropped`);
                }
                break;
            case "required":
                if (Array.isArray(v)) n.required = [...new Set(v.filter((r): r is string => typeof r === "string"))].sort();
                break;
            case "properties":
                if (isObject(v)) {
                    n.properties = {};
                    for (const p of Object.keys(v).sort()) {
                        n.properties[p] = sub(v[p], `${where}.${p}`, branch) ?? {};
                    }
                }
                break;
            case "additionalProperties":
                if (v === true) n.additionalProperties = {};
                else if (isObject(v)) n.additionalProperties = sub(v, `${where}{}`, branch);
                break;
            case "items":
                n.items = sub(v, `${where}[]`, branch);
                if (n.items === undefined) warn(`${where}: non-object items dropped`);
                break;
            case "oneOf":
            case "anyOf":
                if (Array.isArray(v)) n[key] = v.filter(isObject).map((b, i) => compact(b, `${where}.${key}[${i}]`, true, warn));
                break;
            case "not":
                n.not = sub(v, `${where}.not`, true);
                break;
            default:
                if ((NUMERIC as readonly string[]).includes(key) && typeof v === "number") {
                    n[key as (typeof NUMERIC)[number]] = v;
                } else {
                    warn(`${where}: unsupported keyword ${key} dropped`);
                }
        }
    }

    // int-or-string is sometimes spelled out again as anyOf integer|string: redundant.
    if (n.intOrString === true && n.anyOf?.every((b) => b.type === "integer" || b.type === "string")) {
        delete n.anyOf;
    }
    if (branch) {
        // Branches of oneOf/anyOf/not are partial schemas: keywords reduced to nothing (e.g. a bare
        // `format`) constrain nothing, and an anyOf with an unconstrained alternative always passes.
        if (n.properties !== undefined) {
            for (const p of Object.keys(n.properties)) if (isEmpty(n.properties[p])) delete n.properties[p];
            if (Object.keys(n.properties).length === 0) delete n.properties;
        }
        if (n.anyOf?.some(isEmpty)) delete n.anyOf;
    }
    return canonical(n);
}

export const KEY_ORDER: readonly (keyof Node)[] = [
    "type",
    "intOrString",
    "preserveUnknownFields",
    "enum",
    "default",
    ...NUMERIC,
    "pattern",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "oneOf",
    "anyOf",
    "not",
];

function canonical(n: Node): Node {
    const out: Node = {};
    const target = out as Record<string, unknown>;
    const source = n as Record<string, unknown>;
    for (const k of KEY_ORDER) if (source[k] !== undefined) target[k] = source[k];
    return out;
}

export function children(n: Node): Node[] {
    return [
        ...Object.values(n.properties ?? {}),
        ...(n.additionalProperties ? [n.additionalProperties] : []),
        ...(n.items ? [n.items] : []),
        ...(n.oneOf ?? []),
        ...(n.anyOf ?? []),
        ...(n.not ? [n.not] : []),
    ];
}
