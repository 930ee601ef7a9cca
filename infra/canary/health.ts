/**
 * The one definition of a version's health: which CloudWatch metrics say how a version is doing
 * (by router, in each router's `health`), with which statistics and dimensions, and the thresholds
 * it must stay within. The canary command's gates, the dashboards, the alarms and Flagger's
 * CloudWatch MetricTemplates all build their queries from here, so they cannot disagree.
 *
 * Pure: the policy pack, the canary command and the config parser read it without Pulumi.
 */

/** What is measured of a version (and, where a load balancer fronts it, of the load balancer). */
export type HealthSignal = "requests" | "target5xx" | "connectionErrors" | "p50" | "p99" | "healthyTargets" | "lbRequests" | "elb5xx";

/** The signals the canary command's gates read (tools/canary/gates.ts). */
export const GATE_SIGNALS: readonly HealthSignal[] = ["requests", "target5xx", "connectionErrors", "p99", "lbRequests", "elb5xx"];

export type HealthStat = "Sum" | "p50" | "p99" | "Minimum";

/** One CloudWatch metric of a signal. */
export interface HealthMetric {
    readonly signal: HealthSignal;
    readonly metric: string;
    readonly stat: HealthStat;
    /** Keyed by the version's target group, or by the load balancer in front of both versions. */
    readonly scope: "target" | "loadBalancer";
    /** How a dashboard or an alarm names it. */
    readonly label: string;
}

export type Dimension = { readonly Name: string; readonly Value: string };

/** A version's CloudWatch dimension values: its target group, and the load balancer where there is one. */
export interface VersionTarget {
    readonly targetGroup: string;
    readonly loadBalancer?: string;
}

/** A router's health metrics: its CloudWatch namespace, its metrics and how they are keyed. */
export interface HealthMetrics {
    readonly namespace: string;
    /** Milliseconds per unit of the latency metric. */
    readonly latencyToMs: number;
    readonly metrics: readonly HealthMetric[];
    /** The dimensions of a metric of `scope` for a version at `target`. */
    dimensions(target: VersionTarget, scope: HealthMetric["scope"]): Dimension[];
}

/** The most a version may fail and be slow: the gates', the alarms' and Flagger's defaults. */
export interface HealthThresholds {
    /** Highest share of requests that may fail (5xx or connection errors), 0..1. */
    readonly maxErrorRate: number;
    readonly maxP99Ms: number;
}

export const HEALTH_THRESHOLDS: HealthThresholds = { maxErrorRate: 0.01, maxP99Ms: 500 };

/** The fewest requests a bake must see to judge a canary; fewer is inconclusive. */
export const MIN_JUDGED_REQUESTS = 100;

/**
 * The share of requests that failed (5xx and connection errors), 0..1, as CloudWatch metric math
 * over the queries with these IDs. ELB counts are reported only when non-zero: a missing count is
 * 0. The dashboards, the alarms and Flagger's success rate use it; the gates compute the same sum
 * from the same metrics (tools/canary/gates.ts).
 */
export function failedShareExpression(ids: { readonly requests: string; readonly target5xx: string; readonly connectionErrors: string }): string {
    return `(FILL(${ids.target5xx}, 0) + FILL(${ids.connectionErrors}, 0)) / ${ids.requests}`;
}

/** The metric of `signal`, or undefined when the router does not measure it. */
export function healthMetric(health: HealthMetrics, signal: HealthSignal): HealthMetric | undefined {
    return health.metrics.find((metric) => metric.signal === signal);
}

/** The metric of `signal`; throws when the router does not measure it (requests, 5xx, connection errors and p99 every router with health does). */
export function requiredMetric(health: HealthMetrics, signal: HealthSignal): HealthMetric {
    const metric = healthMetric(health, signal);
    if (metric === undefined) {
        throw new Error(`the router's health metrics have no ${signal}`);
    }
    return metric;
}

/** One CloudWatch query of a signal: what GetMetricData, a dashboard widget and an alarm each ask. */
export interface MetricQuerySpec {
    readonly id: HealthSignal;
    readonly namespace: string;
    readonly metric: string;
    readonly dimensions: readonly Dimension[];
    readonly stat: HealthStat;
}

/** The CloudWatch queries of one version. */
export interface MetricTarget {
    readonly router: string;
    readonly queries: readonly MetricQuerySpec[];
    /** Milliseconds per unit of the latency metric. */
    readonly latencyToMs: number;
}

/** A query in CloudWatch's GetMetricData form (a MetricDataQuery): what the canary command sends and Flagger's cloudwatch provider takes. */
export function metricDataQuery(
    query: MetricQuerySpec,
    periodSeconds: number,
    returnData: boolean,
): { Id: string; MetricStat: { Metric: { Namespace: string; MetricName: string; Dimensions: Dimension[] }; Period: number; Stat: string }; ReturnData: boolean } {
    return {
        Id: query.id,
        MetricStat: {
            Metric: { Namespace: query.namespace, MetricName: query.metric, Dimensions: query.dimensions.map((dimension) => ({ ...dimension })) },
            Period: periodSeconds,
            Stat: query.stat,
        },
        ReturnData: returnData,
    };
}

/** The queries of `signals` (all the router measures, unless given) for a version at `target`. */
export function metricTarget(router: string, health: HealthMetrics, target: VersionTarget, signals?: readonly HealthSignal[]): MetricTarget {
    const chosen = health.metrics.filter((metric) => signals === undefined || signals.includes(metric.signal));
    return {
        router,
        latencyToMs: health.latencyToMs,
        queries: chosen.map((metric) => ({
            id: metric.signal,
            namespace: health.namespace,
            metric: metric.metric,
            dimensions: health.dimensions(target, metric.scope),
            stat: metric.stat,
        })),
    };
}

/** A tagged AWS resource, as the Resource Groups Tagging API lists it. */
export interface TaggedResource {
    readonly arn: string;
    readonly tags: Readonly<Record<string, string>>;
}

/** Resources of the given types carrying every one of `tags`. */
export type ResourceLookup = (resourceTypes: readonly string[], tags: Readonly<Record<string, string>>) => Promise<TaggedResource[]>;

/**
 * Where a version's metrics are, found by its controller's tags: its dimension values, or why not.
 * `missing`: nothing carries the tags yet (the controller has not reconciled the route); a deploy
 * waits for it. `ambiguous`: more than one does (the Tagging API may still list a target group its
 * controller deleted, so a deploy looks again before it gives up).
 */
export type Located = { readonly target: VersionTarget } | { readonly missing: string } | { readonly ambiguous: string };

/** The one resource found, or why there is not exactly one. */
export function single(found: readonly TaggedResource[], what: string): TaggedResource | Exclude<Located, { target: VersionTarget }> {
    if (found.length === 0) {
        return { missing: `found no ${what}: has the controller reconciled the route yet? (check with \`kubectl get ingresses,httproutes -A\`)` };
    }
    if (found.length > 1) {
        return { ambiguous: `expected one ${what}, found ${found.length}: ${found.map((resource) => resource.arn).join(", ")}` };
    }
    return found[0];
}

/** Why a version's metrics could not be located. */
export function locateProblem(located: Exclude<Located, { target: VersionTarget }>): string {
    return "missing" in located ? located.missing : located.ambiguous;
}

/** An ARN's resource part (arn:partition:service:region:account:resource), which may hold colons. */
export function arnResource(arn: string): string {
    return arn.split(":").slice(5).join(":");
}
