/**
 * The canary's health from the router's own CloudWatch metrics over a bake window, and the target
 * group (and load balancer) those metrics are keyed by, found from the tags their controllers put
 * on them: nobody types an ARN.
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
import { canaryIngressName } from "../../infra/routers/alb/router";
import { versionObjectName } from "../../infra/workload";
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

type Dimension = { readonly Name: string; readonly Value: string };

/** One CloudWatch metric a gate reads. */
export interface MetricQuerySpec {
    readonly id: "requests" | "target5xx" | "connectionErrors" | "p99" | "lbRequests" | "elb5xx";
    readonly namespace: string;
    readonly metric: string;
    readonly dimensions: readonly Dimension[];
    readonly stat: "Sum" | "p99";
}

/** The CloudWatch metrics of one service's canary. */
export interface MetricTarget {
    readonly router: string;
    readonly queries: readonly MetricQuerySpec[];
    /** Milliseconds per unit of the latency metric. */
    readonly latencyToMs: number;
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
    appmesh:
        "the appmesh router has no CloudWatch metrics the command can read: Envoy's metrics reach CloudWatch only when exported " +
        "(CloudWatch agent or EMF), which this stack does not set up (and AWS discontinued App Mesh on 2026-09-30); switch to alb or lattice",
    replicas:
        "the replicas router has no per-version metrics: one Service selects the pods of both versions, so nothing measures v2 alone; " +
        "switch to alb or lattice, or step by hand with `npm run canary -- step`",
};

const MEASURED_ROUTERS = ["alb", "lattice"];

/** Why `run` cannot gate this router on metrics, or undefined when it can. */
export function metricsUnavailable(router: string): string | undefined {
    return MEASURED_ROUTERS.includes(router) ? undefined : (UNSUPPORTED[router] ?? `the ${router} router has no CloudWatch metrics the command knows`);
}

/** The ALB gates of a canary target group behind a load balancer (dimension values: ARN suffixes). */
export function albTarget(targetGroup: string, loadBalancer: string): MetricTarget {
    const pair = [
        { Name: "TargetGroup", Value: targetGroup },
        { Name: "LoadBalancer", Value: loadBalancer },
    ];
    const lb = [{ Name: "LoadBalancer", Value: loadBalancer }];
    const namespace = "AWS/ApplicationELB";
    return {
        router: "alb",
        latencyToMs: 1000,
        queries: [
            { id: "requests", namespace, metric: "RequestCount", dimensions: pair, stat: "Sum" },
            { id: "target5xx", namespace, metric: "HTTPCode_Target_5XX_Count", dimensions: pair, stat: "Sum" },
            { id: "connectionErrors", namespace, metric: "TargetConnectionErrorCount", dimensions: pair, stat: "Sum" },
            { id: "p99", namespace, metric: "TargetResponseTime", dimensions: pair, stat: "p99" },
            { id: "lbRequests", namespace, metric: "RequestCount", dimensions: lb, stat: "Sum" },
            { id: "elb5xx", namespace, metric: "HTTPCode_ELB_5XX_Count", dimensions: lb, stat: "Sum" },
        ],
    };
}

/** The VPC Lattice gates of a canary target group (`tg-...`). */
export function latticeTarget(targetGroupId: string): MetricTarget {
    const dimensions = [{ Name: "TargetGroup", Value: targetGroupId }];
    const namespace = "AWS/VpcLattice";
    return {
        router: "lattice",
        latencyToMs: 1,
        queries: [
            { id: "requests", namespace, metric: "TotalRequestCount", dimensions, stat: "Sum" },
            { id: "target5xx", namespace, metric: "HTTPCode_5XX_Count", dimensions, stat: "Sum" },
            { id: "connectionErrors", namespace, metric: "ConnectionErrorCount", dimensions, stat: "Sum" },
            { id: "p99", namespace, metric: "RequestTime", dimensions, stat: "p99" },
        ],
    };
}

/** `arn:...:targetgroup/<name>/<id>` → `targetgroup/<name>/<id>`; `arn:...:loadbalancer/app/<name>/<id>` → `app/<name>/<id>`. */
export function albDimension(arn: string): string {
    const resource = arn.slice(arn.lastIndexOf(":") + 1);
    return resource.startsWith("loadbalancer/") ? resource.slice("loadbalancer/".length) : resource;
}

