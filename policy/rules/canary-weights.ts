/**
 * Canary router weights: the splits each router declares and the replicas router's pod split. Each
 * routing resource type has its own small reader, so that a router can later bring its reader
 * with it; the rule itself only judges the splits.
 */
import { ANNOTATION } from "./alb";
import { TYPES } from "./types";
import { annotationsOf, asArray, asNumber, asRecord, at, labelsOf, ofType, parseJson, show, StackResource, StackViolation } from "./values";

/** Policy config of `canary-weights`: the schedule a canary weight must be a step of. */
export interface CanaryWeightsConfig {
    readonly canarySteps?: number[];
}

/** One weighted target of a canary router. */
export interface WeightedTarget {
    readonly name: string;
    readonly weight: unknown;
}

/** A weighted split a router declares: the targets of one route or action. */
export interface WeightedSplit {
    readonly router: StackResource;
    readonly label: string;
    readonly targets: WeightedTarget[];
}

/** App Mesh VirtualRouter: the weightedTargets of each route (http, http2, grpc or tcp). */
function virtualRouterSplits(router: StackResource): WeightedSplit[] {
    const splits: WeightedSplit[] = [];
    for (const [index, route] of asArray(at(router.props, "spec", "routes")).entries()) {
        for (const kind of ["httpRoute", "http2Route", "grpcRoute", "tcpRoute"]) {
            const targets = at(route, kind, "action", "weightedTargets");
            if (Array.isArray(targets)) {
                splits.push({
                    router,
                    label: `VirtualRouter ${show(at(router.props, "metadata", "name"))} route ${show(asRecord(route).name ?? index)}`,
                    targets: targets.map((target) => ({ name: String(at(target, "virtualNodeRef", "name") ?? at(target, "virtualNodeARN") ?? ""), weight: asRecord(target).weight })),
                });
            }
        }
    }
    return splits;
}

/** ALB Ingress: the target groups of each forward action (an `actions.<name>` annotation). */
function ingressSplits(router: StackResource): WeightedSplit[] {
    const splits: WeightedSplit[] = [];
    for (const [key, value] of Object.entries(annotationsOf(router.props))) {
        if (!key.startsWith(`${ANNOTATION}actions.`)) {
            continue;
        }
        const groups = at(parseJson(value), "forwardConfig", "targetGroups");
        if (Array.isArray(groups)) {
            splits.push({
                router,
                label: `Ingress ${show(at(router.props, "metadata", "name"))} action ${key.slice(`${ANNOTATION}actions.`.length)}`,
                targets: groups.map((group) => ({ name: String(asRecord(group).serviceName ?? asRecord(group).targetGroupARN ?? asRecord(group).targetGroupName ?? ""), weight: asRecord(group).weight })),
            });
        }
    }
    return splits;
}

/** Gateway API HTTPRoute: the backendRefs of each rule. */
function httpRouteSplits(router: StackResource): WeightedSplit[] {
    const splits: WeightedSplit[] = [];
    for (const [index, rule] of asArray(at(router.props, "spec", "rules")).entries()) {
        const refs = asArray(asRecord(rule).backendRefs);
        if (refs.length > 0) {
            splits.push({
                router,
                label: `HTTPRoute ${show(at(router.props, "metadata", "name"))} rule ${index}`,
                targets: refs.map((ref) => ({ name: String(asRecord(ref).name ?? ""), weight: asRecord(ref).weight })),
            });
        }
    }
    return splits;
}

/** The weighted routers, each with the reader of its splits; a router type's rule is its reader alone. */
const WEIGHTED_ROUTERS: readonly { readonly type: string; readonly splits: (router: StackResource) => WeightedSplit[] }[] = [
    { type: TYPES.virtualRouter, splits: virtualRouterSplits },
    { type: TYPES.ingress, splits: ingressSplits },
    { type: TYPES.httpRoute, splits: httpRouteSplits },
];

/** The weighted splits of App Mesh VirtualRouters, ALB Ingress forward actions and Gateway API HTTPRoutes. */
export function weightedSplits(resources: readonly StackResource[]): WeightedSplit[] {
    return WEIGHTED_ROUTERS.flatMap((reader) => ofType(resources, reader.type).flatMap((router) => reader.splits(router)));
}

