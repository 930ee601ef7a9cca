/**
 * The canary version's health from the router's own CloudWatch metrics: the 5xx rate and the p99
 * latency of the canary's target group over a bake window.
 *
 * - `alb`: namespace `AWS/ApplicationELB`, `RequestCount` and `HTTPCode_Target_5XX_Count` (Sum),
 *   `TargetResponseTime` (p99, seconds), dimensions `TargetGroup` + `LoadBalancer` (ARN suffixes:
 *   `targetgroup/<name>/<id>`, `app/<name>/<id>`).
 * - `lattice`: namespace `AWS/VpcLattice`, `TotalRequestCount` and `HTTPCode_5XX_Count` (Sum),
 *   `RequestTime` (p99, milliseconds), dimension `TargetGroup`.
 * - `appmesh`: Envoy's metrics reach CloudWatch only when exported (CloudWatch agent, EMF); this
 *   stack exports none, so there is nothing to read.
 * - `replicas`: one Service selects both versions; nothing measures v2 alone.
 *
 * The canary's target group is created by a controller (the AWS Load Balancer Controller, the AWS
 * Gateway API Controller), so its name is only known after a deploy: it comes from `--target-group`
 * (and `--load-balancer` for alb) or from a stack output `canaryMetrics` =
 * `{ <service>: { targetGroup, loadBalancer? } }` when the program exports one.
 */
import type { GetMetricDataCommandInput, GetMetricDataCommandOutput, MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { CanaryError, Health } from "./schedule";

export interface MetricWindow {
    readonly start: Date;
    readonly end: Date;
}

/** Where the canary's health comes from; the `run` command's only view of metrics. */
export interface MetricSource {
    /** What is measured, for the progress output. */
    readonly description: string;
    canaryHealth(service: string, window: MetricWindow): Promise<Health>;
}

interface RouterMetrics {
    readonly namespace: string;
    readonly requests: string;
    readonly errors5xx: string;
    readonly latency: string;
    /** Milliseconds per unit of the latency metric. */
    readonly latencyToMs: number;
    readonly needsLoadBalancer: boolean;
}

const ROUTER_METRICS: Readonly<Record<string, RouterMetrics>> = {
    alb: {
        namespace: "AWS/ApplicationELB",
        requests: "RequestCount",
        errors5xx: "HTTPCode_Target_5XX_Count",
        latency: "TargetResponseTime",
        latencyToMs: 1000,
        needsLoadBalancer: true,
    },
    lattice: {
        namespace: "AWS/VpcLattice",
        requests: "TotalRequestCount",
        errors5xx: "HTTPCode_5XX_Count",
        latency: "RequestTime",
        latencyToMs: 1,
        needsLoadBalancer: false,
    },
};

const UNSUPPORTED: Readonly<Record<string, string>> = {
    appmesh:
        "the appmesh router has no CloudWatch metrics the command can read: Envoy's metrics reach CloudWatch only when exported " +
        "(CloudWatch agent or EMF), which this stack does not set up (and AWS discontinued App Mesh on 2026-09-30); switch to alb or lattice",
    replicas:
        "the replicas router has no per-version metrics: one Service selects the pods of both versions, so nothing measures v2 alone; " +
        "switch to alb or lattice, or step by hand with `npm run canary -- step`",
};

/** Why `run` cannot gate this router on metrics, or undefined when it can. */
export function metricsUnavailable(router: string): string | undefined {
    if (ROUTER_METRICS[router] !== undefined) {
        return undefined;
    }
    return UNSUPPORTED[router] ?? `the ${router} router has no CloudWatch metrics the command knows`;
}

/** The CloudWatch metrics of one service's canary. */
export interface MetricTarget {
    readonly router: string;
    readonly namespace: string;
    readonly dimensions: ReadonlyArray<{ readonly Name: string; readonly Value: string }>;
    readonly metrics: RouterMetrics;
}

export interface TargetFlags {
    readonly targetGroup?: string;
    readonly loadBalancer?: string;
}

/** `arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>` → `targetgroup/<name>/<id>`. */
export function albDimension(value: string, kind: "targetgroup" | "loadbalancer"): string {
    if (!value.startsWith("arn:")) {
        return value;
    }
    const resource = value.slice(value.lastIndexOf(":") + 1);
    return kind === "loadbalancer" && resource.startsWith("loadbalancer/") ? resource.slice("loadbalancer/".length) : resource;
}

/**
 * The canary's metric dimensions: the flags first, then the stack output `canaryMetrics`. Throws a
 * CanaryError naming what is missing.
 */
export function resolveTarget(router: string, service: string, outputs: Readonly<Record<string, unknown>>, flags: TargetFlags): MetricTarget {
    const unavailable = metricsUnavailable(router);
    if (unavailable !== undefined) {
        throw new CanaryError(unavailable);
    }
    const metrics = ROUTER_METRICS[router];
    const exported = outputs.canaryMetrics;
    const entry = typeof exported === "object" && exported !== null ? (exported as Record<string, unknown>)[service] : undefined;
    const fromOutput = (key: string): string | undefined => {
        const value = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
        return typeof value === "string" && value !== "" ? value : undefined;
    };
    const targetGroup = flags.targetGroup ?? fromOutput("targetGroup");
    const loadBalancer = flags.loadBalancer ?? fromOutput("loadBalancer");
    const missing: string[] = [];
    if (targetGroup === undefined) {
        missing.push("--target-group");
    }
    if (metrics.needsLoadBalancer && loadBalancer === undefined) {
        missing.push("--load-balancer");
    }
    if (missing.length > 0) {
        throw new CanaryError(
            `cannot find the CloudWatch dimensions of ${service}'s canary (${router} router): give ${missing.join(" and ")}, ` +
                `or export canaryMetrics.${service} = {targetGroup${metrics.needsLoadBalancer ? ", loadBalancer" : ""}} from the program. ` +
                `List the candidates with: aws cloudwatch list-metrics --namespace ${metrics.namespace} --metric-name ${metrics.requests}`,
        );
    }
    const dimensions =
        router === "alb"
            ? [
                  { Name: "TargetGroup", Value: albDimension(targetGroup as string, "targetgroup") },
                  { Name: "LoadBalancer", Value: albDimension(loadBalancer as string, "loadbalancer") },
              ]
            : [{ Name: "TargetGroup", Value: targetGroup as string }];
    return { router, namespace: metrics.namespace, dimensions, metrics };
}

/**
 * One GetMetricData request for a window: a single period that covers it (a multiple of 60 s),
 * so each query returns one value over the whole bake.
 */
export function metricQuery(target: MetricTarget, window: MetricWindow): GetMetricDataCommandInput {
    const seconds = Math.max(60, Math.ceil((window.end.getTime() - window.start.getTime()) / 60_000) * 60);
    const query = (id: string, metricName: string, stat: string) => ({
        Id: id,
        MetricStat: {
            Metric: { Namespace: target.namespace, MetricName: metricName, Dimensions: target.dimensions.map((dimension) => ({ ...dimension })) },
            Period: seconds,
            Stat: stat,
        },
        ReturnData: true,
    });
    return {
        StartTime: new Date(window.end.getTime() - seconds * 1000),
        EndTime: window.end,
        MetricDataQueries: [
            query("requests", target.metrics.requests, "Sum"),
            query("errors", target.metrics.errors5xx, "Sum"),
            query("p99", target.metrics.latency, "p99"),
        ],
    };
}

/** Reads a GetMetricData answer into the canary's health; missing or failed data is never health. */
export function healthFromResults(target: MetricTarget, results: readonly MetricDataResult[]): Health {
    const byId = new Map(results.map((result) => [result.Id, result]));
    for (const result of results) {
        if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError") {
            const detail = (result.Messages ?? []).map((message) => message.Value).join("; ");
            return { kind: "error", reason: `${result.Id}: ${result.StatusCode}${detail === "" ? "" : ` (${detail})`}` };
        }
    }
    const values = (id: string): number[] => byId.get(id)?.Values ?? [];
    const requests = values("requests").reduce((sum, value) => sum + value, 0);
    const where = `${target.namespace} ${target.dimensions.map((dimension) => `${dimension.Name}=${dimension.Value}`).join(" ")}`;
    if (requests <= 0) {
        return { kind: "no-data", reason: `no requests reached the canary in the window (${target.metrics.requests}, ${where})` };
    }
    // A 5xx count is reported only when there are some: requests without it mean none.
    const errors5xx = values("errors").reduce((sum, value) => sum + value, 0);
    const latencies = values("p99");
    if (latencies.length === 0) {
        return { kind: "no-data", reason: `no ${target.metrics.latency} p99 for the window (${where})` };
    }
    return { kind: "ok", requests, errors5xx, errorRate5xx: errors5xx / requests, p99Ms: Math.max(...latencies) * target.metrics.latencyToMs };
}

