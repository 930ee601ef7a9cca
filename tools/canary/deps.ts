/** What the canary command touches outside itself, and the real ones: the CLI, AWS, git, kubectl. */
import * as os from "node:os";
import { readStackFile, REPO_ROOT } from "../stackfile";
import { ChangeDiff, ExpectedChanges, offlineChangeDiff, offlineExpectedChanges } from "./expected";
import { GitDriver, realGit } from "./git";
import type { Clock, Io } from "./io";
import { kubectlLoad, LoadGenerator } from "./load";
import { cloudWatchClient, CloudWatchMetricSource, MetricSource, MetricTarget, ResourceLookup, taggingLookup } from "./metrics";
import { fetchJson, PrometheusMetricSource, PrometheusSourceFactory } from "./prometheus";
import { automationStack, findOnPath, stackFileDriver, StackDriver } from "./stack";

/** Everything the command touches outside itself; tests replace each part. */
export interface CanaryDeps {
    readonly io: Io;
    readonly clock: Clock;
    /** Where the `pulumi` executable is, or undefined when it is not on the PATH. */
    readonly findPulumi: () => string | undefined;
    /** The stack through the Automation API. */
    readonly openStack: (stack: string) => Promise<StackDriver>;
    /** The stack's `Pulumi.<stack>.yaml`, for dry runs. */
    readonly stackFile: (stack: string) => StackDriver;
    readonly git: GitDriver;
    readonly expected: ExpectedChanges;
    /** What a dry run prints of a change: the offline plans' difference (loads the program: about 2 s). */
    readonly changeDiff: ChangeDiff;
    readonly lookup: (region: string | undefined) => Promise<ResourceLookup>;
    readonly metricSource: (targets: Readonly<Record<string, MetricTarget>>, region: string | undefined) => Promise<MetricSource>;
    /** The canary's health from Prometheus at `url`, for a router whose proxies report there. */
    readonly prometheusSource: PrometheusSourceFactory;
    readonly load: LoadGenerator;
    /** The outputs of the offline plan, for `status --offline`. */
    readonly offlineOutputs: (stack: string) => Promise<Record<string, unknown>>;
    /** Asks a yes/no question on the terminal; undefined when there is none. */
    readonly confirm: ((question: string) => Promise<boolean>) | undefined;
    /** Aborts on Ctrl-C. */
    readonly abort: AbortSignal;
    /** Who takes the stack's lease. */
    readonly holder: string;
    /** How often `run` prints its progress during a bake. */
    readonly progressEveryMs?: number;
}

export const realDeps = (io: Io, abort: AbortSignal, confirm: CanaryDeps["confirm"]): CanaryDeps => ({
    io,
    clock: {
        now: () => Date.now(),
        sleep: (ms, signal) =>
            new Promise((resolve) => {
                const timer = setTimeout(resolve, ms);
                signal?.addEventListener(
                    "abort",
                    () => {
                        clearTimeout(timer);
                        resolve();
                    },
                    { once: true },
                );
            }),
    },
    findPulumi: () => findOnPath("pulumi"),
    openStack: (stack) => automationStack(stack, REPO_ROOT),
    stackFile: (stack) => stackFileDriver(stack),
    git: realGit(REPO_ROOT),
    expected: offlineExpectedChanges,
    changeDiff: offlineChangeDiff,
    lookup: taggingLookup,
    metricSource: async (targets, region) => new CloudWatchMetricSource(await cloudWatchClient(region), targets),
    prometheusSource: (url, health, selectors) => new PrometheusMetricSource(fetchJson, url, health, selectors),
    load: kubectlLoad,
    // Loaded only for `status --offline`: the program and the SDKs cost a second and 130 MB.
    offlineOutputs: async (stack) => (await (await import("../offline")).planOffline(stack, readStackFile(stack).config)).outputs,
    confirm,
    abort,
    holder: `${os.userInfo().username}@${os.hostname()} pid ${process.pid}`,
});
