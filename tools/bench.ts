/**
 * `npm run bench [-- --runs N] [--baseline-runs N] [--json] [--out file]`
 *
 * Measures how long the program takes to evaluate, each measurement in a fresh Node process:
 *  - the floor: a process that only imports the Pulumi SDK packages the program uses;
 *  - the dev and prod stacks under mocks, loaded the way Pulumi.yaml makes `pulumi up` load them;
 *  - prod under each way Pulumi can load TypeScript (ts-node type-checked — Pulumi's default —,
 *    ts-node transpile-only, tsx, precompiled JavaScript), and dev type-checked;
 *  - 1, 10 and 50 canaried services in one stack;
 *  - the blast radius of a canary step (25 → 50 %) under each router;
 *  - the walk simulation: the canary command's walk and Flagger's loop on one traffic model
 *    (`--walks-only` runs just that, in a second).
 * A warm-up round runs first; the timed cases then run round-robin, so a burst of other work on
 * the machine hits every case alike. Prints one table and the issue's targets; `--json` prints
 * the figures as one JSON document instead (`npm run --silent bench -- --json`, so npm's banner
 * stays off stdout), or `--out file` writes it there.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parse } from "yaml";
import { splitArgs, UsageError, valueOf } from "./args";
import { ROUTER_KINDS } from "../infra/routers/registry";
import type { ProbeJob, ProbeResult } from "./bench/probe";
import { BenchReport, evaluateTargets, Measurement, renderReport, REPORT_SCHEMA, seconds } from "./bench/report";
import { childCommand, ProbeEntries, ProjectRuntime, RUNTIME_IDS, RuntimeId, RUNTIMES, runtimeOfProject } from "./bench/runtimes";
import { withServices } from "./bench/scaling";
import { summarize } from "./bench/stats";
import { renderWalks, simulateWalks } from "./bench/walk";
import { readStackFile, REPO_ROOT } from "./stackfile";

/** Kept in sync with tools/bench/probe.ts (not imported: that module runs when loaded). */
export const RESULT_PREFIX = "BENCH_RESULT ";
/** The SDK packages the program imports. */
export const SDK_PACKAGES = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/awsx", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/random"];
export const SCALING_SERVICES = [1, 10, 50];
/** Two adjacent weights of the dev schedule [0, 25, 50, 75, 100]; 4 pods express both for `replicas`. */
export const STEP_WEIGHTS = [25, 50] as const;
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;

export const USAGE = [
    "usage: npm run bench [-- --runs N] [--baseline-runs N] [--json] [--out file]",
    "",
    "Times the program's evaluation under mocks, each run in a fresh Node process, and prints one table.",
    "",
    "  --runs N           timed runs per case after one warm-up round (default 5)",
    "  --baseline-runs N  timed runs of the slow ts-node type-checked cases (default 3)",
    "  --walks-only       run only the walk simulation (the canary command beside Flagger)",
    "  --json             print the figures as one JSON document on stdout (the table goes to stderr);",
    "                     with npm, add --silent so npm's banner stays out: npm run --silent bench -- --json",
    "  --out file         write the JSON document to file (the table still prints)",
    "  --help             print this help",
].join("\n");

export interface BenchArgs {
    readonly runs: number;
    readonly baselineRuns: number;
    readonly json: boolean;
    readonly out: string | undefined;
    readonly walksOnly: boolean;
    readonly help: boolean;
}

export { UsageError };

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
    const args = splitArgs(argv, { values: ["--runs", "--baseline-runs", "--out"], booleans: ["--json", "--walks-only", "--help", "-h"] });
    if (args.positionals.length > 0) {
        throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    }
    const count = (flag: string, fallback: number): number => {
        const text = valueOf(args, flag);
        if (text === undefined) {
            return fallback;
        }
        const parsed = Number(text);
        if (!/^\d+$/.test(text) || parsed < 1 || parsed > 100) {
            throw new UsageError(`${flag} takes a whole number 1..100, got ${JSON.stringify(text)}`);
        }
        return parsed;
    };
    const out = valueOf(args, "--out");
    if (out !== undefined) {
        // Checked before the run, not after minutes of it.
        const dir = path.dirname(path.resolve(out));
        let writable = false;
        try {
            writable = fs.statSync(dir).isDirectory() && (fs.accessSync(dir, fs.constants.W_OK), true);
        } catch {
            writable = false;
        }
        if (!writable || (fs.existsSync(out) && fs.statSync(out).isDirectory())) {
            throw new UsageError(`--out ${out}: cannot write a file there (${dir} is not a writable folder); allowed: a file path in an existing, writable folder`);
        }
    }
    return {
        runs: count("--runs", 5),
        baselineRuns: count("--baseline-runs", 3),
        json: args.booleans.has("--json"),
        out,
        walksOnly: args.booleans.has("--walks-only"),
        help: args.booleans.has("--help") || args.booleans.has("-h"),
    };
}

