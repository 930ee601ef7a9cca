/**
 * Pulumi runs the program from bin/ (Pulumi.yaml `main`), the JavaScript `npm run build` writes.
 * A build older than its sources would deploy yesterday's code: refuse to run one.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Source folders compiled into bin/ (tsconfig.build.json). */
export const SOURCE_DIRS = ["stacks", "infra"];

function newestSource(dir: string): { file: string; mtimeMs: number } | undefined {
    let newest: { file: string; mtimeMs: number } | undefined;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        const candidate = entry.isDirectory()
            ? newestSource(file)
            : /\.(ts|json)$/.test(entry.name) && !entry.name.endsWith(".d.ts")
              ? { file, mtimeMs: fs.statSync(file).mtimeMs }
              : undefined;
        if (candidate !== undefined && (newest === undefined || candidate.mtimeMs > newest.mtimeMs)) {
            newest = candidate;
        }
    }
    return newest;
}

/**
 * The source file newer than the compiled entry `compiledEntry` (in `<root>/bin/stacks/`), if any;
 * undefined when the build is current or the program is not running from a build.
 */
export function newerSource(compiledEntry: string): string | undefined {
    const binStacks = path.dirname(compiledEntry);
    if (path.extname(compiledEntry) !== ".js" || path.basename(path.dirname(binStacks)) !== "bin") {
        return undefined;
    }
    const root = path.resolve(binStacks, "..", "..");
    const built = fs.statSync(compiledEntry).mtimeMs;
    const newest = SOURCE_DIRS.map((dir) => path.join(root, dir))
        .filter((dir) => fs.existsSync(dir))
        .map(newestSource)
        .filter((source): source is { file: string; mtimeMs: number } => source !== undefined && source.mtimeMs > built)
        .sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
    return newest === undefined ? undefined : path.relative(root, newest.file);
}
