/**
 * The canary commands, on injected interfaces: a StackDriver (config and `pulumi up`), a
 * MetricSource (the canary's health), a Clock and an Io. Every change is a config change followed
 * by one recorded `pulumi up` whose message names the step.
 */
import { renderCanary } from "../split";
import { MetricSource, MetricTarget, metricsUnavailable, resolveTarget, TargetFlags } from "./metrics";
import {
    CanaryError,
    CanaryState,
    checkWeight,
    describeChange,
    describeHealth,
    effectiveSteps,
    failedChecks,
    formatDuration,
    formatPercent,
    Health,
    pickManualService,
    pickService,
    planPromote,
    planRollback,
    planStep,
    promoteChange,
    ReleaseChange,
    remainingSteps,
    requireCanary,
    rollbackChange,
    stateFromConfig,
    Thresholds,
    weightChange,
} from "./schedule";
import { StackDriver } from "./stack";

export interface Io {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    sleep(ms: number): Promise<void>;
}

export interface RunOptions {
    readonly stack: string;
    readonly service: string | undefined;
    readonly bakeMs: number;
    readonly thresholds: Thresholds;
    readonly promote: boolean;
    readonly targets: TargetFlags;
    /** How often the bake prints its progress (and looks at the metrics so far). */
    readonly progressEveryMs: number;
}

/** Makes the metric source for the canary's targets; the real one is CloudWatch in the stack's region. */
export type MetricSourceFactory = (targets: Readonly<Record<string, MetricTarget>>, region: string | undefined) => Promise<MetricSource>;

export async function loadState(driver: StackDriver): Promise<{ state: CanaryState; config: Record<string, string> }> {
    const config = await driver.readConfig();
    return { state: stateFromConfig(config), config };
}

/** Writes a change's config, then runs `pulumi up` with its message. */
export async function applyChange(driver: StackDriver, change: ReleaseChange, io: Io): Promise<void> {
    printPlan(change, io);
    for (const item of change.changes) {
        if (item.op === "set") {
            await driver.setConfig(item.key, item.value);
        } else {
            await driver.removeConfig(item.key);
        }
    }
    await driver.up(change.message, (text) => io.out(text.replace(/\n$/, "")));
}

/** A change as the commands that make it: its config commands, then its `pulumi up`. */
function planLines(change: ReleaseChange): string[] {
    return [...change.changes.map((item) => `  ${describeChange(item)}`), `  pulumi up --message ${JSON.stringify(change.message)}`];
}

function printPlan(change: ReleaseChange, io: Io): void {
    planLines(change).forEach((line) => io.out(line));
}

export const DRY_RUN_NOTE = "dry run: nothing is changed; no Pulumi CLI, no cloud access.";

/** `step`, `promote`, `rollback`: one change and one `pulumi up`. */
export async function runSingle(
    command: "step" | "promote" | "rollback",
    driver: StackDriver,
    options: { stack: string; service: string | undefined; to?: number; dryRun: boolean },
    io: Io,
): Promise<number> {
    const { state } = await loadState(driver);
    let change: ReleaseChange | undefined;
    if (command === "step") {
        change = planStep(state, options.service, options.to);
    } else if (command === "promote") {
        change = planPromote(state, options.service);
        if (change.from < 100) {
            io.out(`note: ${change.service}'s canary takes ${change.from}% of requests, not 100%; promoting sends all requests to its image.`);
        }
    } else {
        change = planRollback(state, options.service);
        if (change === undefined) {
            const service = pickService(state, options.service);
            io.out(`${service.name} is already at 0%: nothing to roll back (remove v2 with pulumi config rm --path 'services.${service.name}.canary' && pulumi up)`);
            return 0;
        }
    }
    if (options.dryRun) {
        io.out(DRY_RUN_NOTE);
        io.out(`stack ${options.stack}, ${change.service}: ${command} ${change.from}% -> ${command === "promote" ? "promoted" : `${change.to}%`}`);
        printPlan(change, io);
        return 0;
    }
    io.out(`stack ${options.stack}, ${change.service}: ${command} ${change.from}% -> ${command === "promote" ? "promoted" : `${change.to}%`}`);
    try {
        await applyChange(driver, change, io);
    } catch (error) {
        io.err(`pulumi up failed: ${errorText(error)}`);
        io.err(`the config change is in the stack's config; fix the cause and run \`pulumi up\`, or undo it (see the README's canary commands).`);
        return 1;
    }
    io.out(`done: ${change.message}`);
    return 0;
}

