/**
 * The config rules that depend on the router, answered by the router registry's traits: whether
 * Flagger can drive it, whether it splits by pod counts, whether its metrics are keyed by a target
 * group. The section parsers ask these functions and name no router themselves.
 */
import { replicaSplitProblem, smallestExactTotal } from "../../infra/canary/weights";
import type { HeaderMatch } from "../../infra/canary/release-controls";
import { isUnsupported, RouterPlugin } from "../../infra/routers/plugin";
import { CLUSTER_KIND_SUMMARY, ClusterKind } from "../../infra/targets";
import { ROUTER_KINDS, ROUTER_PLUGINS, RouterKind, routerPlugin } from "../../infra/routers/registry";

/** Traffic routers this program can declare, by the `router` key's value. */
export const ROUTERS = ROUTER_KINDS;
export type { RouterKind };

/** The router of a stack that sets no `router` key (Pulumi.yaml declares the same default). */
export const DEFAULT_ROUTER: RouterKind = "replicas";

/** Why `router` cannot run on a cluster of `kind`; undefined when it can. */
export function clusterKindProblem(router: RouterKind, kind: ClusterKind): string | undefined {
    if (routerPlugin(router).clusterKinds.includes(kind)) {
        return undefined;
    }
    const fitting = ROUTER_PLUGINS.filter((plugin) => plugin.clusterKinds.includes(kind)).map((plugin) => plugin.kind);
    return `router ${router} runs only on ${routerPlugin(router).clusterKinds.join(", ")} (it needs AWS), and cluster.kind is ${kind}: ${CLUSTER_KIND_SUMMARY[kind]}; allowed: ${fitting.join(", ")}`;
}

/** Why a service in automated mode cannot run behind `router`; undefined when Flagger can drive it. */
export function automatedModeProblem(router: RouterKind, clusterKind?: ClusterKind): string | undefined {
    const flagger = routerPlugin(router).flagger;
    if (!isUnsupported(flagger)) {
        return undefined;
    }
    // The routers that could take its place: Flagger drives them, and they run where the stack does.
    const automatable = ROUTER_PLUGINS.filter((plugin) => !isUnsupported(plugin.flagger) && (clusterKind === undefined || plugin.clusterKinds.includes(clusterKind))).map(
        (plugin) => plugin.kind,
    );
    return `automated needs a router Flagger can drive, and router ${router} is not one: ${flagger.unsupported}; allowed: manual, or set router to ${automatable.join(" or ")}`;
}

/**
 * Why `router` cannot send `weight` percent of requests to the canary of a service of `replicas`
 * pods; undefined when it can. Only the replicas router splits by pod counts, so only it has
 * weights a pod total cannot express.
 */
export function canaryWeightProblem(router: RouterKind | undefined, weight: number, replicas: number): string | undefined {
    return splitsPods(router) ? replicaSplitProblem(weight, replicas) : undefined;
}

/**
 * Why `replicas` pods cannot carry the schedule `steps` with `router`, naming the first step they
 * cannot: every step must be reachable, not only the current one. Undefined when they can.
 */
export function scheduleStepProblem(router: RouterKind | undefined, steps: readonly number[], replicas: number): string | undefined {
    if (router === undefined || !splitsPods(router)) {
        return undefined;
    }
    const step = steps.find((candidate) => replicaSplitProblem(candidate, replicas) !== undefined);
    return step === undefined
        ? undefined
        : `${replicas} replicas cannot carry the schedule step ${step}% with the ${router} router; allowed: a multiple of ${smallestTotalForSteps(steps)}`;
}

/** Why an analysis behind `router` cannot name a VPC Lattice target group; undefined for the lattice router. */
export function latticeTargetGroupProblem(router: RouterKind): string | undefined {
    const flagger = routerPlugin(router).flagger;
    if (!isUnsupported(flagger) && flagger.metricsByTargetGroup) {
        return undefined;
    }
    const readers = ROUTER_PLUGINS.filter((plugin) => !isUnsupported(plugin.flagger) && plugin.flagger.metricsByTargetGroup).map((plugin) => plugin.kind);
    return `only the ${readers.join(" and ")} router reads CloudWatch metrics by target group; router ${router} does not; allowed: remove it`;
}

/** The routers to suggest switching to for what `can` says: a discontinued router (App Mesh) is no way forward, so never it. */
function routersThat(can: (plugin: RouterPlugin) => boolean): RouterKind[] {
    return ROUTER_PLUGINS.filter((plugin) => plugin.discontinued === undefined && can(plugin)).map((plugin) => plugin.kind);
}

/** Why `router` cannot send requests matching `match` to the canary; undefined when it can. */
export function headerMatchProblem(router: RouterKind, match: HeaderMatch): string | undefined {
    const controls = routerPlugin(router).releaseControls.match;
    const able = routersThat(({ releaseControls: { match: other } }) => !isUnsupported(other) && other.types.includes(match.type) && other.problem?.(match) === undefined);
    if (isUnsupported(controls)) {
        return `router ${router} cannot route by header: ${controls.unsupported}; allowed: remove match, or set router to ${able.join(", ")}`;
    }
    if (!controls.types.includes(match.type)) {
        return `router ${router} matches headers by ${controls.types.join(", ")} only, not ${match.type}; allowed: type ${controls.types.join(" or ")}, or set router to ${able.join(", ")}`;
    }
    return controls.problem?.(match);
}

/** Why `router` cannot keep clients on a version for `seconds`; undefined when it can. */
export function stickyProblem(router: RouterKind, seconds: number): string | undefined {
    const controls = routerPlugin(router).releaseControls.sticky;
    if (isUnsupported(controls)) {
        const able = routersThat((plugin) => !isUnsupported(plugin.releaseControls.sticky));
        return `router ${router} cannot keep a client on a version: ${controls.unsupported}; allowed: remove sticky, or set router to ${able.join(", ")}`;
    }
    return seconds > controls.maxSeconds ? `router ${router} keeps a client on a version for at most ${controls.maxSeconds} seconds; allowed: a shorter duration` : undefined;
}

/** Whether the router carries the weight in pod counts (so the pod total must express it). */
function splitsPods(router: RouterKind | undefined): boolean {
    return router !== undefined && routerPlugin(router).splits === "pods";
}

/** The smallest replica total that expresses every step. */
function smallestTotalForSteps(steps: readonly number[]): number {
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    const lcm = (a: number, b: number): number => (a * b) / gcd(a, b);
    return steps.map((step) => smallestExactTotal(step)).reduce(lcm, 1);
}
