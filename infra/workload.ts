import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TracingSettings } from "./addons/tracing";
import type { PodDraining } from "./draining";
import { PART_OF } from "./k8s";
import { versionObjectName } from "./names";

export type Track = "stable" | "canary";
export type Version = "v1" | "v2";

export interface WorkloadArgs {
    namespace: pulumi.Input<string>;
    /** The service this version belongs to, e.g. `notification`: the `app` label. */
    app: string;
    /** `v1` runs the stable track, `v2` the canary. */
    version: Version;
    image: string;
    /** Pods of this version; 0 keeps the Deployment with no pods. */
    replicas: number;
    port: number;
    /** HTTP path answering 200 when the app is ready. */
    healthPath: string;
    resources: { cpu: string; memory: string };
    /** How its pods leave the load balancer or mesh that routes to them. */
    draining: PodDraining;
    /** The name of this version's traces. */
    tracingName: string;
    /** The stack's tracing, whose variables every version gets. */
    tracing: TracingSettings;
    /** Environment beyond the downward-API and tracing variables every version gets. */
    env?: pulumi.Input<k8s.types.input.core.v1.EnvVar>[];
    initContainers?: pulumi.Input<k8s.types.input.core.v1.Container>[];
    /** Name of this version's own Service; `<app>-<version>` by default. */
    serviceName?: string;
    /** Publish the Service on every node at this port (type NodePort); a cluster IP only by default. */
    nodePort?: number;
    /** Keep at most one pod of this version down during voluntary disruptions (node drains). */
    disruptionBudget?: boolean;
    /** Service account of the pods; the namespace default when undefined. */
    serviceAccountName?: pulumi.Input<string>;
    /** Extra pod labels (e.g. a router's), beyond app/version/track. */
    podLabels?: Record<string, string>;
    /** Extra pod annotations (e.g. a router's), beyond the image. */
    podAnnotations?: Record<string, string>;
    /** What the Deployment must be created after (e.g. a sidecar injector that must see its pods). */
    dependsOn?: readonly pulumi.Resource[];
    /**
     * Declares, as children of the workload, what its pods must be created after (e.g. a router's
     * objects for a caller), and returns them.
     */
    beforePods?: (workload: pulumi.Resource) => readonly pulumi.Resource[];
    k8sProvider: k8s.Provider;
}

export const TRACKS: Record<Version, Track> = { v1: "stable", v2: "canary" };

/** The labels of one version's pods: `app` selects the service, `version`/`track` one version. */
export function workloadLabels(app: string, version: Version): { app: string; version: Version; track: Track } {
    return { app, version, track: TRACKS[version] };
}

export { versionObjectName };

/** A CPU limit of four times the request: bursts are allowed, a runaway pod is capped. */
export function cpuLimit(request: string): string {
    const millis = request.endsWith("m") ? Number(request.slice(0, -1)) : Number(request) * 1000;
    if (!Number.isFinite(millis) || millis <= 0) {
        throw new RangeError(`not a CPU quantity: ${request}`);
    }
    return `${Math.round(millis * 4)}m`;
}

/** The variables every version gets: its pod's name and namespace (downward API) and the tracing add-on's. */
export function standardEnv(tracingName: string, tracing: TracingSettings): k8s.types.input.core.v1.EnvVar[] {
    return [
        { name: "MY_POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "MY_POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
        ...tracing.workloadEnv(tracingName),
    ];
}

/** What the app container of a service runs: its image, port, probes, resources and environment. */
export interface AppContainerArgs {
    name: string;
    image: string;
    port: number;
    healthPath: string;
    resources: { cpu: string; memory: string };
    env: pulumi.Input<k8s.types.input.core.v1.EnvVar>[];
    /** Seconds the container keeps serving after it is told to stop (a preStop sleep). */
    preStopSeconds: number;
}

/**
 * The app container, the same for every version and for Flagger's target: one named `http`
 * port, a startup probe that gives slow (JVM) apps 150 s, then readiness on the health path and
 * liveness on the port at their normal pace; requests and limits; no privilege escalation; a
 * preStop sleep (no shell needed in the image) while its target or endpoint is removed.
 */
export function appContainer(args: AppContainerArgs): k8s.types.input.core.v1.Container {
    return {
        name: args.name,
        image: args.image,
        ports: [{ name: "http", containerPort: args.port, protocol: "TCP" }],
        env: args.env,
        resources: {
            requests: { cpu: args.resources.cpu, memory: args.resources.memory },
            limits: { cpu: cpuLimit(args.resources.cpu), memory: args.resources.memory },
        },
        startupProbe: { httpGet: { path: args.healthPath, port: "http" }, periodSeconds: 5, failureThreshold: 30 },
        readinessProbe: { httpGet: { path: args.healthPath, port: "http" }, periodSeconds: 10, failureThreshold: 3 },
        livenessProbe: { tcpSocket: { port: "http" }, periodSeconds: 10, failureThreshold: 3 },
        securityContext: { allowPrivilegeEscalation: false },
        lifecycle: { preStop: { sleep: { seconds: args.preStopSeconds } } },
    };
}

/** Pods of one selector spread across zones, best effort (a zone's loss never blocks scheduling). */
export function zoneSpread(selector: Record<string, string>): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    return [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } }];
}