/** The steps `run` would walk, printed (the `--dry-run` output, and the header of a real run). */
export function describeRun(state: CanaryState, options: RunOptions): { lines: string[]; walk: number[]; service: string; from: number } {
    const service = pickManualService(state, options.service, "run");
    const canary = requireCanary(service, "walk");
    const steps = effectiveSteps(state);
    const walk = remainingSteps(canary.weight, steps);
    if (walk.length === 0) {
        throw new CanaryError(
            `${service.name} is already at ${canary.weight}%, the last step of the schedule (${steps.join(", ")}): promote it with \`npm run canary -- promote --stack ${options.stack} --service ${service.name}\``,
        );
    }
    for (const weight of walk) {
        checkWeight(state, service, weight);
    }
    const source = state.stackSteps.length > 0 ? "eks-canary:canary.steps" : "the default: the stack sets no canary.steps";
    const lines = [
        `stack ${options.stack}, service ${service.name}, router ${state.router}, schedule ${steps.join(", ")} (${source}); now at ${canary.weight}%`,
    ];
    let from = canary.weight;
    walk.forEach((to, index) => {
        lines.push(`step ${index + 1}/${walk.length}: ${from}% -> ${to}%`);
        lines.push(...planLines(weightChange(service.name, from, to, steps)));
        lines.push(
            `  bake ${formatDuration(options.bakeMs)}, then check the canary: 5xx rate <= ${formatPercent(options.thresholds.max5xxRate)}, p99 <= ${options.thresholds.maxP99Ms} ms; ` +
                "a failed check, a failed query or no data rolls back to 0% and stops (exit 1)",
        );
        from = to;
    });
    if (options.promote) {
        lines.push(`then promote: services.${service.name}.stable.image := ${canary.image}, remove services.${service.name}.canary, pulumi up`);
    } else {
        lines.push(`then stop at ${from}% (promote with \`npm run canary -- promote --stack ${options.stack} --service ${service.name}\`, or pass --promote)`);
    }
    return { lines, walk, service: service.name, from: canary.weight };
}

/** `run --dry-run`: the walk, with no CLI and no cloud. */
export function dryRun(state: CanaryState, options: RunOptions, io: Io): number {
    const { lines } = describeRun(state, options);
    io.out(DRY_RUN_NOTE);
    lines.forEach((line) => io.out(line));
    const unavailable = metricsUnavailable(state.router);
    if (unavailable !== undefined) {
        io.out(`note: a real run refuses this stack: ${unavailable}`);
    }
    return 0;
}

/**
 * `run`: walk the schedule one recorded `pulumi up` at a time, bake at each weight and check the
 * canary's 5xx rate and p99. A failed check, a failed query or no data rolls back to 0% (fail
 * closed) and returns 1.
 */
