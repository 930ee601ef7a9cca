/** The generated files on disk against the ones in memory: what `--check` reports. */
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultOutDir, MARKER } from "./generate";

/** Generated files (by their marker) present in `outDir`. */
export function existingGenerated(outDir: string): string[] {
    if (!fs.existsSync(outDir)) return [];
    return fs
        .readdirSync(outDir)
        .filter((f) => f.endsWith(".ts") && fs.readFileSync(path.join(outDir, f), "utf8").startsWith(MARKER))
        .sort();
}

/** Files in `outDir` that differ from `files`: changed, missing, or stale generated ones. */
export function drift(files: ReadonlyMap<string, string>, outDir: string = defaultOutDir): string[] {
    const out: string[] = [];
    for (const [name, content] of files) {
        const file = path.join(outDir, name);
        if (!fs.existsSync(file)) out.push(`${name} (missing)`);
        else if (fs.readFileSync(file, "utf8") !== content) out.push(`${name} (differs)`);
    }
    for (const name of existingGenerated(outDir)) if (!files.has(name)) out.push(`${name} (stale)`);
    return out;
}