/** A tagged AWS resource, as the Resource Groups Tagging API lists it. */
export interface TaggedResource {
    readonly arn: string;
    readonly tags: Readonly<Record<string, string>>;
}

/** Resources of the given types carrying every one of `tags`. */
export type ResourceLookup = (resourceTypes: readonly string[], tags: Readonly<Record<string, string>>) => Promise<TaggedResource[]>;

/** Where the canary runs, from the stack outputs. */
export interface CanaryLocation {
    readonly clusterName: string;
    readonly namespace: string;
}

export function locationFromOutputs(outputs: Readonly<Record<string, unknown>>): CanaryLocation {
    const clusterName = outputs.clusterName;
    const namespace = outputs.namespace;
    if (typeof clusterName !== "string" || typeof namespace !== "string") {
        throw new CanaryError("the stack has no clusterName and namespace outputs: has it been deployed with this program?");
    }
    return { clusterName, namespace };
}

function only(found: readonly TaggedResource[], what: string): TaggedResource {
    if (found.length === 0) {
        throw new CanaryError(`found no ${what}: has the controller reconciled the route yet? (check with \`kubectl get targetgroupbindings,httproutes -A\`)`);
    }
    if (found.length > 1) {
        throw new CanaryError(`found ${found.length} ${what}s, expected one: ${found.map((resource) => resource.arn).join(", ")}`);
    }
    return found[0];
}

/**
 * The canary's metric target, found by the tags the controllers put on what they create:
 * - the AWS Load Balancer Controller tags its target groups and load balancers with
 *   `elbv2.k8s.aws/cluster`, `ingress.k8s.aws/stack` (`<namespace>/<ingress>`) and
 *   `ingress.k8s.aws/resource` (`LoadBalancer`, or `<namespace>/<ingress>-<service>:<port>`);
 * - the AWS Gateway API Controller tags a route's target groups with
 *   `application-networking.k8s.aws/ServiceName`, `ServiceNamespace`, `RouteName` and `RouteNamespace`.
 */
export async function findCanaryTarget(router: string, service: string, location: CanaryLocation, lookup: ResourceLookup): Promise<MetricTarget> {
    const unavailable = metricsUnavailable(router);
    if (unavailable !== undefined) {
        throw new CanaryError(unavailable);
    }
    const canaryService = versionObjectName(service, "v2");
    const { clusterName, namespace } = location;
    if (router === "alb") {
        const ingress = canaryIngressName(service);
        const stackTags = { "elbv2.k8s.aws/cluster": clusterName, "ingress.k8s.aws/stack": `${namespace}/${ingress}` };
        const groups = (await lookup(["elasticloadbalancing:targetgroup"], stackTags)).filter((resource) =>
            (resource.tags["ingress.k8s.aws/resource"] ?? "").startsWith(`${namespace}/${ingress}-${canaryService}:`),
        );
        const group = only(groups, `target group of ${namespace}/${canaryService} behind Ingress ${namespace}/${ingress}`);
        const balancer = only(await lookup(["elasticloadbalancing:loadbalancer"], { ...stackTags, "ingress.k8s.aws/resource": "LoadBalancer" }), `load balancer of Ingress ${namespace}/${ingress}`);
        return albTarget(albDimension(group.arn), albDimension(balancer.arn));
    }
    const prefix = "application-networking.k8s.aws";
    const groups = await lookup(["vpc-lattice:targetgroup"], {
        [`${prefix}/ClusterName`]: clusterName,
        [`${prefix}/ServiceName`]: canaryService,
        [`${prefix}/ServiceNamespace`]: namespace,
        [`${prefix}/RouteName`]: service,
        [`${prefix}/RouteNamespace`]: namespace,
    });
    const group = only(groups, `VPC Lattice target group of ${namespace}/${canaryService} in HTTPRoute ${namespace}/${service}`);
    return latticeTarget(group.arn.slice(group.arn.lastIndexOf("/") + 1));
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
        MetricDataQueries: target.queries.map((query) => ({
            Id: query.id,
            MetricStat: { Metric: { Namespace: query.namespace, MetricName: query.metric, Dimensions: query.dimensions.map((dimension) => ({ ...dimension })) }, Period: seconds, Stat: query.stat },
            ReturnData: true,
        })),
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
