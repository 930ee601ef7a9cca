/**
 * The canary's health from the router's own CloudWatch metrics over a bake window, and the target
 * group (and load balancer) those metrics are keyed by, found from the tags their controllers put
 * on them: nobody types an ARN. The metrics are the router's health definition
 * (infra/canary/health.ts), the one the dashboards, the alarms and Flagger's templates read:
 *
 * - `alb` (namespace `AWS/ApplicationELB`): per target group and load balancer `RequestCount`,
 *   `HTTPCode_Target_5XX_Count`, `TargetConnectionErrorCount` (Sum) and `TargetResponseTime` (p99,
 *   seconds); per load balancer `RequestCount` and `HTTPCode_ELB_5XX_Count` (Sum): the 502/503/504
 *   the ALB answers itself when the canary's pods crash or hang. Dimension values are ARN suffixes
 *   (`targetgroup/<name>/<id>`, `app/<name>/<id>`).
 * - `lattice` (namespace `AWS/VpcLattice`): per target group (`tg-...`) `TotalRequestCount`,
 *   `HTTPCode_5XX_Count`, `ConnectionErrorCount` (Sum) and `RequestTime` (p99, milliseconds), the
 *   target group metrics of AWS's "CloudWatch metrics for VPC Lattice" page.
 * - `appmesh`, `replicas`: nothing measures v2 alone in CloudWatch; `run` refuses them.
 */
import type { GetMetricDataCommandInput, GetMetricDataCommandOutput, MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { GATE_SIGNALS, locateProblem, metricDataQuery, metricTarget, VersionTarget } from "../../infra/canary/health";
import { CanaryLocation, CommandService, isUnsupported, MetricQuerySpec, MetricTarget, ResourceLookup, TaggedResource } from "../../infra/routers/plugin";
import { RouterKind, routerPlugin } from "../../infra/routers/registry";
import { Health } from "./gates";
import { CanaryError } from "./schedule";

export interface MetricWindow {
    readonly start: Date;
    readonly end: Date;
}

/** Where the canary's health comes from; the walk's only view of metrics. */
export interface MetricSource {
    /** What is measured, for the progress output. */
    readonly description: string;
    canaryHealth(service: string, window: MetricWindow): Promise<Health>;
}

export type { MetricQuerySpec, MetricTarget, TaggedResource, ResourceLookup, CanaryLocation };
/** The queries the gates read of a version at `target` behind a router that measures it. */
export function gateTarget(router: RouterKind, target: VersionTarget): MetricTarget {
    const health = routerPlugin(router).health;
    if (isUnsupported(health)) {
        throw new CanaryError(health.unsupported);
    }
    return metricTarget(router, health.metrics, target, GATE_SIGNALS);
}

/** Why `run` cannot gate this router on metrics (neither CloudWatch nor Prometheus measures v2 alone), or undefined when it can. */
export function metricsUnavailable(router: RouterKind): string | undefined {
    const plugin = routerPlugin(router);
    return isUnsupported(plugin.health) && plugin.prometheusHealth === undefined ? plugin.health.unsupported : undefined;
}

export function locationFromOutputs(outputs: Readonly<Record<string, unknown>>): CanaryLocation {
    const clusterName = outputs.clusterName;
    const namespace = outputs.namespace;
    if (typeof clusterName !== "string" || typeof namespace !== "string") {
        throw new CanaryError("the stack has no clusterName and namespace outputs: has it been deployed with this program?");
    }
    return { clusterName, namespace };
}

/** The canary's metric target, found by the tags the router's controller puts on what it creates. */
export async function findCanaryTarget(router: RouterKind, service: CommandService, location: CanaryLocation, lookup: ResourceLookup): Promise<MetricTarget> {
    const health = routerPlugin(router).health;
    if (isUnsupported(health)) {
        throw new CanaryError(health.unsupported);
    }
    const located = await health.find(service, "v2", location, lookup);
    if (!("target" in located)) {
        throw new CanaryError(locateProblem(located));
    }
    return gateTarget(router, located.target);
}

export function describeTarget(target: MetricTarget): string {
    const first = target.queries[0];
    return `${first.namespace} ${first.dimensions.map((dimension) => `${dimension.Name}=${dimension.Value}`).join(" ")}`;
}

/**
 * One GetMetricData request for a window: a single period that covers it (a multiple of 60 s),
 * so each query returns one value over the whole bake.
 */
export function metricQuery(target: MetricTarget, window: MetricWindow): GetMetricDataCommandInput {
    const seconds = Math.max(60, Math.ceil((window.end.getTime() - window.start.getTime()) / 60_000) * 60);
    return {
        StartTime: new Date(window.end.getTime() - seconds * 1000),
        EndTime: window.end,
        MetricDataQueries: target.queries.map((query) => metricDataQuery(query, seconds, true)),
    };
}

/**
 * Reads a GetMetricData answer into the canary's health. ELB metrics are reported only when
 * non-zero: a missing count is 0, not a failure; a refused or failed query is an error.
 */
export function healthFromResults(target: MetricTarget, results: readonly MetricDataResult[]): Health {
    for (const result of results) {
        if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError") {
            const detail = (result.Messages ?? []).map((message) => message.Value).join("; ");
            return { kind: "error", reason: `${result.Id}: ${result.StatusCode}${detail === "" ? "" : ` (${detail})`}` };
        }
    }
    const values = (id: string): number[] => results.find((result) => result.Id === id)?.Values ?? [];
    const sum = (id: string): number => values(id).reduce((total, value) => total + value, 0);
    const p99 = values("p99");
    const measuresLoadBalancer = target.queries.some((query) => query.id === "lbRequests");
    return {
        kind: "ok",
        requests: sum("requests"),
        target5xx: sum("target5xx"),
        connectionErrors: sum("connectionErrors"),
        p99Ms: p99.length === 0 ? undefined : Math.max(...p99) * target.latencyToMs,
        ...(measuresLoadBalancer ? { loadBalancer: { requests: sum("lbRequests"), elb5xx: sum("elb5xx") } } : {}),
    };
}

