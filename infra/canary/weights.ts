/**
 * The canary decisions, as pure functions: no Pulumi, no I/O. Routers turn these decisions into
 * resources; the config validation and the offline plan use them to explain what a weight means.
 */

/** The share of a service's traffic, in percent, that goes to each version. */
export interface TrafficSplit {
    /** Percent of requests served by the stable version (v1). */
    readonly stable: number;
    /** Percent of requests served by the canary version (v2). */
    readonly canary: number;
}

/** Pod counts of the two versions of a service. */
export interface ReplicaSplit {
    readonly stable: number;
    readonly canary: number;
}

export const MIN_WEIGHT = 0;
export const MAX_WEIGHT = 100;

export function isValidWeight(weight: number): boolean {
    return Number.isInteger(weight) && weight >= MIN_WEIGHT && weight <= MAX_WEIGHT;
}

/** The split that a canary weight (percent of traffic to v2) asks for. */
export function trafficSplit(weight: number): TrafficSplit {
    if (!isValidWeight(weight)) {
        throw new RangeError(`canary weight must be an integer ${MIN_WEIGHT}..${MAX_WEIGHT}, got ${weight}`);
    }
    return { stable: MAX_WEIGHT - weight, canary: weight };
}

function gcd(a: number, b: number): number {
    return b === 0 ? a : gcd(b, a % b);
}

/**
 * The smallest replica total that expresses `weight` percent exactly as a pod ratio: every
 * multiple of it does too, and nothing else does. 25 → 4, 50 → 2, 10 → 10, 33 → 100.
 */
export function smallestExactTotal(weight: number): number {
    trafficSplit(weight);
    // 0 and 100 give gcd 100, so 1 pod: no special case needed.
    return MAX_WEIGHT / gcd(weight, MAX_WEIGHT);
}

/** Whether `total` pods can carry `weight` percent to the canary exactly. */
export function canExpress(weight: number, total: number): boolean {
    return Number.isInteger(total) && total >= 1 && (weight * total) % MAX_WEIGHT === 0;
}

/**
 * Why a weight cannot be expressed by `total` pods, with the totals that would express it;
 * undefined when it can.
 */
export function replicaSplitProblem(weight: number, total: number): string | undefined {
    if (canExpress(weight, total)) {
        return undefined;
    }
    const step = smallestExactTotal(weight);
    const examples = [1, 2, 3].map((k) => step * k).join(", ");
    return (
        `${weight}% cannot be expressed with ${total} replicas (the replicas router splits pods, ` +
        `${total} pods carry traffic in steps of ${formatPercent(MAX_WEIGHT / total)}%); ` +
        `totals that express ${weight}% exactly are the multiples of ${step}: ${examples}, ...`
    );
}

/**
 * The pod counts that carry `weight` percent of traffic to the canary when one Service selects
 * the pods of both versions: the seed table 4/0, 3/1, 2/2, 1/3, 0/4 for 0/25/50/75/100 on 4.
 * Throws when the total cannot express the weight exactly.
 */
export function replicaSplit(weight: number, total: number): ReplicaSplit {
    trafficSplit(weight);
    if (!Number.isInteger(total) || total < 1) {
        throw new RangeError(`replica total must be a positive integer, got ${total}`);
    }
    const problem = replicaSplitProblem(weight, total);
    if (problem !== undefined) {
        throw new RangeError(problem);
    }
    const canary = (weight * total) / MAX_WEIGHT;
    return { stable: total - canary, canary };
}

/** Percent to at most one decimal, without a trailing ".0". */
function formatPercent(value: number): string {
    return String(Math.round(value * 10) / 10);
}

/** One version's share of a service's requests, as a weighted router declares it. */
export interface VersionWeight {
    /** The version's own Service. */
    readonly service: string;
    readonly weight: number;
}

/**
 * The weights a traffic-weighting router gives the versions: v1 `100 - weight`, v2 `weight` (v2
 * stays listed at weight 0, registered and health-checked, ready for the next step); v1 alone at
 * 100 when there is no canary.
 */
export function versionWeights(weight: number, stable: string, canary: string | undefined): VersionWeight[] {
    const split = trafficSplit(weight);
    if (canary === undefined) {
        if (weight !== MIN_WEIGHT) {
            throw new RangeError(`a weight of ${weight}% needs a canary version; without one v1 takes all requests`);
        }
        return [{ service: stable, weight: MAX_WEIGHT }];
    }
    return [
        { service: stable, weight: split.stable },
        { service: canary, weight: split.canary },
    ];
}

/**
 * Pods of each version when a router, not the pod count, splits the requests: every version runs
 * the service's `replicas` (v2 keeps them at weight 0 until its canary block is removed).
 */
export function podsPerVersion(replicas: number, hasCanary: boolean): ReplicaSplit {
    return { stable: replicas, canary: hasCanary ? replicas : 0 };
}
