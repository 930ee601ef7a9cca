/**
 * What an ALB the AWS Load Balancer Controller creates says of a version's health (pure), and how
 * its target groups and load balancers are found: the controller tags each with
 * `elbv2.k8s.aws/cluster`, `ingress.k8s.aws/stack` (`<namespace>/<ingress>` for an Ingress outside
 * a group) and `ingress.k8s.aws/resource` (`LoadBalancer`, or `<namespace>/<ingress>-<service>:<port>`
 * for a target group: the controller's model builder, v2.17.1).
 */
import { arnResource, HealthMetrics, Located, ResourceLookup, single } from "../../canary/health";

/**
 * `AWS/ApplicationELB`, per target group behind its load balancer: requests, the targets' 5xx,
 * connection errors, latency (seconds) and healthy targets; per load balancer: its requests and
 * the 5xx it answers itself (502/503/504 when targets crash or hang). Dimension values are the ARNs'
 * resource suffixes (`targetgroup/<name>/<id>`, `app/<name>/<id>`).
 */
export const ALB_HEALTH: HealthMetrics = {
    namespace: "AWS/ApplicationELB",
    latencyToMs: 1000,
    metrics: [
        { signal: "requests", metric: "RequestCount", stat: "Sum", scope: "target", label: "requests" },
        { signal: "target5xx", metric: "HTTPCode_Target_5XX_Count", stat: "Sum", scope: "target", label: "target 5xx" },
        { signal: "connectionErrors", metric: "TargetConnectionErrorCount", stat: "Sum", scope: "target", label: "connection errors" },
        { signal: "p50", metric: "TargetResponseTime", stat: "p50", scope: "target", label: "p50 latency (s)" },
        { signal: "p99", metric: "TargetResponseTime", stat: "p99", scope: "target", label: "p99 latency (s)" },
        { signal: "healthyTargets", metric: "HealthyHostCount", stat: "Minimum", scope: "target", label: "healthy targets" },
        { signal: "lbRequests", metric: "RequestCount", stat: "Sum", scope: "loadBalancer", label: "load balancer requests" },
        { signal: "elb5xx", metric: "HTTPCode_ELB_5XX_Count", stat: "Sum", scope: "loadBalancer", label: "load balancer 5xx" },
    ],
    dimensions: (target, scope) => {
        const loadBalancer = { Name: "LoadBalancer", Value: target.loadBalancer ?? "" };
        return scope === "loadBalancer" ? [loadBalancer] : [{ Name: "TargetGroup", Value: target.targetGroup }, loadBalancer];
    },
};

/** `arn:...:targetgroup/<name>/<id>` → `targetgroup/<name>/<id>`; `arn:...:loadbalancer/app/<name>/<id>` → `app/<name>/<id>`. */
export function albDimension(arn: string): string {
    const resource = arnResource(arn);
    return resource.startsWith("loadbalancer/") ? resource.slice("loadbalancer/".length) : resource;
}

/** Where an Ingress's backend is: an Ingress outside an IngressGroup, and one Service and port it forwards to. */
export interface IngressBackend {
    readonly clusterName: string;
    readonly namespace: string;
    readonly ingress: string;
    readonly service: string;
    readonly port: number;
}

/** The ALB dimensions of a Service behind an Ingress: its target group's and the load balancer's, found by the controller's tags. */
export async function findIngressTarget(backend: IngressBackend, lookup: ResourceLookup): Promise<Located> {
    const { clusterName, namespace, ingress, service, port } = backend;
    const stackTags = { "elbv2.k8s.aws/cluster": clusterName, "ingress.k8s.aws/stack": `${namespace}/${ingress}` };
    const group = single(
        await lookup(["elasticloadbalancing:targetgroup"], { ...stackTags, "ingress.k8s.aws/resource": `${namespace}/${ingress}-${service}:${port}` }),
        `target group of ${namespace}/${service}:${port} behind Ingress ${namespace}/${ingress}`,
    );
    if (!("arn" in group)) {
        return group;
    }
    const balancer = single(
        await lookup(["elasticloadbalancing:loadbalancer"], { ...stackTags, "ingress.k8s.aws/resource": "LoadBalancer" }),
        `load balancer of Ingress ${namespace}/${ingress}`,
    );
    if (!("arn" in balancer)) {
        return balancer;
    }
    return { target: { targetGroup: albDimension(group.arn), loadBalancer: albDimension(balancer.arn) } };
}
