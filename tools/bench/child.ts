/**
 * The bench's child processes: each measurement runs in a fresh `node`, the probe under a loader
 * (or the floor, which only imports the SDK), with its job in a file; the probe prints its figures
 * on one line.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "../stackfile";
import type { ProbeJob, ProbeResult } from "./probe";
import type { ProbeEntries } from "./runtimes";

/** Kept in sync with tools/bench/probe.ts (not imported: that module runs when loaded). */
export const RESULT_PREFIX = "BENCH_RESULT ";
/** The SDK packages the program imports. */
export const SDK_PACKAGES = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/awsx", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/random"];
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;

/** Scratch space: the JavaScript build of the probe and the job files. Under node_modules, so git, eslint and tsc leave it alone. */
export const WORK_DIR = path.join(REPO_ROOT, "node_modules", ".cache", "eks-canary-bench");
export const ENTRIES: ProbeEntries = {
    ts: path.join(REPO_ROOT, "tools", "bench", "probe.ts"),
    js: path.join(WORK_DIR, "js", "tools", "bench", "probe.js"),
};

interface ChildRun {
    readonly result: ProbeResult;
    readonly wallMs: number;
}

/** Runs `node <args>` in the repository with `BENCH_JOB` set; resolves with the probe's figures. */
export function runChild(args: readonly string[], jobFile: string | undefined): Promise<ChildRun> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) {
        if (key === "NODE_OPTIONS" || key.startsWith("TS_NODE_") || key.startsWith("TSX_") || key.startsWith("PULUMI_")) {
            delete env[key];
        }
    }
    if (jobFile !== undefined) {
        env.BENCH_JOB = jobFile;
    }
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
        child.on("error", reject);
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            const wallMs = performance.now() - started;
            const line = stdout.split("\n").find((text) => text.startsWith(RESULT_PREFIX));
            if (code !== 0 || line === undefined) {
                const why = stderr.trim().split("\n").slice(0, 12).join("\n") || stdout.trim().split("\n").slice(-5).join("\n");
                reject(new Error(`exit ${code ?? signal}: ${why || "no output"}`));
                return;
            }
            resolve({ result: JSON.parse(line.slice(RESULT_PREFIX.length)) as ProbeResult, wallMs });
        });
    });
}

export function writeJob(name: string, job: ProbeJob): string {
    const file = path.join(WORK_DIR, "jobs", `${name}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(job));
    return file;
}

/** A process that only loads the SDK packages, then reports like the probe. */
export function floorArgs(): string[] {
    const code = [
        `const { performance } = require("node:perf_hooks");`,
        ...SDK_PACKAGES.map((name) => `require(${JSON.stringify(name)});`),
        `process.stdout.write(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ readyMs: performance.now(), loadedMs: performance.now(), resources: 0, maxRssKiB: process.resourceUsage().maxRSS }) + "\\n");`,
    ].join("\n");
    return ["-e", code];
}
