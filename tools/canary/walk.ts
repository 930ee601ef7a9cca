/**
 * `run`: the walk of the schedule behind the gates, of one service or a lockstep group (every
 * member's gate must pass). It holds the stack's lease from its first step to its end, resumes from the deployed weight, bakes and judges each weight, and on a failed
 * gate, a failed `up` or Ctrl-C rolls back to the last weight that passed.
 */
import { versionObjectName } from "../../infra/names";
import { RouterKind, routerPlugin } from "../../infra/routers/registry";
import { PrometheusSourceFactory } from "./prometheus";
import { applyChange, ChangeDeps, promote, readState, resumeFromDeployed } from "./change";
import { describeWalk, WalkOptions } from "./describe";
import { describeHealth, Health, judge, judgeEarly, Verdict } from "./gates";
import { errorText, EXIT } from "./io";
import { withLease } from "./lease";
import { LoadGenerator, LoadTarget, loadTarget } from "./load";
import { describeTarget, findCanaryTarget, locationFromOutputs, MetricSource, MetricTarget, metricsUnavailable, ResourceLookup } from "./metrics";
import { enforceFreeze, freezeCheck } from "./freeze";
import { applyToRelease, pickRelease, Release, releaseFlag, releaseWeight, releaseWeightChange, requireReleaseCanary } from "./release";
import { CanaryError, effectiveSteps, formatDuration } from "./schedule";

export interface WalkDeps extends ChangeDeps {
    readonly abort: AbortSignal;
    readonly lookup: (region: string | undefined) => Promise<ResourceLookup>;
    readonly metricSource: (targets: Readonly<Record<string, MetricTarget>>, region: string | undefined) => Promise<MetricSource>;
    readonly prometheusSource: PrometheusSourceFactory;
    readonly load: LoadGenerator;
}

/**
 * The verdict of a release at one moment: every member judged; the first failure fails it, else
 * the first inconclusive member holds it. A group's reasons name the member.
 */
function releaseVerdict(release: Release, verdicts: readonly Verdict[]): Verdict {
    const named = (index: number, reason: string): string => (release.group === undefined ? reason : `${release.members[index].name}: ${reason}`);
    for (const kind of ["fail", "inconclusive"] as const) {
        const index = verdicts.findIndex((verdict) => verdict.kind === kind);
        const found = verdicts[index];
        if (found !== undefined && found.kind !== "pass") {
            return { kind, reason: named(index, found.reason) };
        }
    }
    return { kind: "pass" };
}

/** Bakes at `weight` and judges every member; aborting stops the bake early (the caller rolls back). */
async function bake(
    deps: WalkDeps,
    source: MetricSource,
    release: Release,
    weight: number,
    options: WalkOptions,
    targets: readonly LoadTarget[],
    outputs: Readonly<Record<string, unknown>>,
): Promise<Verdict | "aborted"> {
    const { clock, io } = deps;
    const start = clock.now();
    const end = start + options.bakeMs;
    const stopLoad = new AbortController();
    const loading = targets.map((target) => deps.load(target, options.bakeMs, stopLoad.signal, outputs).catch((error: unknown) => io.err(`  load: ${errorText(error)}`)));
    const measure = async (until: number, label: (name: string) => string): Promise<Health[]> => {
        const healths: Health[] = [];
        for (const member of release.members) {
            const health = await source.canaryHealth(member.name, { start: new Date(start), end: new Date(until) });
            io.out(`  ${member.name} at ${weight}%: ${label(member.name)}${describeHealth(health)}`);
            healths.push(health);
        }
        return healths;
    };
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
            const healths = await measure(now, () => `${formatDuration(end - now)} left in the bake; so far `);
            const early = healths.map((health) => judgeEarly(health, options.gates));
            if (early.some((verdict) => verdict !== undefined)) {
                return releaseVerdict(
                    release,
                    early.map((verdict) => verdict ?? { kind: "pass" }),
                );
            }
        }
    } finally {
        stopLoad.abort();
        await Promise.all(loading);
    }
    const healths = await measure(end, () => "bake done; ");
    return releaseVerdict(
        release,
        healths.map((health) => judge(health, options.gates)),
    );
}

/**
 * Where the walk reads each member's health: Prometheus for a router whose proxies report there,
 * else CloudWatch, at the targets its controller's tags locate.
 */
