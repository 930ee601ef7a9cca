import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ALB_DRAINING, ALB_TARGET_GROUP_ATTRIBUTES } from "../../draining";
import { INGRESS_CLASS } from "../../addons/load-balancer-controller";
import { loadBalancerName } from "../../ingress";
import { PART_OF } from "../../k8s";
import { podsPerVersion, ReplicaSplit, versionWeights } from "../../canary/weights";
import { stickinessApplies } from "../../canary/release-controls";
import { sharedServiceName } from "../../names";
import {
    CanaryServiceSpec,
    NO_PREREQUISITES,
    RoutedWorkloads,
    routedWorkloads,
    RouteEndpoint,
    EksRouterEnvironment,
    TrafficRouter,
    VersionPrerequisites,
    VersionServices,
} from "../contract";

/**
 * Name of the forward action in each canary Ingress: the rule's backend names it, with the port
 * `use-annotation`, and the controller reads `alb.ingress.kubernetes.io/actions.<name>`. One
 * Ingress per service, so one constant name suffices and is always a valid backend name.
 */
export const WEIGHTED_ACTION = "weighted-forward";
/**
 * Name of the forward action of a canary's header match (`canary.match`): v2 only, under the
 * listener rule whose condition (`alb.ingress.kubernetes.io/conditions.<name>`, bound to the
 * rule by this backend name) is the header. Its path comes first in the Ingress, so its rule
 * takes the lower priority number and ALB evaluates it before the weighted one.
 */
export const MATCH_ACTION = "canary-match";
/** The backend port name that makes the controller read the action annotation. */
export const USE_ANNOTATION = "use-annotation";
const PREFIX = "alb.ingress.kubernetes.io";

/** One target group of a forward action: a version's Service and port, and its share. */
export interface WeightedTargetGroup {
    readonly serviceName: string;
    /**
     * A number: the controller reads servicePort as an IntOrString and looks a string up by port
     * *name*, so "8096" would match no port. (The port name "http" would work as well.)
     */
    readonly servicePort: number;
    readonly weight: number;
}

/** The ALB forward action (the controller's "advanced schema": Service targets with weights, and their stickiness). */
export interface WeightedForwardAction {
    readonly type: "forward";
    readonly forwardConfig: {
        readonly targetGroups: readonly WeightedTargetGroup[];
        /** Target group stickiness: the ALB's AWSALBTG cookie brings a client back to the target group it reached. */
        readonly targetGroupStickinessConfig?: { readonly enabled: boolean; readonly durationSeconds?: number };
    };
}

/** A listener rule condition on a header (the controller's `conditions.<name>` annotation): `values` take * and ? as wildcards, `regexValues` regular expressions. */
export interface HeaderCondition {
    readonly field: "http-header";
    readonly httpHeaderConfig: { readonly httpHeaderName: string; readonly values?: readonly string[]; readonly regexValues?: readonly string[] };
}

/** Name of the internal Ingress, and so of the ALB's Kubernetes side, of one service. */
export function canaryIngressName(service: string): string {
    return `${service}-canary`;
}

/**
 * The weighted forward action of one service: v1 gets `100 - weight` percent, v2 `weight`. v2 stays
 * a target group at weight 0 (its pods are registered and health-checked, ready for the next
 * step); without a canary only v1 is listed, at 100.
 */
export function weightedForwardAction(spec: Pick<CanaryServiceSpec, "port" | "weight" | "sticky">, versions: VersionServices): WeightedForwardAction {
    const targetGroups: WeightedTargetGroup[] = versionWeights(spec.weight, versions.stable, versions.canary).map(({ service, weight }) => ({
        serviceName: service,
        servicePort: spec.port,
        weight,
    }));
    // Only while both versions take requests: at 0 a rollback must reach sticky clients too. With
    // two target groups it is stated either way: the controller (v2.17.1) ignores a stickiness the
    // desired action leaves out when it compares actions, so an omitted one would never switch off.
    const sticky = spec.sticky !== undefined && versions.canary !== undefined && stickinessApplies(spec.weight);
    const stickiness = sticky ? { enabled: true, durationSeconds: spec.sticky.seconds } : versions.canary === undefined ? undefined : { enabled: false };
    return { type: "forward", forwardConfig: { targetGroups, ...(stickiness === undefined ? {} : { targetGroupStickinessConfig: stickiness }) } };
}

