/**
 * The `appmesh` router: AWS App Mesh splits a service's requests between its versions in the
 * Envoy sidecars of the callers, by weight, whatever the pod counts.
 *
 * AWS discontinued App Mesh on 2026-09-30: its console and resources are no longer accessible,
 * so this router can no longer be deployed. It is kept so that stacks still configured with it
 * plan and explain themselves; the constructor warns, and `alb` or `lattice` are its successors.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as appmesh from "../../crds/appmesh";
import { managedPolicyArn, partitionOf, PolicyDocument, ServiceAccountRole } from "../../iam";
import { CLUSTER_DRAINING } from "../../draining";
import { PART_OF, ROLE_ARN_ANNOTATION } from "../../k8s";
import { appMeshController } from "../../addons/appmesh-controller";
import { podsPerVersion, ReplicaSplit, versionWeights } from "../../canary/weights";
import { clusterHostname, sharedServiceName } from "../../names";
import { appMeshFlaggerRouting } from "./flagger";
import {
    CanaryServiceSpec,
    ClientSpec,
    FlaggerRouting,
    RoutedWorkloads,
    routedWorkloads,
    RouteEndpoint,
    EksRouterEnvironment,
    TrafficRouter,
    VersionPrerequisites,
    VersionServices,
} from "../contract";

/** The service account of the routed pods and their clients: the identity of their Envoy sidecars. */
export const ENVOY_SERVICE_ACCOUNT = "appmesh-envoy";
/** Pod annotation: outbound ports the Envoy sidecar does not intercept. */
export const EGRESS_IGNORED_PORTS = "appmesh.k8s.aws/egressIgnoredPorts";
/** The day AWS discontinued App Mesh. */
export const APPMESH_END_OF_SUPPORT = "2026-09-30";

export const APPMESH_DISCONTINUED_WARNING =
    `router "appmesh": AWS discontinued App Mesh on ${APPMESH_END_OF_SUPPORT}; its console and resources are no longer accessible, ` +
    "so the mesh this stack declares cannot be created or reached. Move to the alb or lattice router: " +
    "`pulumi config set router alb` or `pulumi config set router lattice`.";

/** The listener health check of every virtual node: App Mesh's minimum thresholds and interval. */
const HEALTH_CHECK = { protocol: "http", healthyThreshold: 2, unhealthyThreshold: 2, timeoutMillis: 2000, intervalMillis: 5000 } as const;

/**
 * Labels of a namespace in the mesh `meshName`: the Mesh selects its namespaces by `mesh`, and the
 * controller's webhook injects Envoy into the pods of namespaces with the injector label.
 */
export function appMeshNamespaceLabels(meshName: string): Record<string, string> {
    return { mesh: meshName, "appmesh.k8s.aws/sidecarInjectorWebhook": "enabled" };
}

/**
 * What the Envoy sidecars may do: fetch their configuration (xDS) as virtual nodes of this mesh
 * only. The X-Ray sidecars' permissions come from the AWSXRayDaemonWriteAccess managed policy.
 */
export function envoyPolicy(region: string, meshName: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "StreamConfigurationOfTheMeshVirtualNodes",
                Effect: "Allow",
                Action: "appmesh:StreamAggregatedResources",
                Resource: `arn:${partitionOf(region)}:appmesh:${region}:*:mesh/${meshName}/virtualNode/*`,
            },
        ],
    };
}

/** The weighted targets of a service's route: v1 at 100 - weight, v2 (when it runs) at weight. */
export function weightedTargets(weight: number, versions: VersionServices): appmesh.VirtualRouterSpecRouteActionWeightedTarget[] {
    return versionWeights(weight, versions.stable, versions.canary).map((version) => ({ virtualNodeRef: { name: version.service }, weight: version.weight }));
}

/**
 * The routes of a service's VirtualRouter: the weighted one, and with a header match
 * (`canary.match`) a route before it, at a higher priority (App Mesh takes 0 as the highest),
 * that sends matching requests to v2 alone.
 */
export function virtualRouterRoutes(spec: Pick<CanaryServiceSpec, "weight" | "match">, versions: VersionServices): appmesh.VirtualRouterSpecRoute[] {
    const weighted = { name: "weighted", httpRoute: { match: { prefix: "/" }, action: { weightedTargets: weightedTargets(spec.weight, versions) } } };
    if (spec.match === undefined || versions.canary === undefined) {
        return [weighted];
    }
    const header = { name: spec.match.header, match: spec.match.type === "exact" ? { exact: spec.match.value } : { regex: spec.match.value } };
    return [
        { name: "canary-match", priority: 0, httpRoute: { match: { prefix: "/", headers: [header] }, action: { weightedTargets: weightedTargets(100, versions) } } },
        { ...weighted, priority: 1 },
    ];
}

