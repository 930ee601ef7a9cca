/** Reads the CRD files: each kind's chosen version and its spec schema, compacted. */
import * as fs from "node:fs";
import * as path from "node:path";
import { compact, Node } from "./compact";
import { field, isObject, Json, str } from "./json";
import { GROUPS } from "./sources";

export interface Kind {
    readonly kind: string;
    readonly group: string;
    readonly version: string;
    readonly spec: Node;
}

export function readCrds(crdDir: string, warn: (m: string) => void): Kind[] {
    const files = fs
        .readdirSync(crdDir)
        .filter((f) => f.endsWith(".json"))
        .sort();
    const kinds: Kind[] = [];
    for (const file of files) {
        const doc = JSON.parse(fs.readFileSync(path.join(crdDir, file), "utf8")) as Json;
        if (field(doc, "kind") !== "CustomResourceDefinition") {
            warn(`${file}: not a CustomResourceDefinition, skipped`);
            continue;
        }
        const group = str(field(doc, "spec", "group"), `${file}: spec.group`);
        const kind = str(field(doc, "spec", "names", "kind"), `${file}: spec.names.kind`);
        const config = GROUPS.find((g) => g.group === group);
        if (config === undefined) {
            throw new Error(`${file}: API group ${group} has no entry in GROUPS in tools/crdgen/sources.ts`);
        }
        const versions = ((field(doc, "spec", "versions") as Json[] | undefined) ?? []).filter(isObject);
        const served = versions.filter((v) => v.served === true);
        const chosen = config.version !== undefined ? served.find((v) => v.name === config.version) : served.length === 1 ? served[0] : served.find((v) => v.storage === true);
        if (chosen === undefined) {
            throw new Error(`${file}: no served version ${config.version ?? "(storage)"} of ${group}/${kind}`);
        }
        const version = str(chosen.name, `${file}: version name`);
        const specSchema = field(chosen, "schema", "openAPIV3Schema", "properties", "spec");
        const spec = isObject(specSchema) ? compact(specSchema, `${kind}.spec`, false, warn) : {};
        kinds.push({ kind, group, version, spec });
    }
    return kinds;
}
