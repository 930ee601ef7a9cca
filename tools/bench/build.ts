/** The bench's JavaScript build of the program and the probe, for the precompiled-JavaScript rows. */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "../stackfile";
import { ENTRIES, WORK_DIR } from "./child";
import type { Measurement } from "./report";
import { summarize } from "./stats";

/**
 * Compiles the program and the probe with tsconfig.build.json's options into WORK_DIR/js — what
 * `npm run build` does for bin/ — and returns the compile time. Type errors are reported but do
 * not stop the bench (tsc still emits), so a half-finished change elsewhere only marks the rows.
 */
export async function buildJavaScript(): Promise<Measurement> {
    fs.rmSync(path.join(WORK_DIR, "js"), { recursive: true, force: true });
    fs.mkdirSync(WORK_DIR, { recursive: true });
    const fromWork = (file: string): string => path.relative(WORK_DIR, path.join(REPO_ROOT, file));
    const config = {
        extends: fromWork("tsconfig.build.json"),
        compilerOptions: { outDir: "js", rootDir: fromWork("."), noEmitOnError: false },
        include: [],
        files: [fromWork("stacks/index.ts"), fromWork("tools/bench/probe.ts")],
    };
    fs.writeFileSync(path.join(WORK_DIR, "tsconfig.json"), JSON.stringify(config, null, 4));
    const tsc = require.resolve("typescript/bin/tsc");
    const started = performance.now();
    const outcome = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [tsc, "-p", path.join(WORK_DIR, "tsconfig.json")], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, output }));
    });
    const ms = performance.now() - started;
    const base = { id: "build", group: "build" as const, label: "Build: tsc -p tsconfig.build.json (once)" };
    if (!fs.existsSync(ENTRIES.js)) {
        return { ...base, error: `tsc emitted no probe: ${outcome.output.trim().split("\n")[0] ?? ""}` };
    }
    const errors = outcome.output.split("\n").filter((line) => line.includes("error TS"));
    return {
        ...base,
        readyMs: summarize([ms]),
        note: outcome.code === 0 ? "needed once per code change, not per canary step" : `type errors (${errors.length}): ${errors[0] ?? outcome.output.trim().split("\n")[0]}`,
    };
}