export type GetMetricData = (input: GetMetricDataCommandInput) => Promise<Pick<GetMetricDataCommandOutput, "MetricDataResults">>;

/** The canary's health from CloudWatch; `getMetricData` is the client call (a double in tests). */
export class CloudWatchMetricSource implements MetricSource {
    public readonly description: string;

    constructor(
        private readonly getMetricData: GetMetricData,
        private readonly targets: Readonly<Record<string, MetricTarget>>,
    ) {
        this.description = Object.values(targets).map(describeTarget).join("; ");
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

/** The real tag lookup (Resource Groups Tagging API), loaded only when a run needs it. */
export async function taggingLookup(region: string | undefined): Promise<ResourceLookup> {
    const { ResourceGroupsTaggingAPIClient, GetResourcesCommand } = await import("@aws-sdk/client-resource-groups-tagging-api");
    const client = new ResourceGroupsTaggingAPIClient(region === undefined ? {} : { region });
    return async (resourceTypes, tags) => {
        const found: TaggedResource[] = [];
        let token: string | undefined;
        do {
            const page = await client.send(
                new GetResourcesCommand({
                    ResourceTypeFilters: [...resourceTypes],
                    TagFilters: Object.entries(tags).map(([Key, Value]) => ({ Key, Values: [Value] })),
                    ...(token === undefined ? {} : { PaginationToken: token }),
                }),
            );
            for (const mapping of page.ResourceTagMappingList ?? []) {
                found.push({ arn: mapping.ResourceARN ?? "", tags: Object.fromEntries((mapping.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""])) });
            }
            token = page.PaginationToken === "" ? undefined : page.PaginationToken;
        } while (token !== undefined);
        return found;
    };
}