/** The rollout of every app Deployment: a new pod is ready before an old one goes. */
export const ROLLING_UPDATE = { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } };

export interface AppDeploymentArgs {
    /** The Deployment's name. */
    name: string;
    namespace: pulumi.Input<string>;
    replicas: number;
    /** Labels that select the pods. */
    selector: Record<string, string>;
    /** All labels of the Deployment and its pods (the selector's among them). */
    labels: Record<string, string>;
    podAnnotations?: Record<string, string>;
    serviceAccountName?: pulumi.Input<string>;
    initContainers?: pulumi.Input<k8s.types.input.core.v1.Container>[];
    /** The pods' `terminationGracePeriodSeconds`, beyond the container's preStop sleep. */
    terminationGracePeriodSeconds: number;
    container: AppContainerArgs;
}

/**
 * An app Deployment, the same for every version and for Flagger's target: the app container,
 * zone spreading, a surge-first rollout, and the image as a pod annotation.
 */
export function appDeployment(args: AppDeploymentArgs): k8s.apps.v1.DeploymentArgs {
    return {
        metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
        spec: {
            replicas: args.replicas,
            selector: { matchLabels: args.selector },
            strategy: ROLLING_UPDATE,
            template: {
                metadata: { labels: args.labels, annotations: { ...args.podAnnotations, "eks-canary/image": args.container.image } },
                spec: {
                    terminationGracePeriodSeconds: args.terminationGracePeriodSeconds,
                    ...(args.serviceAccountName === undefined ? {} : { serviceAccountName: args.serviceAccountName }),
                    ...(args.initContainers === undefined ? {} : { initContainers: args.initContainers }),
                    containers: [appContainer(args.container)],
                    topologySpreadConstraints: zoneSpread(args.selector),
                },
            },
        },
    };
}

/**
 * One version of one microservice: its Deployment (labels app/version/track), its own ClusterIP
 * Service, probes, resources, zone spreading and the standard environment.
 */
export class Workload extends pulumi.ComponentResource {
    public readonly deploymentName: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly labels: { app: string; version: Version; track: Track };

    constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:workload:Workload", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.k8sProvider };
        this.labels = workloadLabels(args.app, args.version);
        const podLabels = { ...args.podLabels, ...this.labels, ...PART_OF };
        const objectName = versionObjectName(args.app, args.version);
        const prerequisites = args.beforePods?.(this) ?? [];

        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            appDeployment({
                name: objectName,
                namespace: args.namespace,
                replicas: args.replicas,
                selector: this.labels,
                labels: podLabels,
                podAnnotations: { ...args.podAnnotations, ...args.tracing.podAnnotations },
                ...(args.serviceAccountName === undefined ? {} : { serviceAccountName: args.serviceAccountName }),
                ...(args.initContainers === undefined ? {} : { initContainers: args.initContainers }),
                terminationGracePeriodSeconds: args.draining.terminationGracePeriodSeconds,
                container: {
                    name: args.app,
                    image: args.image,
                    port: args.port,
                    healthPath: args.healthPath,
                    resources: args.resources,
                    env: [...standardEnv(args.tracingName, args.tracing), ...(args.env ?? [])],
                    preStopSeconds: args.draining.preStopSeconds,
                },
            }),
            { ...k8sOpts, dependsOn: [...(args.dependsOn ?? []), ...prerequisites] },
        );

        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: args.serviceName ?? objectName, namespace: args.namespace, labels: podLabels },
                spec: {
                    type: args.nodePort === undefined ? "ClusterIP" : "NodePort",
                    selector: this.labels,
                    ports: [{ name: "http", port: args.port, targetPort: "http", protocol: "TCP", ...(args.nodePort === undefined ? {} : { nodePort: args.nodePort }) }],
                },
            },
            k8sOpts,
        );

        if (args.disruptionBudget === true) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb`,
                { metadata: { name: objectName, namespace: args.namespace, labels: podLabels }, spec: { maxUnavailable: 1, selector: { matchLabels: this.labels } } },
                k8sOpts,
            );
        }

        this.deploymentName = deployment.metadata.name;
        this.serviceName = service.metadata.name;
        this.registerOutputs({ deploymentName: this.deploymentName, serviceName: this.serviceName });
    }
}