export type GetMetricData = (input: GetMetricDataCommandInput) => Promise<Pick<GetMetricDataCommandOutput, "MetricDataResults">>;

/** The canary's health from CloudWatch; `getMetricData` is the client call (a double in tests). */
export class CloudWatchMetricSource implements MetricSource {
    public readonly description: string;

    constructor(
        private readonly getMetricData: GetMetricData,
        private readonly targets: Readonly<Record<string, MetricTarget>>,
    ) {
        this.description = Object.values(targets)
            .map((target) => `${target.namespace} ${target.dimensions.map((dimension) => `${dimension.Name}=${dimension.Value}`).join(" ")}`)
            .join("; ");
    }

    async canaryHealth(service: string, window: MetricWindow): Promise<Health> {
        const target = this.targets[service];
        if (target === undefined) {
            return { kind: "error", reason: `no metric target for ${service}` };
        }
        try {
            const answer = await this.getMetricData(metricQuery(target, window));
            return healthFromResults(target, answer.MetricDataResults ?? []);
        } catch (error) {
            return { kind: "error", reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
        }
    }
}

/** The real client call, loaded only when a run needs it. */
export async function cloudWatchClient(region: string | undefined): Promise<GetMetricData> {
    const { CloudWatchClient, GetMetricDataCommand } = await import("@aws-sdk/client-cloudwatch");
    const client = new CloudWatchClient(region === undefined ? {} : { region });
    return (input) => client.send(new GetMetricDataCommand(input));
}