/**
 * The App Mesh router: the controller (Helm, with its IRSA role), the Mesh over the app
 * namespace, and the Envoy identity; per service, a virtual node per version, a virtual router
 * carrying the weights and a virtual service under the shared name; per client, its virtual node
 * with the routed services as backends.
 *
 * Every version keeps its pods whatever the weight, so a step changes one resource: the
 * VirtualRouter.
 */
export class AppMeshRouter extends pulumi.ComponentResource implements TrafficRouter {
    readonly kind = "appmesh";
    readonly podServiceAccountName: pulumi.Output<string>;
    /** Envoy leaves the apps' calls outside the cluster alone (and an init container's, made before Envoy runs). */
    readonly podAnnotations: Record<string, string>;
    /** The injector (in the controller) and the mesh must exist before a routed pod is created. */
    readonly podDependencies: readonly pulumi.Resource[];
    readonly draining = CLUSTER_DRAINING;
    readonly meshName: string;
    readonly release: k8s.helm.v3.Release;
    readonly mesh: appmesh.Mesh;

    private readonly env: EksRouterEnvironment;
    /** The virtual services declared by `route`, by routed service name, for clients' backends. */
    private readonly virtualServices = new Map<string, appmesh.VirtualService>();
    private readonly virtualNodes = new Map<string, appmesh.VirtualNode[]>();
    /** Flagger routes the automated services: their virtual nodes, routers and services are Flagger's. */
    readonly flagger: FlaggerRouting;

