/**
 * The metric gates of a canary step, as pure functions: what a bake measured and what it means.
 * A step passes, fails (roll back) or is inconclusive (too few requests to judge: hold, neither
 * promote nor roll back). A query that fails is a failure: the gate fails closed.
 */
import { HEALTH_THRESHOLDS, MIN_JUDGED_REQUESTS } from "../../infra/canary/health";

/** What one bake measured of the canary (and, for ALB, of the load balancer in front of it). */
export interface CanaryMeasurement {
    /** Requests the canary's target group received. */
    readonly requests: number;
    /** 5xx responses the canary's pods returned. */
    readonly target5xx: number;
    /** Connections the load balancer could not open to the canary's pods (crashed or hanging). */
    readonly connectionErrors: number;
    readonly p99Ms: number | undefined;
    /** ALB: requests and 5xx the load balancer itself answered (502/503/504 when targets fail), per load balancer. */
    readonly loadBalancer?: { readonly requests: number; readonly elb5xx: number };
}

export type Health = ({ readonly kind: "ok" } & CanaryMeasurement) | { readonly kind: "error"; readonly reason: string };

export interface Gates {
    /** Highest share of the canary's requests that may fail (5xx or connection errors), 0..1. */
    readonly max5xxRate: number;
    readonly maxP99Ms: number;
    /** Fewest requests a bake must see to judge the canary; fewer: inconclusive. */
    readonly minRequests: number;
}

/** The shared health thresholds (infra/canary/health.ts): the same the alarms and Flagger's analysis default to. */
export const DEFAULT_GATES: Gates = { max5xxRate: HEALTH_THRESHOLDS.maxErrorRate, maxP99Ms: HEALTH_THRESHOLDS.maxP99Ms, minRequests: MIN_JUDGED_REQUESTS };

export type Verdict = { readonly kind: "pass" } | { readonly kind: "fail"; readonly reason: string } | { readonly kind: "inconclusive"; readonly reason: string };

export function formatPercent(fraction: number): string {
    return `${Math.round(fraction * 10000) / 100}%`;
}

/** The checks a measurement breaks, empty when it passes. */
export function breaches(measurement: CanaryMeasurement, gates: Gates): string[] {
    const found: string[] = [];
    const failed = measurement.target5xx + measurement.connectionErrors;
    const rate = measurement.requests > 0 ? failed / measurement.requests : failed > 0 ? 1 : 0;
    if (rate > gates.max5xxRate) {
        found.push(
            `canary failure rate ${formatPercent(rate)} (5xx ${measurement.target5xx}, connection errors ${measurement.connectionErrors}) > ${formatPercent(gates.max5xxRate)}`,
        );
    }
    if (measurement.loadBalancer !== undefined && measurement.loadBalancer.requests > 0) {
        const elbRate = measurement.loadBalancer.elb5xx / measurement.loadBalancer.requests;
        if (elbRate > gates.max5xxRate) {
            found.push(
                `load balancer 5xx rate ${formatPercent(elbRate)} (${measurement.loadBalancer.elb5xx} of ${measurement.loadBalancer.requests}) > ${formatPercent(gates.max5xxRate)}`,
            );
        }
    }
    if (measurement.p99Ms !== undefined && measurement.p99Ms > gates.maxP99Ms) {
        found.push(`p99 ${Math.round(measurement.p99Ms)} ms > ${gates.maxP99Ms} ms`);
    }
    return found;
}

/** The verdict of a whole bake. */
export function judge(health: Health, gates: Gates): Verdict {
    if (health.kind === "error") {
        return { kind: "fail", reason: `metric query failed (fail closed): ${health.reason}` };
    }
    const found = breaches(health, gates);
    if (found.length > 0) {
        return { kind: "fail", reason: found.join(", ") };
    }
    if (health.requests < gates.minRequests) {
        return {
            kind: "inconclusive",
            reason: `${health.requests} requests reached the canary, fewer than the ${gates.minRequests} needed to judge it (pass --load to send some)`,
        };
    }
    if (health.p99Ms === undefined) {
        return { kind: "inconclusive", reason: "no p99 latency for the bake" };
    }
    return { kind: "pass" };
}

/** Mid-bake: only a breach seen on enough requests stops the bake early. */
export function judgeEarly(health: Health, gates: Gates): Verdict | undefined {
    if (health.kind === "ok" && health.requests >= gates.minRequests) {
        const found = breaches(health, gates);
        return found.length > 0 ? { kind: "fail", reason: found.join(", ") } : undefined;
    }
    return undefined;
}

export function describeHealth(health: Health): string {
    if (health.kind === "error") {
        return `metric query failed: ${health.reason}`;
    }
    const lb = health.loadBalancer === undefined ? "" : `, load balancer 5xx ${health.loadBalancer.elb5xx}/${health.loadBalancer.requests}`;
    return `${health.requests} requests, 5xx ${health.target5xx}, connection errors ${health.connectionErrors}${lb}, p99 ${health.p99Ms === undefined ? "-" : `${Math.round(health.p99Ms)} ms`}`;
}
