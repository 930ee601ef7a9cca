/**
 * What the config parser knows about particular routers, in one place: the default router, the
 * routers Flagger can drive, the one that splits traffic by pod counts, and the one that reads
 * metrics by target group. The section parsers ask these functions and name no router themselves,
 * so that a router registry can later answer the same questions.
 */
import { replicaSplitProblem, smallestExactTotal } from "../../infra/canary/plan";
import { ROUTER_KINDS, RouterKind } from "../../infra/canary/router";

/** Traffic routers this program can declare, by the `router` key's value. */
export const ROUTERS = ROUTER_KINDS;
export type { RouterKind };

/** The router of a stack that sets no `router` key (Pulumi.yaml declares the same default). */
export const DEFAULT_ROUTER: RouterKind = "replicas";

/**
 * The routers Flagger can drive, with the reason the others cannot: Flagger moves weights through
 * a mesh or Gateway API provider (`appmesh:v1beta2`, `gatewayapi:v1`); it has no provider for the
 * weighted target groups of an ALB Ingress, and its `kubernetes` provider only does blue/green,
 * which the pod-count split of the replicas router is not.
 */
export const AUTOMATABLE_ROUTERS: Partial<Record<RouterKind, true>> = { appmesh: true, lattice: true };
export const NOT_AUTOMATABLE_REASONS: Partial<Record<RouterKind, string>> = {
    alb: "Flagger has no provider that shifts weights between the target groups of an ALB Ingress (its nginx, contour, gloo, ... providers drive other ingress controllers)",
    replicas: "the replicas router has no weights to shift, only pod counts, and Flagger's kubernetes provider does blue/green only, not progressive weights",
};

/** Why a service in automated mode cannot run behind `router`; undefined when Flagger can drive it. */
export function automatedModeProblem(router: RouterKind): string | undefined {
    if (AUTOMATABLE_ROUTERS[router] === true) {
        return undefined;
    }
    return `automated needs a router Flagger can drive, and router ${router} is not one: ${NOT_AUTOMATABLE_REASONS[router] ?? "unsupported"}; allowed: manual, or set router to appmesh or lattice`;
}

/**
 * Why `router` cannot send `weight` percent of requests to the canary of a service of `replicas`
 * pods; undefined when it can. Only the replicas router splits by pod counts, so only it has
 * weights a pod total cannot express.
 */
export function canaryWeightProblem(router: RouterKind | undefined, weight: number, replicas: number): string | undefined {
    return router === "replicas" ? replicaSplitProblem(weight, replicas) : undefined;
}

/**
 * Why `replicas` pods cannot carry the schedule `steps` with `router`, naming the first step they
 * cannot: every step must be reachable, not only the current one. Undefined when they can.
 */
export function scheduleStepProblem(router: RouterKind | undefined, steps: readonly number[], replicas: number): string | undefined {
    if (router !== "replicas") {
        return undefined;
    }
    const step = steps.find((candidate) => replicaSplitProblem(candidate, replicas) !== undefined);
    return step === undefined ? undefined : `${replicas} replicas cannot carry the schedule step ${step}% with the replicas router; allowed: a multiple of ${smallestTotalForSteps(steps)}`;
}

/** Why an analysis behind `router` cannot name a VPC Lattice target group; undefined for the lattice router. */
export function latticeTargetGroupProblem(router: RouterKind): string | undefined {
    return router === "lattice" ? undefined : `only the lattice router reads CloudWatch metrics by target group; router ${router} does not; allowed: remove it`;
}

/** The smallest replica total that expresses every step. */
function smallestTotalForSteps(steps: readonly number[]): number {
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    const lcm = (a: number, b: number): number => (a * b) / gcd(a, b);
    return steps.map((step) => smallestExactTotal(step)).reduce(lcm, 1);
}
