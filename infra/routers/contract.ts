/**
 * The contract every traffic router implements. A router decides how many pods each version runs
 * and declares the resources that send `weight` percent of a service's requests to its canary;
 * the stack picks one with the `router` config key, and all of them read the same canary config.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { PodDraining } from "../draining";
import type * as pulumi from "@pulumi/pulumi";
import type { OidcProvider } from "../iam";
import type { ReplicaSplit } from "../canary/weights";
import type { HeaderMatch, Stickiness } from "../canary/release-controls";
import type { CanarySpecService } from "../crds/flagger";

/** What a router builds on in AWS: the EKS cluster and its network (a stack on an existing cluster has none). */
export interface AwsEnvironment {
    readonly region: string;
    readonly clusterName: pulumi.Input<string>;
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    /** Security group of the nodes, and so of the pods. */
    readonly nodeSecurityGroupId: pulumi.Input<string>;
    readonly oidcProvider: OidcProvider;
    /** The AWS Load Balancer Controller, which reconciles ALB Ingresses. */
    readonly loadBalancerController: pulumi.Resource;
}

/** What a router may build on: the cluster, the app namespace and, on EKS, AWS. */
export interface RouterEnvironment {
    /** Prefix of the router's names (mesh, service network): the cluster name. */
    readonly name: string;
    /** The app namespace (the Namespace resource's name, carrying the plugin's `namespaceLabels`). */
    readonly namespace: pulumi.Input<string>;
    /** The same namespace as plain text, for IAM trust policies and DNS names. */
    readonly namespaceName: string;
    readonly k8sProvider: k8s.Provider;
    /**
     * Ports the apps reach outside the cluster (the database, SES SMTP): a mesh must let them
     * through untouched.
     */
    readonly externalPorts: readonly number[];
    /**
     * The services Flagger routes (automated mode): a router declares no routes for them, and
     * their callers reach Flagger's routes instead. Known up front, so no call order matters.
     */
    readonly automatedServices: readonly string[];
    /**
     * Whether a router that routes by the Gateway API installs its CRDs (`install`: the stack owns
     * them; on EKS always) or finds them in the cluster (`present`: an existing cluster's own).
     */
    readonly gatewayApiCrds: "install" | "present";
    /** AWS, when the stack runs on EKS; undefined on an existing cluster (`cluster.kind: existing`). */
    readonly aws: AwsEnvironment | undefined;
    readonly tags?: Record<string, string>;
}

/** The environment of a router that runs only on EKS, with AWS's part at hand. */
export type EksRouterEnvironment = Omit<RouterEnvironment, "aws"> & AwsEnvironment;

/** The EKS environment of router `kind`; throws on an existing cluster (config refuses the router there first). */
export function eksEnvironment(env: RouterEnvironment, kind: string): EksRouterEnvironment {
    if (env.aws === undefined) {
        throw new Error(`router ${kind} runs only on EKS (cluster.kind eks): it needs AWS, and this stack's cluster is an existing one`);
    }
    return { ...env, ...env.aws };
}

/** One canaried service, as the router sees it. */
export interface CanaryServiceSpec {
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    readonly port: number;
    /** HTTP path answering 200 when a version is ready (for health checks the router runs). */
    readonly healthPath: string;
    /** The service's `replicas` setting (see ServiceConfig.replicas). */
    readonly replicas: number;
    /** Percent of requests for the canary; 0 when the service has no canary. */
    readonly weight: number;
    readonly hasCanary: boolean;
    /** Requests carrying this header go to v2 whatever the weight (a canary's `match`; the config admits it only where the router's traits do). */
    readonly match?: HeaderMatch;
    /** How long a client stays on the version it reached (a canary's `sticky`, likewise). */
    readonly sticky?: Stickiness;
}

/** The versions a router routes between: each version's own Service name. */
export interface VersionServices {
    readonly stable: string;
    readonly canary?: string;
}

