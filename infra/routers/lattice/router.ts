import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gatewayapi, lattice } from "../../crds";
import { ExternalDns } from "../../addons/external-dns";
import { PART_OF } from "../../k8s";
import { LATTICE_DRAINING } from "../../draining";
import { gatewayController, LATTICE_CONTROLLER_NAME } from "../../addons/gateway-controller";
import { GATEWAY_API_CRDS } from "../../versions";
import { podsPerVersion, ReplicaSplit, versionWeights } from "../../canary/weights";
import { latticeFlaggerRouting } from "./flagger";
import { LATTICE_LISTENER, LATTICE_READINESS_GATE_LABEL, latticeHostname, latticeZoneName } from "./names";
import { httpRouteRules } from "../httproute";
import {
    CanaryServiceSpec,
    FlaggerRouting,
    NO_PREREQUISITES,
    RoutedWorkloads,
    routedWorkloads,
    RouteEndpoint,
    EksRouterEnvironment,
    TrafficRouter,
    VersionPrerequisites,
    VersionServices,
} from "../contract";

export const LATTICE_GATEWAY_CLASS = "amazon-vpc-lattice";
export { LATTICE_LISTENER, LATTICE_READINESS_GATE_LABEL, latticeHostname, latticeZoneName };

/** The HTTPRoute backends for a weight: v1 gets 100 - weight, v2 weight; v1 alone at 100 without a canary. */
export function latticeBackendRefs(versions: VersionServices, port: number, weight: number): gatewayapi.HTTPRouteSpecRuleBackendRef[] {
    return versionWeights(weight, versions.stable, versions.canary).map((version) => ({ name: version.service, kind: "Service", port, weight: version.weight }));
}

/**
 * The `lattice` router: Gateway API on Amazon VPC Lattice. The AWS Gateway API Controller turns
 * the Gateway into the service network of the same name (declared here, associated with the
 * cluster VPC) and each service's HTTPRoute into a VPC Lattice service whose listener forwards to
 * two target groups, the pods of v1 and v2, by the route's backend weights. The weight is a
 * request split independent of pod counts: each version keeps all its pods, and moving the weight
 * changes one object, the HTTPRoute.
 *
 * Clients call `<service>.<cluster>.internal:80`: the HTTPRoute's hostname becomes the VPC
 * Lattice service's custom domain name, the controller writes a DNSEndpoint for it, and an
 * ExternalDNS instance limited to a private Route53 zone of the VPC turns that into a CNAME to
 * the name VPC Lattice generated.
 *
 * Trade-offs:
 * - Managed by AWS: no sidecar and no proxy in the cluster; traffic leaves the node for the VPC
 *   Lattice data plane (link-local addresses from the `vpc-lattice` managed prefix list, which the
 *   node security group must admit).
 * - Cost: VPC Lattice bills every service per hour, per GB processed and per request, on top of
 *   the cluster; a service per routed microservice, whether or not a canary runs.
 * - A service's custom domain name is fixed when VPC Lattice creates the service: changing the
 *   hostname (the zone, the stack name) replaces the VPC Lattice service; a second hostname is
 *   ignored (only the first is used).
 * - One more controller to run, upgrade and give IAM rights (`vpc-lattice:*` on `*`), plus the
 *   Gateway API CRDs and a second ExternalDNS instance.
 * - Auth type NONE: any client in an associated VPC may call the services; IAM auth policies
 *   would need SigV4-signing clients, which the seed app is not.
 */
export class LatticeRouter extends pulumi.ComponentResource implements TrafficRouter {
    readonly kind = "lattice";
    readonly podServiceAccountName = undefined;
    readonly podAnnotations: Record<string, string> = {};
    /**
     * The controller: its webhook (failure policy Fail) admits every pod of a namespace labelled
     * for readiness gates, and injects the gate that keeps a pod unready until it is a healthy
     * VPC Lattice target.
     */
    readonly podDependencies: readonly pulumi.Resource[];
    readonly draining = LATTICE_DRAINING;
    /** Name of the Gateway and of its VPC Lattice service network. */
    public readonly gatewayName: string;
    /** The private zone holding the services' custom domain names. */
    public readonly zoneName: string;
    /** Flagger writes the automated services' HTTPRoutes on the Gateway. */
    readonly flagger: FlaggerRouting;