/** The replicas router's split of a service: the pods of its stable (v1) and canary (v2) Deployments. */
interface PodSplit {
    readonly app: string;
    readonly stable: number;
    readonly canary: StackResource & { readonly replicas: number };
}

/**
 * The replicas router: the pod split of every service that has no weighted router (`routed`),
 * runs both versions and at least one pod.
 */
function podSplits(resources: readonly StackResource[], routed: ReadonlySet<string>): PodSplit[] {
    const deployments = ofType(resources, TYPES.deployment);
    const byApp = new Map<string, { stable?: number; canary?: StackResource & { replicas: number } }>();
    for (const deployment of deployments) {
        const labels = labelsOf(deployment.props);
        if (typeof labels.app !== "string" || routed.has(labels.app)) {
            continue;
        }
        const replicas = asNumber(at(deployment.props, "spec", "replicas")) ?? 1;
        const entry = byApp.get(labels.app) ?? {};
        if (labels.version === "v1") {
            entry.stable = replicas;
        } else if (labels.version === "v2") {
            entry.canary = { ...deployment, replicas };
        }
        byApp.set(labels.app, entry);
    }
    const splits: PodSplit[] = [];
    for (const [app, entry] of byApp) {
        if (entry.stable === undefined || entry.canary === undefined || entry.stable + entry.canary.replicas === 0) {
            continue;
        }
        splits.push({ app, stable: entry.stable, canary: entry.canary });
    }
    return splits;
}

/** The canary (v2) target of a split: by name `<service>-v2...`, or the second of two. */
function canaryTarget(split: WeightedSplit): WeightedTarget | undefined {
    const byName = split.targets.find((target) => /-v2(\b|-|$)/.test(target.name));
    return byName ?? (split.targets.length === 2 ? split.targets[1] : undefined);
}

/**
 * Canary routers: every weight an integer 0..100, the weights of a split sum to 100, and, with a
 * schedule (`canarySteps`), the canary's weight is one of its steps. Under the replicas router
 * (no weighted router for the service) the weight is the canary's share of the pods.
 */
export function canaryWeightViolations(resources: readonly StackResource[], config: CanaryWeightsConfig = {}): StackViolation[] {
    const steps = config.canarySteps;
    const found: StackViolation[] = [];
    const routed = new Set<string>();
    for (const split of weightedSplits(resources)) {
        const app = labelsOf(split.router.props).app;
        if (typeof app === "string") {
            routed.add(app);
        }
        const weights = split.targets.map((target) => target.weight);
        const bad = split.targets.filter((target) => typeof target.weight !== "number" || !Number.isInteger(target.weight) || target.weight < 0 || target.weight > 100);
        for (const target of bad) {
            found.push({ message: `${split.label}: the weight of ${target.name || "a target"} is ${show(target.weight)}; allowed: an integer 0..100`, urn: split.router.urn });
        }
        if (bad.length === 0) {
            const sum = (weights as number[]).reduce((total, weight) => total + weight, 0);
            if (sum !== 100) {
                found.push({ message: `${split.label}: the weights ${JSON.stringify(weights)} sum to ${sum}; they must sum to 100`, urn: split.router.urn });
            }
            const canary = canaryTarget(split);
            if (steps !== undefined && steps.length > 0 && canary !== undefined && !steps.includes(canary.weight as number)) {
                found.push({ message: `${split.label}: the canary ${canary.name} takes ${String(canary.weight)}%, not a step of the schedule ${JSON.stringify(steps)}`, urn: split.router.urn });
            }
        }
    }
    if (steps !== undefined && steps.length > 0) {
        // The replicas router: the weight is v2's share of the service's pods.
        for (const { app, stable, canary } of podSplits(resources, routed)) {
            const pods = stable + canary.replicas;
            const weight = (100 * canary.replicas) / pods;
            if (!steps.includes(weight)) {
                found.push({ message: `${app}: the canary runs ${canary.replicas} of ${pods} pods (${weight.toFixed(1)}%), not a step of the schedule ${JSON.stringify(steps)}`, urn: canary.urn });
            }
        }
    }
    return found;
}
