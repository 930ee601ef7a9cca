/** One bench: which cases it times, in which order, and the report of their figures. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { readStackFile, REPO_ROOT } from "../stackfile";
import { buildJavaScript } from "./build";
import { runBlastCases, runTimedCases, TimedCase } from "./cases";
import { ENTRIES, floorArgs, SDK_PACKAGES, writeJob } from "./child";
import { log } from "./log";
import { BenchReport, evaluateTargets, Measurement, REPORT_SCHEMA, seconds } from "./report";
import { childCommand, ProjectRuntime, RUNTIME_IDS, RuntimeId, RUNTIMES, runtimeOfProject } from "./runtimes";
import { withServices } from "./scaling";
import { simulateWalks } from "./walk";

export const SCALING_SERVICES = [1, 10, 50];

/** How many timed runs each case gets. */
export interface BenchRuns {
    readonly runs: number;
    readonly baselineRuns: number;
}

function configuredRuntime(): RuntimeId | undefined {
    const project = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as ProjectRuntime;
    return runtimeOfProject(project);
}

export async function bench(args: BenchRuns): Promise<BenchReport> {
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
        ...["dev", "prod"].map((stack): TimedCase => ({
            id: `eval:${stack}`,
            group: "evaluation",
            label: `Evaluate ${stack}`,
            runtime: chosen,
            stack,
            args: command(chosen),
            jobFile: plan(stack),
            runs: args.runs,
            note: "as Pulumi.yaml configures it",
        })),
        ...RUNTIME_IDS.filter((runtime) => runtime !== chosen).map((runtime): TimedCase => ({
            id: `runtime:prod:${runtime}`,
            group: "runtime",
            label: "Evaluate prod",
            runtime,
            stack: "prod",
            args: command(runtime),
            jobFile: plan("prod"),
            runs: runtime === "ts-node-check" ? args.baselineRuns : args.runs,
            note: runtime === "ts-node-check" ? "Pulumi's default for TypeScript" : undefined,
        })),
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
        ...SCALING_SERVICES.map((count): TimedCase => ({
            id: `scaling:${count}`,
            group: "scaling",
            label: `Scaling: ${count} canaried service${count === 1 ? "" : "s"} (dev)`,
            runtime: chosen,
            stack: "dev",
            services: count,
            args: command(chosen),
            jobFile: writeJob(`scaling-${count}`, { kind: "plan", stack: "dev", config: withServices(devConfig, count) }),
            runs: args.runs,
        })),
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
