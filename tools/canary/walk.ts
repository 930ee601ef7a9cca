/**
 * How the canary command changes a stack, on injected interfaces (a StackDriver, git, a clock,
 * metrics, an abort signal): every change is one config change, a preview that may change only
 * what that config change explains, one targeted `pulumi up`, and a git commit of the stack file.
 * A walk holds the stack's lease from its first step to its end, resumes from the deployed
 * weight, and on a failed gate, a failed `up` or Ctrl-C rolls back to the last weight that passed.
 */
import { latticeHostname, latticeZoneName } from "../../infra/routers/lattice/router";
import { sharedServiceName } from "../../infra/routers/replicas/router";
import { ExpectedChanges, unexpectedChanges } from "./expected";
import { describeHealth, Gates, judge, judgeEarly, Verdict } from "./gates";
import type { GitDriver } from "./git";
import { Lease, LEASE_TAG, releaseLease, takeLease } from "./lease";
import { describeTarget, findCanaryTarget, locationFromOutputs, MetricSource, MetricTarget, metricsUnavailable, ResourceLookup } from "./metrics";
import {
    applyToService,
    CanaryError,
    CanaryState,
    checkWeight,
    configKey,
    describeChange,
    effectiveSteps,
    formatDuration,
    pickManualService,
    promoteChange,
    ReleaseChange,
    remainingSteps,
    requireCanary,
    restoreChange,
    ServiceState,
    stateFromConfig,
    weightChange,
} from "./schedule";
import type { StackDriver } from "./stack";

