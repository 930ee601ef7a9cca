/**
 * crdgen: generates typed Pulumi CustomResource classes (infra/crds/*.ts) from the upstream
 * CustomResourceDefinitions in ../shared/crds/json (one CRD per JSON file).
 *
 *   npx tsx tools/crdgen.ts                 regenerate infra/crds/
 *   npx tsx tools/crdgen.ts --check         exit 1 if the committed files differ (CI drift check);
 *                                           exits 0 with a notice when the CRD directory is absent
 *   options: --crds <dir> (default ../shared/crds/json), --out <dir> (default infra/crds)
 *
 * Only structure is generated: upstream descriptions (and CEL rules, formats, list-type markers)
 * are never copied. The output is deterministic: property names, `required` lists, kinds and
 * files are sorted; enum values keep the upstream order.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { splitArgs, UsageError, valueOf } from "./args";
import { drift, existingGenerated } from "./crdgen/drift";
import { defaultCrdDir, defaultOutDir, generate } from "./crdgen/generate";

/** The command line; returns the exit code. */
export function main(argv: readonly string[]): number {
    const args = splitArgs(argv, { values: ["--crds", "--out"], booleans: ["--check", "--help", "-h"] });
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    if (args.booleans.has("--help") || args.booleans.has("-h")) {
        console.log("usage: npm run crdgen -- [--check] [--crds <dir>] [--out <dir>]");
        return 0;
    }
    const given = (flag: string): string | undefined => {
        const value = valueOf(args, flag);
        return value === undefined ? undefined : path.resolve(value);
    };
    const crdDir = given("--crds") ?? defaultCrdDir;
    const outDir = given("--out") ?? defaultOutDir;
    const checkOnly = args.booleans.has("--check");
    const rel = (p: string): string => path.relative(process.cwd(), p) || ".";

    if (!fs.existsSync(crdDir)) {
        if (checkOnly) {
            console.log(`crdgen --check: CRD directory ${rel(crdDir)} not found; drift check skipped.`);
            return 0;
        }
        console.error(`crdgen: CRD directory ${rel(crdDir)} not found (use --crds <dir>).`);
        return 1;
    }

    const { files, warnings } = generate(crdDir);
    for (const w of warnings) console.error(`crdgen: warning: ${w}`);

    if (checkOnly) {
        const differ = drift(files, outDir);
        if (differ.length > 0) {
            console.error(`crdgen --check: ${differ.length} file(s) in ${rel(outDir)} are not up to date:`);
            for (const d of differ) console.error(`  ${d}`);
            console.error("Run `npm run crdgen` (npx tsx tools/crdgen.ts) and commit the result.");
            return 1;
        }
        console.log(`crdgen --check: ${rel(outDir)} is up to date (${files.size} files).`);
        return 0;
    }

    fs.mkdirSync(outDir, { recursive: true });
    for (const [name, content] of files) {
        const file = path.join(outDir, name);
        if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) continue;
        fs.writeFileSync(file, content);
        console.log(`crdgen: wrote ${rel(file)} (${Buffer.byteLength(content)} bytes)`);
    }
    for (const name of existingGenerated(outDir)) {
        if (!files.has(name)) {
            fs.rmSync(path.join(outDir, name));
            console.log(`crdgen: removed stale ${rel(path.join(outDir, name))}`);
        }
    }
    return 0;
}

if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
    try {
        process.exitCode = main(process.argv.slice(2));
    } catch (e) {
        console.error(`crdgen: ${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = e instanceof UsageError ? 2 : 1;
    }
}