/** Scratch space: the JavaScript build of the probe and the job files. Under node_modules, so git, eslint and tsc leave it alone. */
const WORK_DIR = path.join(REPO_ROOT, "node_modules", ".cache", "eks-canary-bench");
const ENTRIES: ProbeEntries = {
    ts: path.join(REPO_ROOT, "tools", "bench", "probe.ts"),
    js: path.join(WORK_DIR, "js", "tools", "bench", "probe.js"),
};

function log(text: string): void {
    process.stderr.write(`${text}\n`);
}

interface ChildRun {
    readonly result: ProbeResult;
    readonly wallMs: number;
}

/** Runs `node <args>` in the repository with `BENCH_JOB` set; resolves with the probe's figures. */
function runChild(args: readonly string[], jobFile: string | undefined): Promise<ChildRun> {
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

function writeJob(name: string, job: ProbeJob): string {
    const file = path.join(WORK_DIR, "jobs", `${name}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(job));
    return file;
}

/** A process that only loads the SDK packages, then reports like the probe. */
function floorArgs(): string[] {
    const code = [
        `const { performance } = require("node:perf_hooks");`,
        ...SDK_PACKAGES.map((name) => `require(${JSON.stringify(name)});`),
        `process.stdout.write(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ readyMs: performance.now(), loadedMs: performance.now(), resources: 0, maxRssKiB: process.resourceUsage().maxRSS }) + "\\n");`,
    ].join("\n");
    return ["-e", code];
}

/**
 * Compiles the program and the probe with tsconfig.build.json's options into WORK_DIR/js — what
 * `npm run build` does for bin/ — and returns the compile time. Type errors are reported but do
 * not stop the bench (tsc still emits), so a half-finished change elsewhere only marks the rows.
 */
async function buildJavaScript(): Promise<Measurement> {
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

/** A measurement to take: what its row says, and how to run it. */
interface TimedCase extends Pick<Measurement, "id" | "group" | "label" | "runtime" | "stack" | "services"> {
    readonly args: string[];
    readonly jobFile?: string;
    readonly runs: number;
    readonly note?: string;
}

interface CaseState {
    readonly readyMs: number[];
    readonly wallMs: number[];
    readonly maxRssKiB: number[];
    resources?: number;
    error?: string;
}

async function runTimedCases(cases: readonly TimedCase[]): Promise<Measurement[]> {
    const states = new Map<string, CaseState>(cases.map((timed) => [timed.id, { readyMs: [], wallMs: [], maxRssKiB: [] }]));
    const rounds = Math.max(...cases.map((timed) => timed.runs));
    for (let round = 0; round <= rounds; round++) {
        const warmUp = round === 0;
        for (const timed of cases) {
            const state = states.get(timed.id) as CaseState;
            if (state.error !== undefined || (!warmUp && round > timed.runs)) {
                continue;
            }
            try {
                const { result, wallMs } = await runChild(timed.args, timed.jobFile);
                log(`${warmUp ? "warm-up" : `run ${round}/${timed.runs}`}: ${timed.label} (${timed.runtime ?? "node"}) ${seconds(result.readyMs)}, ${result.resources} resources`);
                if (state.resources !== undefined && state.resources !== result.resources) {
                    throw new Error(`the resource count changed between runs: ${state.resources} then ${result.resources}`);
                }
                state.resources = result.resources;
                if (!warmUp) {
                    state.readyMs.push(result.readyMs);
                    state.wallMs.push(wallMs);
                    state.maxRssKiB.push(result.maxRssKiB);
                }
            } catch (error) {
                state.error = error instanceof Error ? error.message : String(error);
                log(`FAILED: ${timed.label} (${timed.runtime ?? "node"}): ${state.error}`);
            }
        }
    }
    return cases.map((timed): Measurement => {
        const state = states.get(timed.id) as CaseState;
        const base = { id: timed.id, group: timed.group, label: timed.label, runtime: timed.runtime, stack: timed.stack, services: timed.services, note: timed.note };
        if (state.error !== undefined) {
            return { ...base, error: state.error };
        }
        return {
            ...base,
            resources: timed.group === "floor" ? undefined : state.resources,
            readyMs: summarize(state.readyMs),
            wallMs: summarize(state.wallMs),
            maxRssKiB: summarize(state.maxRssKiB),
            samples: { readyMs: state.readyMs, wallMs: state.wallMs, maxRssKiB: state.maxRssKiB },
        };
    });
}

async function runBlastCases(runtime: RuntimeId): Promise<Measurement[]> {
    const measurements: Measurement[] = [];
    for (const router of ROUTER_KINDS) {
        const at = (weight: number): Record<string, string> =>
            readStackFile("dev", [`router=${router}`, "services.notification.replicas=4", `services.notification.canary.weight=${weight}`]).config;
        const label = `Step ${STEP_WEIGHTS[0]} → ${STEP_WEIGHTS[1]} %, router ${router} (dev)`;
        try {
            const jobFile = writeJob(`step-${router}`, { kind: "step", stack: "dev", before: at(STEP_WEIGHTS[0]), after: at(STEP_WEIGHTS[1]) });
            const { result } = await runChild(childCommand(runtime, ENTRIES).args, jobFile);
            log(`step: router ${router}: ${result.blastRadius} changed`);
            measurements.push({ id: `blast:${router}`, group: "blast", label, runtime, stack: "dev", resources: result.resources, blastRadius: result.blastRadius, changed: result.changed });
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            log(`FAILED: ${label}: ${message}`);
            measurements.push({ id: `blast:${router}`, group: "blast", label, runtime, stack: "dev", error: message });
        }
    }
    return measurements;
}

function configuredRuntime(): RuntimeId | undefined {
    const project = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as ProjectRuntime;
    return runtimeOfProject(project);
}

export async function bench(args: BenchArgs): Promise<BenchReport> {
    const startedAt = new Date().toISOString();
    const loadAverageStart = os.loadavg()[0];
    const configured = configuredRuntime();
    // The evaluation rows use what Pulumi.yaml selects; a setting the bench cannot model falls back to Pulumi's default.
    const chosen: RuntimeId = configured ?? "ts-node-check";
    log(`Pulumi.yaml loads the program with: ${configured === undefined ? "a setting the bench does not model (measuring Pulumi's default)" : RUNTIMES[configured].label}`);

    const measurements: Measurement[] = [];
    log("building the JavaScript (tsc -p tsconfig.build.json) …");
    const build = await buildJavaScript();
    log(build.error === undefined ? `build: ${seconds(build.readyMs?.median ?? 0)}${build.note === undefined ? "" : ` (${build.note})`}` : `build FAILED: ${build.error}`);

    const stackJobs = new Map(["dev", "prod"].map((stack) => [stack, writeJob(`plan-${stack}`, { kind: "plan", stack, config: readStackFile(stack).config })]));
    const devConfig = readStackFile("dev").config;
    const plan = (stack: string): string => stackJobs.get(stack) as string;
    const command = (runtime: RuntimeId): string[] => childCommand(runtime, ENTRIES).args;

    const cases: TimedCase[] = [
        { id: "floor", group: "floor", label: `Floor: import ${SDK_PACKAGES.length} SDK packages only`, args: floorArgs(), runs: args.runs } satisfies TimedCase,
        ...["dev", "prod"].map(
            (stack): TimedCase => ({ id: `eval:${stack}`, group: "evaluation", label: `Evaluate ${stack}`, runtime: chosen, stack, args: command(chosen), jobFile: plan(stack), runs: args.runs, note: "as Pulumi.yaml configures it" }),
        ),
        ...RUNTIME_IDS.filter((runtime) => runtime !== chosen).map(
            (runtime): TimedCase => ({
                id: `runtime:prod:${runtime}`,
                group: "runtime",
                label: "Evaluate prod",
                runtime,
                stack: "prod",
                args: command(runtime),
                jobFile: plan("prod"),
                runs: runtime === "ts-node-check" ? args.baselineRuns : args.runs,
                note: runtime === "ts-node-check" ? "Pulumi's default for TypeScript" : undefined,
            }),
        ),
        ...(chosen === "ts-node-check"
            ? []
            : [
                  {
                      id: "runtime:dev:ts-node-check",
                      group: "runtime",
                      label: "Evaluate dev",
                      runtime: "ts-node-check",
                      stack: "dev",
                      args: command("ts-node-check"),
                      jobFile: plan("dev"),
                      runs: args.baselineRuns,
                      note: "Pulumi's default for TypeScript",
                  } satisfies TimedCase,
              ]),
        ...SCALING_SERVICES.map(
            (count): TimedCase => ({
                id: `scaling:${count}`,
                group: "scaling",
                label: `Scaling: ${count} canaried service${count === 1 ? "" : "s"} (dev)`,
                runtime: chosen,
                stack: "dev",
                services: count,
                args: command(chosen),
                jobFile: writeJob(`scaling-${count}`, { kind: "plan", stack: "dev", config: withServices(devConfig, count) }),
                runs: args.runs,
            }),
        ),
    ].filter((timed) => build.error === undefined || timed.runtime !== "js");

    const timed = await runTimedCases(cases);
    // The configured runtime's prod row doubles as its entry in the runtime comparison.
    const ordered: Measurement[] = [
        ...timed.filter((measurement) => measurement.group === "floor" || measurement.group === "evaluation"),
        ...timed.filter((measurement) => measurement.group === "runtime"),
        build,
        ...timed.filter((measurement) => measurement.group === "scaling"),
    ];
    measurements.push(...ordered);
    measurements.push(...(await runBlastCases(build.error === undefined || chosen !== "js" ? chosen : "tsx")));

    return {
        schema: REPORT_SCHEMA,
        startedAt,
        finishedAt: new Date().toISOString(),
        machine: {
            cpus: os.cpus().length,
            cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
            memoryMiB: Math.round(os.totalmem() / 1024 / 1024),
            node: process.versions.node,
            platform: `${process.platform} ${os.release()}`,
            loadAverageStart,
            loadAverageEnd: os.loadavg()[0],
        },
        options: { runs: args.runs, baselineRuns: args.baselineRuns, warmupRuns: 1 },
        configuredRuntime: configured,
        measurements,
        targets: evaluateTargets(measurements, configured),
        walks: await simulateWalks(),
    };
}

async function main(argv: readonly string[]): Promise<number> {
    let args: BenchArgs;
    try {
        args = parseBenchArgs(argv);
    } catch (error) {
        if (error instanceof UsageError) {
            log(`${error.message}\n\n${USAGE}`);
            return 2;
        }
        throw error;
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (args.walksOnly) {
        const walks = await simulateWalks();
        process.stdout.write(args.json ? `${JSON.stringify({ walks }, null, 2)}\n` : `${renderWalks(walks).join("\n")}\n`);
        if (args.out !== undefined) {
            fs.writeFileSync(args.out, `${JSON.stringify({ walks }, null, 2)}\n`);
        }
        return 0;
    }
    const report = await bench(args);
    const text = renderReport(report);
    const document = `${JSON.stringify(report, null, 2)}\n`;
    if (args.out !== undefined) {
        fs.writeFileSync(args.out, document);
        log(`wrote ${args.out}`);
    }
    if (args.json) {
        log(`\n${text}`);
        process.stdout.write(document);
    } else {
        process.stdout.write(`\n${text}\n`);
    }
    const failed = report.measurements.some((measurement) => measurement.error !== undefined);
    return failed ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (error: unknown) => {
            log(error instanceof Error ? (error.stack ?? error.message) : String(error));
            process.exitCode = 1;
        },
    );
}