/** Where clients of a routed service send requests. */
export interface RouteEndpoint {
    /** Host name that resolves inside the cluster. */
    readonly host: pulumi.Output<string>;
    readonly port: number;
    /** The routing resources the router's controller turns into what its health metrics are keyed by (a router with health). */
    readonly routing?: readonly pulumi.CustomResource[];
}

/** A workload that calls routed services (the user-management app calls notification). */
export interface ClientSpec {
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    readonly port: number;
    readonly healthPath: string;
    /** Labels of the client's pods. */
    readonly podLabels: Record<string, string>;
    /** The client's own Service (its DNS name inside the cluster). */
    readonly serviceName: string;
    /** Names of the routed services it calls. */
    readonly calls: readonly string[];
}

/** What each version's pods must be created after (App Mesh: the version's VirtualNode). */
export interface VersionPrerequisites {
    readonly v1: readonly pulumi.Resource[];
    readonly v2: readonly pulumi.Resource[];
}

export const NO_PREREQUISITES: VersionPrerequisites = { v1: [], v2: [] };

/**
 * The workloads a route sends requests to. The routing resource is declared after them, so that a
 * weight moves only once the pods it moves to are Ready (and a new image has rolled out).
 */
export interface RoutedWorkloads {
    readonly stable: pulumi.Resource;
    readonly canary?: pulumi.Resource;
}

export function routedWorkloads(workloads: RoutedWorkloads): pulumi.Resource[] {
    return [workloads.stable, ...(workloads.canary === undefined ? [] : [workloads.canary])];
}

export interface TrafficRouter {
    /** The `router` config value that selects this router. */
    readonly kind: string;
    /** How Flagger drives this router; undefined when it cannot (the plugin's `flagger` says why). */
    readonly flagger?: FlaggerRouting;
    /** Service account the routed pods and their clients run as; undefined: the namespace default. */
    readonly podServiceAccountName: pulumi.Input<string> | undefined;
    /** Annotations on routed pods and their clients (e.g. what a sidecar must not intercept). */
    readonly podAnnotations: Record<string, string>;
    /**
     * What routed pods must be created after (e.g. a sidecar injector, or the controller whose
     * webhook injects their readiness gate).
     */
    readonly podDependencies: readonly pulumi.Resource[];
    /** How routed pods leave the router's targets without dropping requests. */
    readonly draining: PodDraining;
    /** Pods of each version for the service at its weight. */
    replicas(spec: CanaryServiceSpec): ReplicaSplit;
    /** Declares what the versions' pods need before they start, as children of `parent`. */
    prepareVersions(spec: CanaryServiceSpec, versions: VersionServices, parent: pulumi.Resource): VersionPrerequisites;
    /** Declares the routing resources of one service, as children of `parent`, after `workloads`. */
    route(spec: CanaryServiceSpec, versions: VersionServices, parent: pulumi.Resource, workloads: RoutedWorkloads): RouteEndpoint;
    /**
     * Declares what a caller of routed services needs, as children of `parent`; returns what the
     * caller's pods must be created after.
     */
    client(spec: ClientSpec, parent: pulumi.Resource): readonly pulumi.Resource[];
}

/** What the Flagger add-on installs for a router: its chart values and what Canaries wait for. */
export interface FlaggerInstallation {
    /** The chart's `metricsServer`: the Prometheus the builtin checks query, or "none". */
    readonly metricsServer: string;
    /** Created before Flagger's chart (e.g. the metrics server). */
    readonly before: readonly pulumi.Resource[];
    /** Annotations of Flagger's service account (an IRSA role for the metric source). */
    readonly serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
    /** Values of the load tester's chart. */
    readonly loadTesterValues: Record<string, unknown>;
    /** Values of Flagger's chart besides its provider and metrics server (e.g. a mesh's access policy). */
    readonly flaggerValues?: Record<string, unknown>;
}