async function canaryMetricSource(
    deps: WalkDeps,
    router: RouterKind,
    release: Release,
    outputs: Readonly<Record<string, unknown>>,
    region: string | undefined,
    prometheusUrl: string,
): Promise<MetricSource> {
    const prometheus = routerPlugin(router).prometheusHealth;
    const location = locationFromOutputs(outputs);
    if (prometheus !== undefined) {
        const selectors = Object.fromEntries(release.members.map((member) => [member.name, { namespace: location.namespace, deployment: versionObjectName(member.name, "v2") }]));
        return deps.prometheusSource(prometheusUrl, prometheus, selectors);
    }
    const lookup = await deps.lookup(region);
    const targets: Record<string, MetricTarget> = {};
    for (const member of release.members) {
        targets[member.name] = await findCanaryTarget(router, member, location, lookup);
    }
    const source = await deps.metricSource(targets, region);
    return { description: Object.values(targets).map(describeTarget).join("; "), canaryHealth: (name, window) => source.canaryHealth(name, window) };
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
    const picked = pickRelease(state, options, "run");
    requireReleaseCanary(picked, "walk");
    enforceFreeze(state, deps.clock.now(), options.force, "run", io);
    return withLease(deps, async () => {
        const outputs = await deps.driver.outputs();
        let release = await resumeFromDeployed(deps, picked, outputs);
        const start = releaseWeight(release);
        const steps = effectiveSteps(state);
        if (options.promote && !steps.includes(100)) {
            throw new CanaryError(
                `--promote first sends all requests to the canary, and 100 is not a step of the schedule (${steps.join(", ")}); add it to eks-canary:canary.steps`,
            );
        }
        const { lines, walk: ahead } = describeWalk(deps.stack, state, release, start, options);
        // A weight above 0 that this walk did not see pass (a resumed or held walk) is baked and
        // judged again first; until it passes, the weight below it is the last safe one.
        const walk = start > 0 ? [start, ...ahead] : ahead;
        const source = await canaryMetricSource(deps, state.router, release, outputs, config["aws:region"], options.prometheusUrl);
        lines.forEach((line) => io.out(line));
        io.out(`metrics: ${source.description}`);
        const load = options.load ? release.members.map((member) => loadTarget(state.router, member, outputs)) : [];
        let safe = start > 0 ? ([...steps].reverse().find((step) => step < start) ?? 0) : start;
        const name = release.label;
        const setByHand = (weight: number): string =>
            release.members.map((member) => `pulumi config set --path 'services.${member.name}.canary.weight' ${weight}`).join(" && ") + " && pulumi up";

        const rollBack = async (reason: string, code: number): Promise<number> => {
            io.err(reason);
            const from = releaseWeight(release);
            if (from === safe) {
                io.err(`${name} stays at ${safe}%, the last weight that passed`);
                return code;
            }
            io.err(`rolling back ${name} to ${safe}%, the last weight that passed`);
            try {
                await applyChange(deps, release, releaseWeightChange(release, from, safe, steps, reason), { fromPossiblyDeployed: true });
            } catch (error) {
                io.err(`ROLLBACK FAILED: ${errorText(error)}`);
                io.err(`set the weight by hand: ${setByHand(safe)}`);
                return EXIT.refused;
            }
            io.err(`rolled back: ${name} at ${safe}%`);
            return code;
        };

        for (const [index, to] of walk.entries()) {
            if (deps.abort.aborted) {
                return rollBack("interrupted", EXIT.interrupted);
            }
            const from = releaseWeight(release);
            // A freeze that began during the walk stops it where it is: the weight baked so far passed.
            const freezing = to > from ? freezeCheck(state, deps.clock.now(), options.force, "run").refusal : undefined;
            if (freezing !== undefined) {
                io.err(`${freezing}. ${name} stays at ${from}%; run again after the freeze`);
                return EXIT.inconclusive;
            }
            if (to === from) {
                io.out(`step ${index + 1}/${walk.length}: ${name} at ${to}%: baking again (not yet seen to pass)`);
            } else {
                const change = releaseWeightChange(release, from, to, steps);
                io.out(`step ${index + 1}/${walk.length}: ${name} ${from}% -> ${to}%`);
                try {
                    await applyChange(deps, release, change);
                } catch (error) {
                    if (error instanceof CanaryError) {
                        throw error;
                    }
                    // An update that failed (or was cancelled by Ctrl-C) may have moved some of the
                    // weight already: roll back to the last safe weight with a real update.
                    release = applyToRelease(release, change);
                    return rollBack(`step ${from}% -> ${to}% failed: ${errorText(error)}`, EXIT.refused);
                }
                release = applyToRelease(release, change);
            }
            const verdict = await bake(deps, source, release, to, options, load, outputs);
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
            io.out(`  ${name} at ${to}%: gates passed`);
            safe = to;
        }
        if (options.promote) {
            // A freeze that began during the last bake holds the promotion too: the weight stays where it passed.
            const freezing = freezeCheck(state, deps.clock.now(), options.force, "run --promote").refusal;
            if (freezing !== undefined) {
                io.err(`${freezing}. ${name} stays at ${releaseWeight(release)}%; promote after the freeze`);
                return EXIT.inconclusive;
            }
            const images = release.members.map((member) => member.canary?.image ?? "").join(", ");
            await promote(deps, release, deps.abort);
            io.out(`done: ${name} promoted to ${images}`);
        } else {
            io.out(`done: ${name} at ${releaseWeight(release)}%; promote with \`npm run canary -- promote --stack ${deps.stack} ${releaseFlag(release)}\``);
        }
        return EXIT.done;
    });
}
