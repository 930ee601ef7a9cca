/**
 * Canary router weights: the splits each router declares (read by the router plug-ins' own
 * readers, through their pure list infra/routers/split-readers.ts) and the pod split of routers that carry the weight in pod counts; the rule itself only
 * judges the splits.
 */
import type { DeclaredSplit, WeightedTarget } from "../../infra/routers/plugin";
import { SPLIT_READERS as READERS } from "../../infra/routers/split-readers";
import { TYPES } from "./types";
import { asNumber, at, labelsOf, ofType, show, StackResource, StackViolation } from "./values";

/** Policy config of `canary-weights`: the schedule a canary weight must be a step of. */
export interface CanaryWeightsConfig {
    readonly canarySteps?: number[];
}

export type { WeightedTarget };

/** A weighted split a router declares: the targets of one route or action. */
export interface WeightedSplit extends DeclaredSplit {
    readonly router: StackResource;
}

/** The routers' readers of their routing resources' splits, by resource type, in registry order. */
const SPLIT_READERS = Object.entries(READERS);

/** The weighted splits of every routing resource a router of the registry reads (VirtualRouter, Ingress, HTTPRoute). */
export function weightedSplits(resources: readonly StackResource[]): WeightedSplit[] {
    return SPLIT_READERS.flatMap(([type, read]) => ofType(resources, type).flatMap((router) => read(router.props).map((split) => ({ router, ...split }))));
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
            if (steps !== undefined && steps.length > 0 && split.pinned !== true && canary !== undefined && !steps.includes(canary.weight as number)) {
                found.push({
                    message: `${split.label}: the canary ${canary.name} takes ${String(canary.weight)}%, not a step of the schedule ${JSON.stringify(steps)}`,
                    urn: split.router.urn,
                });
            }
        }
    }
    if (steps !== undefined && steps.length > 0) {
        // The replicas router: the weight is v2's share of the service's pods.
        for (const { app, stable, canary } of podSplits(resources, routed)) {
            const pods = stable + canary.replicas;
            const weight = (100 * canary.replicas) / pods;
            if (!steps.includes(weight)) {
                found.push({
                    message: `${app}: the canary runs ${canary.replicas} of ${pods} pods (${weight.toFixed(1)}%), not a step of the schedule ${JSON.stringify(steps)}`,
                    urn: canary.urn,
                });
            }
        }
    }
    return found;
}
