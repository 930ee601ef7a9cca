/**
 * `run`: the walk of the schedule behind the gates. It holds the stack's lease from its first
 * step to its end, resumes from the deployed weight, bakes and judges each weight, and on a failed
 * gate, a failed `up` or Ctrl-C rolls back to the last weight that passed.
 */
import { versionObjectName } from "../../infra/names";
import { RouterKind, routerPlugin } from "../../infra/routers/registry";
import { PrometheusSourceFactory } from "./prometheus";
import { applyChange, ChangeDeps, promote, readState, resumeFromDeployed } from "./change";
import { describeWalk, WalkOptions } from "./describe";
import { describeHealth, judge, judgeEarly, Verdict } from "./gates";
import { errorText, EXIT } from "./io";
import { withLease } from "./lease";
import { LoadGenerator, LoadTarget, loadTarget } from "./load";
import { describeTarget, findCanaryTarget, locationFromOutputs, MetricSource, MetricTarget, metricsUnavailable, ResourceLookup } from "./metrics";
import { enforceFreeze, freezeCheck } from "./freeze";
import { applyToService, CanaryError, effectiveSteps, formatDuration, pickManualService, requireCanary, ServiceState, weightChange } from "./schedule";

export interface WalkDeps extends ChangeDeps {
    readonly abort: AbortSignal;
    readonly lookup: (region: string | undefined) => Promise<ResourceLookup>;
    readonly metricSource: (targets: Readonly<Record<string, MetricTarget>>, region: string | undefined) => Promise<MetricSource>;
    readonly prometheusSource: PrometheusSourceFactory;
    readonly load: LoadGenerator;
}

/** Bakes at `weight` and judges it; aborting stops the bake early (the caller rolls back). */
async function bake(
    deps: WalkDeps,
    source: MetricSource,
    service: ServiceState,
    weight: number,
    options: WalkOptions,
    target: LoadTarget | undefined,
    outputs: Readonly<Record<string, unknown>>,
): Promise<Verdict | "aborted"> {
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

/**
 * Where the walk reads the canary's health: Prometheus for a router whose proxies report there,
 * else CloudWatch, at the target its controller's tags locate.
 */
async function canaryMetricSource(
    deps: WalkDeps,
    router: RouterKind,
    service: ServiceState,
    outputs: Readonly<Record<string, unknown>>,
    region: string | undefined,
    prometheusUrl: string,
): Promise<MetricSource> {
    const prometheus = routerPlugin(router).prometheusHealth;
    const location = locationFromOutputs(outputs);
    if (prometheus !== undefined) {
        return deps.prometheusSource(prometheusUrl, prometheus, { [service.name]: { namespace: location.namespace, deployment: versionObjectName(service.name, "v2") } });
    }
    const target = await findCanaryTarget(router, service, location, await deps.lookup(region));
    const source = await deps.metricSource({ [service.name]: target }, region);
    return { description: describeTarget(target), canaryHealth: (name, window) => source.canaryHealth(name, window) };
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
    enforceFreeze(state, deps.clock.now(), options.force, "run", io);
    return withLease(deps, async () => {
        const outputs = await deps.driver.outputs();
        let service = await resumeFromDeployed(deps, picked, outputs);
        const start = service.canary?.weight ?? 0;
        const steps = effectiveSteps(state);
        if (options.promote && !steps.includes(100)) {
            throw new CanaryError(
                `--promote first sends all requests to the canary, and 100 is not a step of the schedule (${steps.join(", ")}); add it to eks-canary:canary.steps`,
            );
        }
        const { lines, walk: ahead } = describeWalk(deps.stack, state, service, start, options);
        // A weight above 0 that this walk did not see pass (a resumed or held walk) is baked and
        // judged again first; until it passes, the weight below it is the last safe one.
        const walk = start > 0 ? [start, ...ahead] : ahead;
        const source = await canaryMetricSource(deps, state.router, service, outputs, config["aws:region"], options.prometheusUrl);
        lines.forEach((line) => io.out(line));
        io.out(`metrics: ${source.description}`);
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
            // A freeze that began during the walk stops it where it is: the weight baked so far passed.
            const freezing = to > from ? freezeCheck(state, deps.clock.now(), options.force, "run").refusal : undefined;
            if (freezing !== undefined) {
                io.err(`${freezing}. ${service.name} stays at ${from}%; run again after the freeze`);
                return EXIT.inconclusive;
            }
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
                io.err(
                    `inconclusive at ${to}%: ${verdict.reason}. The canary stays at ${to}%; run again to bake it once more (with --load, or when there is traffic), or roll back`,
                );
                return EXIT.inconclusive;
            }
            io.out(`  ${service.name} at ${to}%: gates passed`);
            safe = to;
        }
        if (options.promote) {
            // A freeze that began during the last bake holds the promotion too: the weight stays where it passed.
            const freezing = freezeCheck(state, deps.clock.now(), options.force, "run --promote").refusal;
            if (freezing !== undefined) {
                io.err(`${freezing}. ${service.name} stays at ${service.canary?.weight ?? 0}%; promote after the freeze`);
                return EXIT.inconclusive;
            }
            await promote(deps, service, deps.abort);
            io.out(`done: ${service.name} promoted to ${service.canary?.image ?? ""}`);
        } else {
            io.out(`done: ${service.name} at ${service.canary?.weight ?? 0}%; promote with \`npm run canary -- promote --stack ${deps.stack} --service ${service.name}\``);
        }
        return EXIT.done;
    });
}
