/**
 * What VPC Lattice says of a version's health (pure): the `AWS/VpcLattice` metrics of its target
 * group (AWS's "CloudWatch metrics for Amazon VPC Lattice"), keyed by the target group's ID
 * (`tg-...`), and how the AWS Gateway API Controller's tags find that target group.
 */
import { arnResource, HealthMetrics, Located, ResourceLookup, single } from "../../canary/health";

/** Requests, 5xx, connection errors and latency (milliseconds) of a target group. */
export const LATTICE_HEALTH: HealthMetrics = {
    namespace: "AWS/VpcLattice",
    latencyToMs: 1,
    metrics: [
        { signal: "requests", metric: "TotalRequestCount", stat: "Sum", scope: "target", label: "requests" },
        { signal: "target5xx", metric: "HTTPCode_5XX_Count", stat: "Sum", scope: "target", label: "5xx" },
        { signal: "connectionErrors", metric: "ConnectionErrorCount", stat: "Sum", scope: "target", label: "connection errors" },
        { signal: "p50", metric: "RequestTime", stat: "p50", scope: "target", label: "p50 latency (ms)" },
        { signal: "p99", metric: "RequestTime", stat: "p99", scope: "target", label: "p99 latency (ms)" },
    ],
    dimensions: (target) => [{ Name: "TargetGroup", Value: target.targetGroup }],
};

/** `arn:...:targetgroup/tg-...` → `tg-...`. */
export function latticeTargetGroupId(arn: string): string {
    const resource = arnResource(arn);
    return resource.slice(resource.indexOf("/") + 1);
}

/**
 * The target group of Service `service` in HTTPRoute `route`: the controller tags it with
 * `application-networking.k8s.aws/ClusterName`, `ServiceName`, `ServiceNamespace`, `RouteName`
 * and `RouteNamespace`.
 */
export async function findRouteTarget(clusterName: string, namespace: string, route: string, service: string, lookup: ResourceLookup): Promise<Located> {
    const prefix = "application-networking.k8s.aws";
    const group = single(
        await lookup(["vpc-lattice:targetgroup"], {
            [`${prefix}/ClusterName`]: clusterName,
            [`${prefix}/ServiceName`]: service,
            [`${prefix}/ServiceNamespace`]: namespace,
            [`${prefix}/RouteName`]: route,
            [`${prefix}/RouteNamespace`]: namespace,
        }),
        `VPC Lattice target group of ${namespace}/${service} in HTTPRoute ${namespace}/${route}`,
    );
    return "arn" in group ? { target: { targetGroup: latticeTargetGroupId(group.arn) } } : group;
}
