/** Canary router weights: the splits each router declares, and the replicas router's pod split. */
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

/** The weighted splits of App Mesh VirtualRouters, ALB Ingress forward actions and Gateway API HTTPRoutes. */
export function weightedSplits(resources: readonly StackResource[]): WeightedSplit[] {
    const splits: WeightedSplit[] = [];
    for (const router of ofType(resources, TYPES.virtualRouter)) {
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
    }
    for (const router of ofType(resources, TYPES.ingress)) {
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
    }
    for (const router of ofType(resources, TYPES.httpRoute)) {
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
        for (const [app, entry] of byApp) {
            if (entry.stable === undefined || entry.canary === undefined || entry.stable + entry.canary.replicas === 0) {
                continue;
            }
            const weight = (100 * entry.canary.replicas) / (entry.stable + entry.canary.replicas);
            if (!steps.includes(weight)) {
                found.push({ message: `${app}: the canary runs ${entry.canary.replicas} of ${entry.stable + entry.canary.replicas} pods (${weight.toFixed(1)}%), not a step of the schedule ${JSON.stringify(steps)}`, urn: entry.canary.urn });
            }
        }
    }
    return found;
}