/** The header match of a canary, as the action (v2 only) and the condition of its listener rule; undefined without a match or a canary. */
export function matchRule(
    spec: Pick<CanaryServiceSpec, "port" | "match">,
    versions: VersionServices,
): { action: WeightedForwardAction; conditions: HeaderCondition[] } | undefined {
    if (spec.match === undefined || versions.canary === undefined) {
        return undefined;
    }
    const values = spec.match.type === "exact" ? { values: [spec.match.value] } : { regexValues: [spec.match.value] };
    return {
        action: { type: "forward", forwardConfig: { targetGroups: [{ serviceName: versions.canary, servicePort: spec.port, weight: 100 }] } },
        conditions: [{ field: "http-header", httpHeaderConfig: { httpHeaderName: spec.match.header, ...values } }],
    };
}

/** The Ingress paths of a service: the header match's rule first (when there is one), then the weighted catch-all. */
export function albRouterPaths(spec: Pick<CanaryServiceSpec, "port" | "match">, versions: VersionServices): k8s.types.input.networking.v1.HTTPIngressPath[] {
    const path = (action: string): k8s.types.input.networking.v1.HTTPIngressPath => ({
        path: "/",
        pathType: "Prefix",
        backend: { service: { name: action, port: { name: USE_ANNOTATION } } },
    });
    // The controller keeps the order of Prefix paths of one length, and numbers the rules in it.
    return [...(matchRule(spec, versions) === undefined ? [] : [path(MATCH_ACTION)]), path(WEIGHTED_ACTION)];
}

/**
 * The annotations of a service's internal ALB: reachable only from the VPC, on the service's own
 * port, pods as IP targets, health-checked on the service's health path, and the weighted action.
 */
export function albRouterAnnotations(
    args: { loadBalancerName: string; vpcCidr: string; tags?: Record<string, string> },
    spec: Pick<CanaryServiceSpec, "port" | "weight" | "healthPath" | "match" | "sticky">,
    versions: VersionServices,
): Record<string, string> {
    const match = matchRule(spec, versions);
    return {
        [`${PREFIX}/load-balancer-name`]: args.loadBalancerName,
        [`${PREFIX}/scheme`]: "internal",
        // Pods are targets directly (the VPC CNI gives them VPC addresses); no NodePort needed.
        [`${PREFIX}/target-type`]: "ip",
        [`${PREFIX}/listen-ports`]: JSON.stringify([{ HTTP: spec.port }]),
        // Only callers inside the VPC; the controller writes this into the ALB's security group.
        [`${PREFIX}/inbound-cidrs`]: args.vpcCidr,
        [`${PREFIX}/healthcheck-protocol`]: "HTTP",
        // The pod's port (target type ip): a named port would not do, the Services' targetPort is named.
        [`${PREFIX}/healthcheck-port`]: "traffic-port",
        [`${PREFIX}/healthcheck-path`]: spec.healthPath,
        [`${PREFIX}/healthcheck-interval-seconds`]: "15",
        [`${PREFIX}/healthcheck-timeout-seconds`]: "5",
        [`${PREFIX}/success-codes`]: "200",
        [`${PREFIX}/healthy-threshold-count`]: "2",
        [`${PREFIX}/unhealthy-threshold-count`]: "2",
        // Shorter than ALB's 300 s default; the pods' preStop sleep outlasts it (../draining.ts).
        [`${PREFIX}/target-group-attributes`]: ALB_TARGET_GROUP_ATTRIBUTES,
        ...(args.tags === undefined || Object.keys(args.tags).length === 0
            ? {}
            : {
                  [`${PREFIX}/tags`]: Object.entries(args.tags)
                      .map(([key, value]) => `${key}=${value}`)
                      .join(","),
              }),
        [`${PREFIX}/actions.${WEIGHTED_ACTION}`]: JSON.stringify(weightedForwardAction(spec, versions)),
        ...(match === undefined
            ? {}
            : { [`${PREFIX}/actions.${MATCH_ACTION}`]: JSON.stringify(match.action), [`${PREFIX}/conditions.${MATCH_ACTION}`]: JSON.stringify(match.conditions) }),
    };
}

/**
 * The `alb` router: each canaried service gets its own internal Application Load Balancer, an
 * Ingress of class `alb` reconciled by the AWS Load Balancer Controller the stack already runs.
 * Its listener rule forwards to two target groups, the v1 and v2 Services' pods, weighted
 * `100 - weight` / `weight` (a header match, when set, is a rule before it forwarding to v2). Callers reach it by the shared name `<service>-clusterip-service`, an
 * ExternalName Service (a DNS CNAME) to the ALB's DNS name.
 *
 * Trade-offs:
 * - Cost: one internal ALB per canaried service, running all the time (hourly plus LCU charges),
 *   where the `replicas` router costs nothing.
 * - An extra hop: caller → ALB → pod, instead of caller → pod through kube-proxy; a little latency,
 *   and the ALB's health checks and idle timeout apply.
 * - Weights are percent-exact and independent of pod counts: each version runs the service's
 *   `replicas` pods (v2 keeps them at weight 0 until the canary block is removed), so a canary
 *   costs up to twice the pods, and a step never scales or restarts anything.
 * - No new controller, sidecar or CRD: only the AWS Load Balancer Controller already in the stack.
 * - Works on AWS today with plain Kubernetes objects; plain HTTP inside the VPC (no TLS on the
 *   internal listener), which is what the services speak.
 * - Blast radius of a step: the Ingress's action annotation, nothing else. The ExternalName reads
 *   the ALB's DNS name, which a change of action does not change.
 * - Known noise: Pulumi's Ingress await looks for a Service named like the rule's backend (the
 *   action) and, not finding one, warns "No matching service found" before it reports the Ingress
 *   ready once the ALB has an address.
 */