    constructor(name: string, env: EksRouterEnvironment, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:canary:AppMeshRouter", name, {}, opts);
        void pulumi.log.warn(APPMESH_DISCONTINUED_WARNING, this);
        this.env = env;
        this.meshName = env.name;
        this.flagger = appMeshFlaggerRouting(this);
        this.podAnnotations = env.externalPorts.length === 0 ? {} : { [EGRESS_IGNORED_PORTS]: [...env.externalPorts].sort((a, b) => a - b).join(",") };
        const tags = env.tags === undefined ? {} : { tags: env.tags };

        this.release = appMeshController(`${name}-controller`, { region: env.region }, env, this);

        this.mesh = new appmesh.Mesh(
            `${name}-mesh`,
            {
                metadata: { name: this.meshName, labels: PART_OF },
                spec: {
                    namespaceSelector: { matchLabels: { mesh: this.meshName } },
                    // The apps call RDS and SES, outside the mesh.
                    egressFilter: { type: "ALLOW_ALL" },
                },
            },
            { parent: this, provider: env.k8sProvider, dependsOn: [this.release] },
        );

        const envoyRole = new ServiceAccountRole(
            `${name}-envoy-irsa`,
            {
                oidcProvider: env.oidcProvider,
                namespace: env.namespaceName,
                serviceAccount: ENVOY_SERVICE_ACCOUNT,
                policy: envoyPolicy(env.region, this.meshName),
                managedPolicyArns: [managedPolicyArn(env.region, "AWSXRayDaemonWriteAccess")],
                ...tags,
            },
            { parent: this },
        );
        const envoyServiceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-envoy`,
            {
                metadata: {
                    name: ENVOY_SERVICE_ACCOUNT,
                    namespace: env.namespace,
                    labels: PART_OF,
                    annotations: { [ROLE_ARN_ANNOTATION]: envoyRole.roleArn },
                },
            },
            { parent: this, provider: env.k8sProvider },
        );

        this.podServiceAccountName = envoyServiceAccount.metadata.name;
        this.podDependencies = [this.release, this.mesh];
        this.registerOutputs({ meshName: this.meshName, podServiceAccountName: this.podServiceAccountName });
    }

    /** Both versions run all their pods: the weight lives in the VirtualRouter, not in pod counts. */
    replicas(spec: CanaryServiceSpec): ReplicaSplit {
        return podsPerVersion(spec.replicas, spec.hasCanary);
    }

    /**
     * A VirtualNode per version: its pods must be created after it, since the controller's
     * injector refuses a pod that no VirtualNode selects.
     */
    prepareVersions(spec: CanaryServiceSpec, versions: VersionServices, parent: pulumi.Resource): VersionPrerequisites {
        const namespace = this.env.namespaceName;
        const labels = { app: spec.name, ...PART_OF };
        const nodes = [{ version: "v1", serviceName: versions.stable }, ...(versions.canary === undefined ? [] : [{ version: "v2", serviceName: versions.canary }])].map(
            ({ version, serviceName }) =>
                new appmesh.VirtualNode(
                    `${spec.name}-${version}-virtual-node`,
                    {
                        metadata: { name: serviceName, namespace: spec.namespace, labels: { ...labels, version } },
                        spec: {
                            // The pod labels of one version (infra/workload.ts workloadLabels).
                            podSelector: { matchLabels: { app: spec.name, version } },
                            listeners: [listener(spec.port, spec.healthPath)],
                            serviceDiscovery: { dns: { hostname: clusterHostname(serviceName, namespace) } },
                        },
                    },
                    { parent, provider: this.env.k8sProvider, dependsOn: [...this.podDependencies] },
                ),
        );
        this.virtualNodes.set(spec.name, nodes);
        return { v1: nodes.slice(0, 1), v2: nodes.slice(1) };
    }

    route(spec: CanaryServiceSpec, versions: VersionServices, parent: pulumi.Resource, workloads: RoutedWorkloads): RouteEndpoint {
        const namespace = this.env.namespaceName;
        const opts = (dependsOn: pulumi.Resource[] = []): pulumi.CustomResourceOptions => ({
            parent,
            provider: this.env.k8sProvider,
            dependsOn: [...this.podDependencies, ...dependsOn],
        });
        const labels = { app: spec.name, ...PART_OF };
        const nodes = this.virtualNodes.get(spec.name);
        if (nodes === undefined) {
            throw new Error(`service ${spec.name}: the appmesh router routes only versions it prepared (call prepareVersions first)`);
        }

        const routerName = `${spec.name}-router`;
        // The only resource whose inputs depend on the weight.
        const router = new appmesh.VirtualRouter(
            routerName,
            {
                metadata: { name: routerName, namespace: spec.namespace, labels },
                spec: {
                    listeners: [{ portMapping: { port: spec.port, protocol: "http" } }],
                    routes: virtualRouterRoutes(spec, versions),
                },
            },
            // The weights move only once both versions' pods are Ready.
            opts([...nodes, ...routedWorkloads(workloads)]),
        );

        const sharedName = sharedServiceName(spec.name);
        // The name clients call: Envoy routes by the Host header, which must be the virtual
        // service's awsName (a short name would not match), and DNS must resolve it (the Service below).
        const awsName = clusterHostname(sharedName, namespace);
        const virtualService = new appmesh.VirtualService(
            `${spec.name}-virtual-service`,
            {
                metadata: { name: sharedName, namespace: spec.namespace, labels },
                spec: { awsName, provider: { virtualRouter: { virtualRouterRef: { name: routerName } } } },
            },
            opts([router]),
        );
        this.virtualServices.set(spec.name, virtualService);

        // Gives the virtual service its DNS name; Envoy then picks the version by the route.
        const service = new k8s.core.v1.Service(
            `${spec.name}-shared`,
            {
                metadata: { name: sharedName, namespace: spec.namespace, labels },
                spec: {
                    type: "ClusterIP",
                    selector: { app: spec.name },
                    ports: [{ name: "http", port: spec.port, targetPort: "http", protocol: "TCP" }],
                },
            },
            { parent, provider: this.env.k8sProvider },
        );
        return { host: service.metadata.name.apply((name) => clusterHostname(name, namespace)), port: spec.port };
    }

    client(spec: ClientSpec, parent: pulumi.Resource): readonly pulumi.Resource[] {
        const podSelector = Object.fromEntries((["app", "version"] as const).flatMap((key) => (spec.podLabels[key] === undefined ? [] : [[key, spec.podLabels[key]]])));
        if (podSelector.app === undefined) {
            throw new Error(`client ${spec.name}: its pods carry no app label for its virtual node to select`);
        }
        // Flagger's apex virtual service of an automated service is named after the service.
        const automated = new Set(this.env.automatedServices);
        const backends = spec.calls
            .filter((callee) => !automated.has(callee))
            .map((callee) => {
                const virtualService = this.virtualServices.get(callee);
                if (virtualService === undefined) {
                    throw new Error(`client ${spec.name} calls ${callee}, which the appmesh router has not routed (declare the service before its clients)`);
                }
                return virtualService;
            });
        const serviceName = spec.serviceName;
        // The caller's pods are created after it (the injector refuses pods no VirtualNode selects).
        const node = new appmesh.VirtualNode(
            `${spec.name}-virtual-node`,
            {
                metadata: { name: spec.name, namespace: spec.namespace, labels: { ...podSelector, ...PART_OF } },
                spec: {
                    podSelector: { matchLabels: podSelector },
                    listeners: [listener(spec.port, spec.healthPath)],
                    serviceDiscovery: { dns: { hostname: clusterHostname(serviceName, this.env.namespaceName) } },
                    backends: spec.calls.map((callee) => ({
                        virtualService: { virtualServiceRef: { name: automated.has(callee) ? callee : sharedServiceName(callee) } },
                    })),
                },
            },
            { parent, provider: this.env.k8sProvider, dependsOn: [...this.podDependencies, ...backends] },
        );
        return [node];
    }
}

/** An HTTP listener on `port` whose health check asks `healthPath`. */
function listener(port: number, healthPath: string): appmesh.VirtualNodeSpecListener {
    return { portMapping: { port, protocol: "http" }, healthCheck: { ...HEALTH_CHECK, path: healthPath, port } };
}