/** What the Flagger add-on tells a router's Flagger routing: the cluster it installs into, and more. */
export interface FlaggerContext {
    /** The add-on component: the parent of what `install` declares. */
    readonly parent: pulumi.Resource;
    /** The prefix of the names of what `install` declares. */
    readonly name: string;
    readonly k8sProvider: k8s.Provider;
    /** AWS, on EKS (an IRSA role's OIDC provider, the region of CloudWatch); undefined on an existing cluster. */
    readonly aws: { readonly region: string; readonly oidcProvider: OidcProvider } | undefined;
    readonly tags?: Record<string, string>;
    readonly namespace: pulumi.Input<string>;
    readonly namespaceName: string;
    /** The automated services. */
    readonly services: readonly string[];
    /** Flagger's own service account (an IRSA role's subject). */
    readonly serviceAccount: { readonly namespace: string; readonly name: string };
}

/** One automated service, as a router's Flagger routing sees it. */
export interface FlaggedService {
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    readonly port: number;
    readonly healthPath: string;
    /** The CloudWatch target group of the canary Service, when the router's metrics are keyed by one. */
    readonly targetGroup?: string;
}

/**
 * The names that select Flagger's builtin checks over its metrics server. Flagger picks the
 * builtin by the name alone and runs it even beside a `templateRef` (both must pass), so a metric
 * read through a MetricTemplate must take a name of its own (FLAGGER_TEMPLATE_METRICS).
 */
export const FLAGGER_BUILTIN_METRICS = { successRate: "request-success-rate", duration: "request-duration" } as const;
/** The names of the two checks a router reads through its MetricTemplates (as Flagger's Linkerd tutorial names them). */
export const FLAGGER_TEMPLATE_METRICS = { successRate: "success-rate", duration: "latency" } as const;

/** A Flagger canary metric (Canary `spec.analysis.metrics[]`) before its thresholds are set. */
export type FlaggerMetric =
    /** Flagger's builtin check over the metrics server. */
    | { readonly name: (typeof FLAGGER_BUILTIN_METRICS)[keyof typeof FLAGGER_BUILTIN_METRICS]; readonly templateRef?: never; readonly templateVariables?: never }
    /** A MetricTemplate and its variables. */
    | {
          readonly name: (typeof FLAGGER_TEMPLATE_METRICS)[keyof typeof FLAGGER_TEMPLATE_METRICS];
          readonly templateRef: { readonly name: string };
          readonly templateVariables?: Record<string, string>;
      };

/** How one automated service is routed by Flagger through this router. */
export interface FlaggerServiceRouting {
    /** Where the service's callers send requests. */
    readonly endpoint: RouteEndpoint;
    /** The Canary's `spec.service`. */
    readonly service: CanarySpecService;
    /** The URL the load test sends requests to (through the router, so its metrics count them). */
    readonly loadTestUrl: string;
    /** What the Canary waits for besides the add-on (e.g. health-check policies). */
    readonly dependencies: readonly pulumi.Resource[];
}

/** The router's side of automated analysis: Flagger's provider, metric source and routes. */
export interface FlaggerRouting {
    /** Canary `spec.provider`, chart `meshProvider`. */
    readonly provider: FlaggerProvider;
    /** Declares the metric source (as children of `context.parent`) and returns the chart settings. */
    install(context: FlaggerContext): FlaggerInstallation;
    /** Declares what Canaries read their metrics through (MetricTemplates), after `after`. */
    templates(context: FlaggerContext, after: readonly pulumi.Resource[]): pulumi.Resource[];
    /** The Canary's two metrics. */
    metrics(service: FlaggedService): readonly [FlaggerMetric, FlaggerMetric];
    /** Declares what one service needs (as children of `parent`) and says how it is routed. */
    route(service: FlaggedService, parent: pulumi.Resource, context: FlaggerContext): FlaggerServiceRouting;
}

/** Flagger's providers (Canary `spec.provider`, chart `meshProvider`) of the routers it drives. */
export type FlaggerProvider = "appmesh:v1beta2" | "gatewayapi:v1";