export class AlbRouter implements TrafficRouter {
    readonly kind = "alb";
    /** Routed pods and their clients need no identity of their own: the namespace default. */
    readonly podServiceAccountName = undefined;
    readonly podAnnotations: Record<string, string> = {};
    /** The load balancer controller's webhook injects the readiness gate: the stack makes every app pod wait for it. */
    readonly podDependencies: readonly pulumi.Resource[] = [];
    readonly draining = ALB_DRAINING;

    /** Nothing is shared between services (each has its own ALB), so the router declares nothing itself. */
    constructor(private readonly env: EksRouterEnvironment) {}

    /** Both versions run all the service's pods: the ALB, not the pod count, splits the traffic. */
    replicas(spec: CanaryServiceSpec): ReplicaSplit {
        return podsPerVersion(spec.replicas, spec.hasCanary);
    }

    /** Nothing: pods need nothing of the router's before they start. */
    prepareVersions(): VersionPrerequisites {
        return NO_PREREQUISITES;
    }

    route(spec: CanaryServiceSpec, versions: VersionServices, parent: pulumi.Resource, workloads: RoutedWorkloads): RouteEndpoint {
        const k8sOpts = { parent, provider: this.env.k8sProvider };
        const labels = { app: spec.name, ...PART_OF };
        const ingressName = canaryIngressName(spec.name);

        // The only resource a weight change touches. Without a canary the same action lists v1
        // alone, so adding or removing a canary also changes just this Ingress's annotation.
        const ingress = new k8s.networking.v1.Ingress(
            ingressName,
            {
                metadata: {
                    name: ingressName,
                    namespace: spec.namespace,
                    labels,
                    annotations: albRouterAnnotations(
                        {
                            loadBalancerName: loadBalancerName(`${this.env.name}-${spec.name}`),
                            vpcCidr: this.env.vpcCidr,
                            ...(this.env.tags === undefined ? {} : { tags: this.env.tags }),
                        },
                        spec,
                        versions,
                    ),
                },
                spec: {
                    ingressClassName: INGRESS_CLASS,
                    // The weighted action is the listener's default too (the controller builds it
                    // from defaultBackend, annotation actions included), so a request that meets no
                    // rule is split, not answered 404: while the controller renumbers rules (adding
                    // a header match rewrites rule 1 in place and creates rule 2 after it when the
                    // weighted rule changes in the same up), requests without the header reach it.
                    defaultBackend: { service: { name: WEIGHTED_ACTION, port: { name: USE_ANNOTATION } } },
                    rules: [
                        {
                            // No host: callers send the shared Service's name as Host.
                            http: { paths: albRouterPaths(spec, versions) },
                        },
                    ],
                },
            },
            // The controller's webhook must be up before it is asked to admit an Ingress; the
            // weights move only once both versions' pods are Ready.
            { ...k8sOpts, dependsOn: [this.env.loadBalancerController, ...routedWorkloads(workloads)] },
        );

        // The Kubernetes provider reports the Ingress created only once the controller has written
        // the ALB's DNS name into its status, so this is never empty.
        const albHostname = ingress.status.loadBalancer.ingress[0].hostname;
        const shared = new k8s.core.v1.Service(
            `${spec.name}-shared`,
            {
                metadata: { name: sharedServiceName(spec.name), namespace: spec.namespace, labels },
                spec: {
                    type: "ExternalName",
                    externalName: albHostname,
                    // Informational for an ExternalName (DNS only): the ALB listens on the service's port.
                    ports: [{ name: "http", port: spec.port, protocol: "TCP" }],
                },
            },
            k8sOpts,
        );
        return { host: shared.metadata.name, port: spec.port, routing: [ingress] };
    }

    /**
     * Nothing to declare: callers resolve the shared name by cluster DNS (a CNAME to the ALB) and
     * the ALB admits the whole VPC CIDR, pods included; the controller opens the nodes' security
     * group to the ALB. No sidecar, identity or policy is needed on the caller's side.
     */
    client(): readonly pulumi.Resource[] {
        return [];
    }
}