export interface Io {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    /** Resolves after `ms`, or as soon as `signal` aborts. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Where `--load` sends requests: the service's routed name, so the router (and its metrics) sees them. */
export interface LoadTarget {
    readonly url: string;
    readonly namespace: string;
}

/** Runs requests against `target` for `durationMs` (or until `signal` aborts); resolves when it stops. */
export type LoadGenerator = (target: LoadTarget, durationMs: number, signal: AbortSignal, outputs: Readonly<Record<string, unknown>>) => Promise<void>;

/** Exit codes of the commands that change a stack. */
export const EXIT = { done: 0, refused: 1, usage: 2, unreadable: 3, inconclusive: 4, interrupted: 130 } as const;

export interface ChangeDeps {
    readonly stack: string;
    readonly driver: StackDriver;
    readonly git: GitDriver;
    /** The stack file the changes are committed in. */
    readonly stackFile: string;
    /** Push after each commit. */
    readonly push: boolean;
    readonly expected: ExpectedChanges;
    readonly io: Io;
    readonly clock: Clock;
    /** Who takes the lease (user@host and process). */
    readonly holder: string;
}

export interface WalkDeps extends ChangeDeps {
    readonly abort: AbortSignal;
    readonly lookup: (region: string | undefined) => Promise<ResourceLookup>;
    readonly metricSource: (targets: Readonly<Record<string, MetricTarget>>, region: string | undefined) => Promise<MetricSource>;
    readonly load: LoadGenerator;
}

export interface WalkOptions {
    readonly service: string | undefined;
    readonly bakeMs: number;
    readonly gates: Gates;
    readonly promote: boolean;
    /** Send requests to the service during each bake. */
    readonly load: boolean;
    /** How often the bake prints its progress (and looks at the metrics so far). */
    readonly progressEveryMs: number;
}

/** The command's view of a stack: config parsed by the program's own parser. */
export async function readState(deps: Pick<ChangeDeps, "driver" | "stack">): Promise<{ state: CanaryState; config: Record<string, string> }> {
    const config = await deps.driver.readConfig();
    return { state: stateFromConfig(config, deps.stack), config };
}

function planLines(change: ReleaseChange): string[] {
    return [...change.changes.map((item) => `  ${describeChange(item)}`), `  pulumi preview (nothing beyond this change), pulumi up --target <what it changes> --message ${JSON.stringify(change.message)}`];
}

export function printPlan(change: ReleaseChange, io: Io): void {
    planLines(change).forEach((line) => io.out(line));
}

async function writeConfig(driver: StackDriver, change: ReleaseChange): Promise<void> {
    for (const item of change.changes) {
        if (item.op === "set") {
            await driver.setConfig(item.key, item.value);
        } else {
            await driver.removeConfig(item.key);
        }
    }
}

/** An error's message without its stack trace (Automation API errors carry the CLI's stderr). */
export function errorText(error: unknown): string {
    return error instanceof Error ? error.message.trim() : String(error);
}

/** A failed `pulumi up`: the stack may be partly updated, and the config was put back. */
export class UpFailed extends Error {}

/**
 * Applies one change: config, preview, targeted up, commit. A preview that would change more
 * than the change explains puts the config back and throws a CanaryError: nothing is deployed.
 */
export async function applyChange(deps: ChangeDeps, before: ServiceState, change: ReleaseChange, options: { fromPossiblyDeployed?: boolean } = {}): Promise<void> {
    const { driver, io } = deps;
    printPlan(change, io);
    if (options.fromPossiblyDeployed === true) {
        // After a failed update the stack may run `before` although the config was put back:
        // what the step may change is judged from `before`.
        const current = stateFromConfig(await driver.readConfig(), deps.stack).services.find((service) => service.name === before.name);
        if (JSON.stringify(current) !== JSON.stringify(before)) {
            await writeConfig(driver, restoreChange(before, change.message));
        }
    }
    const configBefore = await driver.readConfig();
    await writeConfig(driver, change);
    const configAfter = await driver.readConfig();
    const restore = (): Promise<void> => writeConfig(driver, restoreChange(before, change.message));
    const expected = await deps.expected(deps.stack, configBefore, configAfter);
    const previewed = await driver.preview((text) => io.out(text.replace(/\n$/, "")));
    const extra = unexpectedChanges(previewed, expected);
    if (extra.length > 0) {
        await restore();
        throw new CanaryError(
            `the preview would change more than this step: ${extra.map((item) => `${item.op} ${item.type} ${item.name}`).join("; ")}. ` +
                "Nothing was deployed and the config is as it was; deploy or undo those changes first (pulumi preview shows them), then step again",
        );
    }
    if (previewed.length === 0) {
        io.out("  the preview shows nothing to change: the stack already runs this");
    } else {
        try {
            await driver.up(
                change.message,
                previewed.map((item) => item.urn),
                (text) => io.out(text.replace(/\n$/, "")),
            );
        } catch (error) {
            await restore();
            throw new UpFailed(`pulumi up failed: ${errorText(error)} (the config is put back; if the stack reports pending operations, run \`pulumi refresh\`)`);
        }
    }
    // Bookkeeping after the deploy: a failed commit or push must not make a deployed step look
    // undeployed (the deploy workflow's guard refuses to undo an uncommitted weight).
    try {
        if (!(await deps.git.isClean(deps.stackFile))) {
            await deps.git.commit(deps.stackFile, change.message);
        }
        if (deps.push) {
            await deps.git.push();
        }
    } catch (error) {
        io.err(`WARNING: deployed, but ${errorText(error)}; commit and push ${deps.stackFile} yourself before the next merge deploys it`);
    }
}

/** The weight the stack runs now, from its `canary` output; undefined when it was never deployed with a canary. */
export function deployedWeight(outputs: Readonly<Record<string, unknown>>, service: string): number | undefined {
    const canary = outputs.canary as Record<string, { weight?: unknown }> | undefined;
    const weight = canary?.[service]?.weight;
    return typeof weight === "number" ? weight : undefined;
}

/**
 * Runs `body` with the stack's lease, after checking the stack file has no uncommitted change
 * (each step's commit must hold that step alone).
 */
export async function withLease<T>(deps: ChangeDeps, body: (lease: Lease) => Promise<T>): Promise<T> {
    if (!(await deps.git.isClean(deps.stackFile))) {
        throw new CanaryError(`${deps.stackFile} has uncommitted changes: commit or stash them first, so that each step's commit holds that step alone`);
    }
    const lease = await takeLease(deps.driver, deps.holder, new Date(deps.clock.now()));
    try {
        return await body(lease);
    } finally {
        try {
            await releaseLease(deps.driver, lease);
        } catch (error) {
            deps.io.err(`WARNING: could not release the stack's lease (${errorText(error)}); remove it with \`pulumi stack tag rm ${LEASE_TAG}\``);
        }
    }
}

/**
 * Puts the config's weight back to the deployed one when they differ (a walk interrupted between
 * its config change and its `up`), so the walk resumes from what really runs.
 */
export async function resumeFromDeployed(deps: ChangeDeps, service: ServiceState, outputs: Readonly<Record<string, unknown>>): Promise<ServiceState> {
    const deployed = deployedWeight(outputs, service.name);
    if (service.canary === undefined || deployed === undefined || deployed === service.canary.weight) {
        return service;
    }
    deps.io.out(`${service.name}: the config says ${service.canary.weight}% but the stack runs ${deployed}%; resuming from ${deployed}% (config set back)`);
    await deps.driver.setConfig(configKey(`services.${service.name}.canary.weight`), String(deployed));
    return { ...service, canary: { ...service.canary, weight: deployed } };
}

/** Where `--load` sends requests for a service: the name its callers use, through the router. */
export function loadTarget(router: string, service: ServiceState, outputs: Readonly<Record<string, unknown>>): LoadTarget {
    const { clusterName, namespace } = locationFromOutputs(outputs);
    const url =
        router === "lattice"
            ? `http://${latticeHostname(service.name, latticeZoneName(clusterName))}${service.healthPath}`
            : `http://${sharedServiceName(service.name)}.${namespace}.svc.cluster.local:${service.port}${service.healthPath}`;
    return { url, namespace };
}

/** Bakes at `weight` and judges it; aborting stops the bake early (the caller rolls back). */
async function bake(deps: WalkDeps, source: MetricSource, service: ServiceState, weight: number, options: WalkOptions, target: LoadTarget | undefined, outputs: Readonly<Record<string, unknown>>): Promise<Verdict | "aborted"> {
    const { clock, io } = deps;
    const start = clock.now();
    const end = start + options.bakeMs;
    const stopLoad = new AbortController();
    const loading = target === undefined ? undefined : deps.load(target, options.bakeMs, stopLoad.signal, outputs).catch((error: unknown) => io.err(`  load: ${errorText(error)}`));
    try {
        while (clock.now() < end) {
            await clock.sleep(Math.min(options.progressEveryMs, end - clock.now()), deps.abort);
            if (deps.abort.aborted) {
                return "aborted";
            }
            const now = Math.min(clock.now(), end);
            if (now >= end) {
                break;
            }
            const health = await source.canaryHealth(service.name, { start: new Date(start), end: new Date(now) });
            io.out(`  ${service.name} at ${weight}%: ${formatDuration(end - now)} left in the bake; so far ${describeHealth(health)}`);
            const early = judgeEarly(health, options.gates);
            if (early !== undefined) {
                return early;
            }
        }
    } finally {
        stopLoad.abort();
        await loading;
    }
    const health = await source.canaryHealth(service.name, { start: new Date(start), end: new Date(end) });
    io.out(`  ${service.name} at ${weight}%: bake done; ${describeHealth(health)}`);
    return judge(health, options.gates);
}

/** The steps a walk takes, for the dry run and the header of a real walk. */
export function describeWalk(stack: string, state: CanaryState, service: ServiceState, from: number, options: WalkOptions): { lines: string[]; walk: number[] } {
    const steps = effectiveSteps(state);
    const walk = remainingSteps(from, steps);
    if (walk.length === 0 && !options.promote) {
        throw new CanaryError(
            `${service.name} is already at ${from}%, the last step of the schedule (${steps.join(", ")}): promote it with \`npm run canary -- promote --stack ${stack} --service ${service.name}\``,
        );
    }
    for (const weight of walk) {
        checkWeight(state, service, weight);
    }
    const source = state.stackSteps.length > 0 ? "eks-canary:canary.steps" : "the default: the stack sets no canary.steps";
    const lines = [`stack ${stack}, service ${service.name}, router ${state.router}, schedule ${steps.join(", ")} (${source}); now at ${from}%`];
    if (from > 0) {
        lines.push(`first: bake ${formatDuration(options.bakeMs)} at ${from}% and gate it (a walk takes no weight it has not seen pass for safe)`);
    }
    let current = from;
    walk.forEach((to, index) => {
        lines.push(`step ${index + 1}/${walk.length}: ${current}% -> ${to}%`);
        lines.push(...planLines(weightChange(service.name, current, to, steps)));
        lines.push(
            `  bake ${formatDuration(options.bakeMs)}${options.load ? " sending requests to the service" : ""}, then gate: failures (5xx, connection errors${state.router === "alb" ? ", the ALB's own 5xx" : ""}) <= ${(options.gates.max5xxRate * 100).toFixed(2)}%, p99 <= ${options.gates.maxP99Ms} ms; ` +
                `fewer than ${options.gates.minRequests} requests holds the walk (exit 4); a failed gate or Ctrl-C rolls back to the last weight that passed`,
        );
        current = to;
    });
    lines.push(
        options.promote
            ? `then promote in four ups: all requests to the canary; the stable version takes ${service.canary?.image ?? "its image"}; all requests back to it; the canary goes`
            : `then stop at ${current}% (promote with \`npm run canary -- promote --stack ${stack} --service ${service.name}\`, or pass --promote)`,
    );
    return { lines, walk };
}

/** Promotes a service stage by stage from wherever its promotion stands; returns the final state. */
export async function promote(deps: ChangeDeps, service: ServiceState, abort?: AbortSignal): Promise<ServiceState> {
    let current = service;
    for (let change = promoteChange(current); change !== undefined; change = promoteChange(current)) {
        if (abort?.aborted === true) {
            throw new CanaryError(`promotion of ${service.name} interrupted; run \`npm run canary -- promote\` again to resume from where it stopped`);
        }
        deps.io.out(change.message);
        await applyChange(deps, current, change);
        current = applyToService(current, change);
    }
    return current;
}

/**
 * `run`: walk the schedule behind the gates. Exit 0 done, 1 rolled back or refused, 4 held
 * (inconclusive), 130 interrupted (rolled back).
 */
export async function runWalk(deps: WalkDeps, options: WalkOptions): Promise<number> {
    const { io } = deps;
    const { state, config } = await readState(deps);
    const unavailable = metricsUnavailable(state.router);
    if (unavailable !== undefined) {
        throw new CanaryError(`run refuses to walk without metrics: ${unavailable}`);
    }
    const picked = pickManualService(state, options.service, "run");
    requireCanary(picked, "walk");
    return withLease(deps, async () => {
        const outputs = await deps.driver.outputs();
        let service = await resumeFromDeployed(deps, picked, outputs);
        const start = service.canary?.weight ?? 0;
        const steps = effectiveSteps(state);
        if (options.promote && !steps.includes(100)) {
            throw new CanaryError(`--promote first sends all requests to the canary, and 100 is not a step of the schedule (${steps.join(", ")}); add it to eks-canary:canary.steps`);
        }
        const { lines, walk: ahead } = describeWalk(deps.stack, state, service, start, options);
        // A weight above 0 that this walk did not see pass (a resumed or held walk) is baked and
        // judged again first; until it passes, the weight below it is the last safe one.
        const walk = start > 0 ? [start, ...ahead] : ahead;
        const region = config["aws:region"];
        const target = await findCanaryTarget(state.router, service.name, locationFromOutputs(outputs), await deps.lookup(region));
        const source = await deps.metricSource({ [service.name]: target }, region);
        lines.forEach((line) => io.out(line));
        io.out(`metrics: ${describeTarget(target)}`);
        const load = options.load ? loadTarget(state.router, service, outputs) : undefined;
        let safe = start > 0 ? ([...steps].reverse().find((step) => step < start) ?? 0) : start;

        const rollBack = async (reason: string, code: number): Promise<number> => {
            io.err(reason);
            const from = service.canary?.weight ?? 0;
            if (from === safe) {
                io.err(`${service.name} stays at ${safe}%, the last weight that passed`);
                return code;
            }
            io.err(`rolling back ${service.name} to ${safe}%, the last weight that passed`);
            try {
                const change = { ...weightChange(service.name, from, safe, steps), message: `canary: rollback ${service.name} ${from}% -> ${safe}%: ${reason}` };
                await applyChange(deps, service, change, { fromPossiblyDeployed: true });
            } catch (error) {
                io.err(`ROLLBACK FAILED: ${errorText(error)}`);
                io.err(`set the weight by hand: pulumi config set --path 'services.${service.name}.canary.weight' ${safe} && pulumi up`);
                return EXIT.refused;
            }
            io.err(`rolled back: ${service.name} at ${safe}%`);
            return code;
        };

        for (const [index, to] of walk.entries()) {
            if (deps.abort.aborted) {
                return rollBack("interrupted", EXIT.interrupted);
            }
            const from = service.canary?.weight ?? 0;
            if (to === from) {
                io.out(`step ${index + 1}/${walk.length}: ${service.name} at ${to}%: baking again (not yet seen to pass)`);
            } else {
                const change = weightChange(service.name, from, to, steps);
                io.out(`step ${index + 1}/${walk.length}: ${service.name} ${from}% -> ${to}%`);
                try {
                    await applyChange(deps, service, change);
                } catch (error) {
                    if (error instanceof CanaryError) {
                        throw error;
                    }
                    // An update that failed (or was cancelled by Ctrl-C) may have moved some of the
                    // weight already: roll back to the last safe weight with a real update.
                    service = applyToService(service, change);
                    return rollBack(`step ${from}% -> ${to}% failed: ${errorText(error)}`, EXIT.refused);
                }
                service = applyToService(service, change);
            }
            const verdict = await bake(deps, source, service, to, options, load, outputs);
            if (verdict === "aborted") {
                return rollBack(`interrupted during the bake at ${to}%`, EXIT.interrupted);
            }
            if (verdict.kind === "fail") {
                return rollBack(`gate failed at ${to}%: ${verdict.reason}`, EXIT.refused);
            }
            if (verdict.kind === "inconclusive") {
                io.err(`inconclusive at ${to}%: ${verdict.reason}. The canary stays at ${to}%; run again to bake it once more (with --load, or when there is traffic), or roll back`);
                return EXIT.inconclusive;
            }
            io.out(`  ${service.name} at ${to}%: gates passed`);
            safe = to;
        }
        if (options.promote) {
            await promote(deps, service, deps.abort);
            io.out(`done: ${service.name} promoted to ${service.canary?.image ?? ""}`);
        } else {
            io.out(`done: ${service.name} at ${service.canary?.weight ?? 0}%; promote with \`npm run canary -- promote --stack ${deps.stack} --service ${service.name}\``);
        }
        return EXIT.done;
    });
}