    private readonly env: EksRouterEnvironment;
    private readonly gateway: gatewayapi.Gateway;
    /** What every HTTPRoute waits for: the CRDs, the controller and the Gateway. */
    private readonly routeDependencies: pulumi.Resource[];
    private readonly controller: k8s.helm.v3.Release;

    constructor(name: string, env: EksRouterEnvironment, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:canary:LatticeRouter", name, {}, opts);
        this.env = env;
        this.gatewayName = env.name;
        this.zoneName = latticeZoneName(env.name);
        this.flagger = latticeFlaggerRouting(this);
        const k8sOpts = { parent: this, provider: env.k8sProvider };
        const tags = env.tags;

        // Gateway API CRDs (standard channel). Offline this is one remote component; nothing is fetched.
        const crds = new k8s.yaml.v2.ConfigFile(`${name}-gateway-api-crds`, { file: GATEWAY_API_CRDS.url }, k8sOpts);

        // The service network and its association with the cluster VPC. The association's security
        // group (the nodes') filters what enters the network from the VPC: the node group admits
        // itself, so pods may call the services.
        const serviceNetwork = new aws.vpclattice.ServiceNetwork(`${name}-service-network`, { name: env.name, authType: "NONE", tags }, { parent: this });
        const association = new aws.vpclattice.ServiceNetworkVpcAssociation(
            `${name}-vpc-association`,
            { serviceNetworkIdentifier: serviceNetwork.id, vpcIdentifier: env.vpcId, securityGroupIds: [env.nodeSecurityGroupId], tags },
            { parent: this },
        );

        // VPC Lattice reaches the targets (pods) from the addresses of its managed prefix list: the
        // node security group admits them, all traffic, as the controller's deploy guide says. The
        // VPC is IPv4-only, so the IPv6 list (com.amazonaws.<region>.ipv6.vpc-lattice) is not added.
        const prefixList = aws.ec2.getManagedPrefixListOutput({ name: `com.amazonaws.${env.region}.vpc-lattice` }, { parent: this });
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-prefix-list-ingress`,
            {
                securityGroupId: env.nodeSecurityGroupId,
                prefixListId: prefixList.id,
                ipProtocol: "-1",
                description: "VPC Lattice to the pods (targets and health checks)",
                tags,
            },
            { parent: this },
        );

        // The private zone of the custom domain names, and an ExternalDNS that writes only there,
        // only from DNSEndpoints (the controller maintains one per HTTPRoute hostname). Its TXT
        // ownership records take a prefix: a CNAME cannot share its name with another record.
        const zone = new aws.route53.Zone(
            `${name}-zone`,
            {
                name: this.zoneName,
                comment: `VPC Lattice custom domain names of ${env.name}`,
                vpcs: [{ vpcId: env.vpcId, vpcRegion: env.region }],
                // Its records are ExternalDNS's, which may be gone before it cleans up on destroy.
                forceDestroy: true,
                tags,
            },
            { parent: this },
        );
        const dns = new ExternalDns(
            `${name}-dns`,
            {
                region: env.region,
                hostedZoneId: zone.zoneId,
                domain: this.zoneName,
                ownerId: `${env.name}-lattice`,
                releaseName: "external-dns-lattice",
                serviceAccount: "external-dns-lattice",
                sources: ["crd"],
                zoneType: "private",
                txtPrefix: "txt.",
                extraArgs: ["--crd-source-apiversion=externaldns.k8s.io/v1alpha1", "--crd-source-kind=DNSEndpoint"],
                oidcProvider: env.oidcProvider,
                k8sProvider: env.k8sProvider,
                ...(tags === undefined ? {} : { tags }),
            },
            { parent: this },
        );

        // It watches Gateway API objects and looks for the DNSEndpoint CRD when it starts.
        this.controller = gatewayController(`${name}-controller`, { region: env.region, vpcId: env.vpcId, clusterName: env.clusterName, dependsOn: [crds, dns] }, env, this);
        this.podDependencies = [this.controller];

        const gatewayClass = new gatewayapi.GatewayClass(
            `${name}-gateway-class`,
            { metadata: { name: LATTICE_GATEWAY_CLASS, labels: PART_OF }, spec: { controllerName: LATTICE_CONTROLLER_NAME } },
            { ...k8sOpts, dependsOn: [crds] },
        );

        // Named like the service network: the controller maps a Gateway to the network of its name.
        this.gateway = new gatewayapi.Gateway(
            `${name}-gateway`,
            {
                metadata: { name: this.gatewayName, namespace: env.namespace, labels: PART_OF },
                spec: {
                    gatewayClassName: LATTICE_GATEWAY_CLASS,
                    listeners: [{ name: LATTICE_LISTENER.name, protocol: "HTTP", port: LATTICE_LISTENER.port }],
                },
            },
            { ...k8sOpts, dependsOn: [crds, gatewayClass, this.controller, serviceNetwork, association] },
        );
        this.routeDependencies = [crds, this.controller, this.gateway];
        this.registerOutputs({ gatewayName: this.gatewayName, zoneName: this.zoneName });
    }

    /** Each version runs all the service's pods (the canary none without a canary block): the weight splits requests, not pods. */
    replicas(spec: CanaryServiceSpec): ReplicaSplit {
        return podsPerVersion(spec.replicas, spec.hasCanary);
    }

    /** Nothing: pods need nothing of the router's before they start. */
    prepareVersions(): VersionPrerequisites {
        return NO_PREREQUISITES;
    }

    /**
     * A TargetGroupPolicy: VPC Lattice health-checks the pods behind the Service `serviceName` on
     * `healthPath` (the target group of a Service the program or Flagger declares).
     */
    healthCheck(resourceName: string, serviceName: string, namespace: pulumi.Input<string>, healthPath: string, opts: pulumi.CustomResourceOptions): lattice.TargetGroupPolicy {
        return new lattice.TargetGroupPolicy(
            resourceName,
            {
                metadata: { name: serviceName, namespace, labels: PART_OF },
                spec: {
                    targetRef: { group: "", kind: "Service", name: serviceName },
                    healthCheck: { enabled: true, path: healthPath, statusMatch: "200" },
                },
            },
            opts,
        );
    }

    /**
     * The service's HTTPRoute (its weights are the only input a weight change touches) and, per
     * version, a TargetGroupPolicy that health-checks the pods on the service's health path.
     */
    route(spec: CanaryServiceSpec, versions: VersionServices, parent: pulumi.Resource, workloads: RoutedWorkloads): RouteEndpoint {
        const k8sOpts = { parent, provider: this.env.k8sProvider };
        const hostname = latticeHostname(spec.name, this.zoneName);
        // Its CRD comes with the controller chart.
        const policies = [versions.stable, ...(versions.canary === undefined ? [] : [versions.canary])].map((service) =>
            this.healthCheck(`${service}-target-group-policy`, service, spec.namespace, spec.healthPath, { ...k8sOpts, dependsOn: [this.controller] }),
        );
        const route = new gatewayapi.HTTPRoute(
            spec.name,
            {
                metadata: { name: spec.name, namespace: spec.namespace, labels: { app: spec.name, ...PART_OF } },
                spec: {
                    parentRefs: [{ name: this.gatewayName, namespace: this.env.namespaceName, sectionName: LATTICE_LISTENER.name }],
                    // The VPC Lattice service's custom domain name (only the first hostname counts).
                    hostnames: [hostname],
                    rules: httpRouteRules(spec, versions, (weight) => latticeBackendRefs(versions, spec.port, weight)),
                },
            },
            // The weights move only once both versions' pods are Ready.
            { ...k8sOpts, dependsOn: [...this.routeDependencies, ...policies, ...routedWorkloads(workloads)] },
        );
        return { host: pulumi.output(hostname), port: LATTICE_LISTENER.port, routing: [route] };
    }

    /** Nothing: the service network's auth type is NONE, so callers need no identity or signing. */
    client(): readonly pulumi.Resource[] {
        return [];
    }
}