export async function runWalk(driver: StackDriver, metricSource: MetricSourceFactory, clock: Clock, options: RunOptions, io: Io): Promise<number> {
    const { state, config } = await loadState(driver);
    const { lines, walk, service } = describeRun(state, options);
    const unavailable = metricsUnavailable(state.router);
    if (unavailable !== undefined) {
        throw new CanaryError(`run refuses to walk without metrics: ${unavailable}`);
    }
    const outputs = await driver.outputs();
    const target = resolveTarget(state.router, service, outputs, options.targets);
    const source = await metricSource({ [service]: target }, config["aws:region"]);
    lines.forEach((line) => io.out(line));
    io.out(`metrics: ${source.description}`);

    const steps = effectiveSteps(state);
    const canary = requireCanary(pickManualService(state, service, "run"), "walk");
    let current = canary.weight;
    for (const [index, to] of walk.entries()) {
        const change = weightChange(service, current, to, steps);
        io.out(`step ${index + 1}/${walk.length}: ${service} ${current}% -> ${to}%`);
        try {
            await applyChange(driver, change, io);
        } catch (error) {
            return rollBack(driver, service, to, `pulumi up of ${current}% -> ${to}% failed: ${errorText(error)}`, io);
        }
        current = to;
        const failure = await bake(source, clock, service, to, options, io);
        if (failure !== undefined) {
            return rollBack(driver, service, to, failure, io);
        }
    }
    if (options.promote) {
        io.out(`promote: ${service}`);
        try {
            await applyChange(driver, promoteChange(service, canary.image, current), io);
        } catch (error) {
            io.err(`promote failed: ${errorText(error)}; the canary stays at ${current}%`);
            return 1;
        }
        io.out(`done: ${service} promoted to ${canary.image}`);
    } else {
        io.out(`done: ${service} at ${current}%; promote with \`npm run canary -- promote --stack ${options.stack} --service ${service}\``);
    }
    return 0;
}

/** Waits the bake time, printing progress; returns why the canary failed, or undefined when it passed. */
async function bake(source: MetricSource, clock: Clock, service: string, weight: number, options: RunOptions, io: Io): Promise<string | undefined> {
    const start = clock.now();
    const end = start + options.bakeMs;
    let last: Health | undefined;
    while (clock.now() < end) {
        await clock.sleep(Math.min(options.progressEveryMs, end - clock.now()));
        const now = Math.min(clock.now(), end);
        if (now >= end) {
            break;
        }
        // Mid-bake: metrics arrive late, so no data is not yet a failure; a breach already is.
        last = await source.canaryHealth(service, { start: new Date(start), end: new Date(now) });
        io.out(`  ${service} at ${weight}%: ${formatDuration(end - now)} left in the bake; last: ${describeHealth(last)}`);
        if (last.kind === "ok") {
            const failed = failedChecks(last, options.thresholds);
            if (failed.length > 0) {
                return `${failed.join(", ")} at ${weight}% (${describeHealth(last)})`;
            }
        }
    }
    const health = await source.canaryHealth(service, { start: new Date(start), end: new Date(end) });
    io.out(`  ${service} at ${weight}%: bake done; ${describeHealth(health)}`);
    if (health.kind !== "ok") {
        return `${health.kind === "no-data" ? "no metric data" : "metric query failed"} at ${weight}% (fail closed): ${health.reason}`;
    }
    const failed = failedChecks(health, options.thresholds);
    if (failed.length > 0) {
        return `${failed.join(", ")} at ${weight}% (${describeHealth(health)})`;
    }
    io.out(`  ${service} at ${weight}%: checks passed`);
    return undefined;
}

async function rollBack(driver: StackDriver, service: string, from: number, reason: string, io: Io): Promise<number> {
    io.err(`check failed: ${reason}`);
    io.err(`rolling back ${service} to 0%`);
    try {
        await applyChange(driver, rollbackChange(service, from, reason), io);
    } catch (error) {
        io.err(`ROLLBACK FAILED: ${errorText(error)}`);
        io.err(`set the weight by hand: pulumi config set --path 'services.${service}.canary.weight' 0 && pulumi up`);
        return 1;
    }
    io.err(`rolled back: ${service} at 0%; v2 stays deployed for the next try`);
    return 1;
}

/** An error's message without its stack trace (Automation API errors carry the CLI's stderr). */
export function errorText(error: unknown): string {
    return error instanceof Error ? error.message.trim() : String(error);
}

/** `status`: the split per service, from the stack's `canary` output. */
export function renderStatus(stack: string, outputs: Readonly<Record<string, unknown>>, source: string): string[] {
    const canary = outputs.canary;
    if (typeof canary !== "object" || canary === null) {
        return [`stack ${stack} has no canary output (${source}): has it been deployed with this program?`];
    }
    const lines = [`stack ${stack} (${source})`];
    renderCanary(canary, lines);
    return lines;
}
