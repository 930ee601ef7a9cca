/**
 * The measured side of `npm run bench`: a module with a top-level effect, loaded with a plain
 * `require()` the way Pulumi's Node.js runtime loads a program's `main`, under whichever loader
 * the parent chose (ts-node, tsx, or none for the precompiled JavaScript).
 *
 * It reads its job from the JSON file named by `BENCH_JOB`, runs the program under mocks
 * (`planOffline` resolves once every resource is registered), and prints one line
 * `BENCH_RESULT {...}` with the figures. Times are milliseconds since the process started
 * (`performance.timeOrigin`), so Node's start-up, module loading and transpiling all count.
 */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import { blastRadius, diffPlans } from "../diff";
import { planOffline } from "../offline";

export const RESULT_PREFIX = "BENCH_RESULT ";

/** Plan one stack, or plan two configs of it and count what differs (a step's blast radius). */
export type ProbeJob =
    | { readonly kind: "plan"; readonly stack: string; readonly config: Record<string, string> }
    | { readonly kind: "step"; readonly stack: string; readonly before: Record<string, string>; readonly after: Record<string, string> };

export interface ProbeResult {
    /** Milliseconds from process start to the last resource registered. */
    readonly readyMs: number;
    /** Milliseconds from process start to the moment this module began to run (imports included). */
    readonly loadedMs: number;
    readonly resources: number;
    /** Peak resident set size, KiB (`process.resourceUsage().maxRSS`). */
    readonly maxRssKiB: number;
    /** For `step` jobs: resources added, removed or with different inputs, and which. */
    readonly blastRadius?: number;
    readonly changed?: string[];
}

const loadedMs = performance.now();

async function run(job: ProbeJob): Promise<ProbeResult> {
    if (job.kind === "plan") {
        const plan = await planOffline(job.stack, job.config);
        const readyMs = performance.now();
        return { readyMs, loadedMs, resources: plan.resources.length, maxRssKiB: process.resourceUsage().maxRSS };
    }
    const before = await planOffline(job.stack, job.before);
    const after = await planOffline(job.stack, job.after);
    const readyMs = performance.now();
    const change = diffPlans(before, after);
    return {
        readyMs,
        loadedMs,
        resources: after.resources.length,
        maxRssKiB: process.resourceUsage().maxRSS,
        blastRadius: blastRadius(change),
        changed: [
            ...change.added.map((resource) => `+ ${resource.type} ${resource.name}`),
            ...change.removed.map((resource) => `- ${resource.type} ${resource.name}`),
            ...change.changed.map(({ after: resource }) => `~ ${resource.type} ${resource.name}`),
        ].sort(),
    };
}

const jobFile = process.env.BENCH_JOB;
if (jobFile !== undefined) {
    const job = JSON.parse(fs.readFileSync(jobFile, "utf8")) as ProbeJob;
    run(job).then(
        (result) => process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`),
        (error: unknown) => {
            process.stderr.write(`bench probe failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
