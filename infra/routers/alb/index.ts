/**
 * The `alb` router plug-in: an internal ALB per canaried service (an Ingress of the AWS Load
 * Balancer Controller the stack already runs) weighs requests between the versions' target groups.
 */
import { sharedServiceName, versionObjectName } from "../../names";
import { RESOURCE_TYPES } from "../../resource-types";
import { clusterServiceUrl, MetricTarget, RouterPlugin, single } from "../plugin";
import { AlbRouter, canaryIngressName } from "./router";
import { forwardActionSplits } from "./splits";

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

/** `arn:...:targetgroup/<name>/<id>` → `targetgroup/<name>/<id>`; `arn:...:loadbalancer/app/<name>/<id>` → `app/<name>/<id>`. */
export function albDimension(arn: string): string {
    const resource = arn.slice(arn.lastIndexOf(":") + 1);
    return resource.startsWith("loadbalancer/") ? resource.slice("loadbalancer/".length) : resource;
}

export const alb: RouterPlugin<"alb"> = {
    kind: "alb",
    splits: "requests",
    flagger: {
        unsupported:
            "Flagger has no provider that shifts weights between the target groups of an ALB Ingress (its nginx, contour, gloo, ... providers drive other ingress controllers)",
    },
    namespaceLabels: () => ({}),
    objectNames: (service) => [canaryIngressName(service)],
    // The Ingress describer of the offline plan shows the forward actions of every Ingress.
    describers: {},
    splitReaders: { [RESOURCE_TYPES.ingress]: forwardActionSplits },
    command: {
        metrics: {
            alsoCounts: "the ALB's own 5xx",
            /**
             * The AWS Load Balancer Controller tags its target groups and load balancers with
             * `elbv2.k8s.aws/cluster`, `ingress.k8s.aws/stack` (`<namespace>/<ingress>`) and
             * `ingress.k8s.aws/resource` (`LoadBalancer`, or `<namespace>/<ingress>-<service>:<port>`).
             */
            async find(service, { clusterName, namespace }, lookup) {
                const canaryService = versionObjectName(service, "v2");
                const ingress = canaryIngressName(service);
                const stackTags = { "elbv2.k8s.aws/cluster": clusterName, "ingress.k8s.aws/stack": `${namespace}/${ingress}` };
                const groups = (await lookup(["elasticloadbalancing:targetgroup"], stackTags)).filter((resource) =>
                    (resource.tags["ingress.k8s.aws/resource"] ?? "").startsWith(`${namespace}/${ingress}-${canaryService}:`),
                );
                const group = single(groups, `target group of ${namespace}/${canaryService} behind Ingress ${namespace}/${ingress}`);
                if (typeof group === "string") {
                    return group;
                }
                const balancer = single(
                    await lookup(["elasticloadbalancing:loadbalancer"], { ...stackTags, "ingress.k8s.aws/resource": "LoadBalancer" }),
                    `load balancer of Ingress ${namespace}/${ingress}`,
                );
                return typeof balancer === "string" ? balancer : albTarget(albDimension(group.arn), albDimension(balancer.arn));
            },
        },
        loadUrl: (service, location) => clusterServiceUrl(sharedServiceName(service.name), service, location),
    },
    create: (env) => new AlbRouter(env),
};
