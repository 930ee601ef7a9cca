/**
 * The contract every traffic router implements. A router decides how many pods each version runs
 * and declares the resources that send `weight` percent of a service's requests to its canary;
 * the stack picks one with the `router` config key, and all of them read the same canary config.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { PodDraining } from "../draining";
import type * as pulumi from "@pulumi/pulumi";
import type { OidcProvider } from "../iam";
import type { ReplicaSplit } from "./plan";

/** The routers, by the `router` config value that selects each. */
export const ROUTER_KINDS = ["appmesh", "alb", "lattice", "replicas"] as const;
export type RouterKind = (typeof ROUTER_KINDS)[number];

/** What a router may build on: the cluster, its network and the app namespace. */
export interface RouterEnvironment {
    /** Prefix of the router's AWS-side names (mesh, service network): the cluster name. */
    readonly name: string;
    readonly region: string;
    readonly clusterName: pulumi.Input<string>;
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    /** Security group of the nodes, and so of the pods. */
    readonly nodeSecurityGroupId: pulumi.Input<string>;
    readonly oidcProvider: OidcProvider;
    /** The app namespace (the Namespace resource's name, carrying `namespaceLabels`). */
    readonly namespace: pulumi.Input<string>;
    /** The same namespace as plain text, for IAM trust policies and DNS names. */
    readonly namespaceName: string;
    readonly k8sProvider: k8s.Provider;
    /**
     * Ports the apps reach outside the cluster (the database, SES SMTP): a mesh must let them
     * through untouched.
     */
    readonly externalPorts: readonly number[];
    /** The AWS Load Balancer Controller, which reconciles ALB Ingresses. */
    readonly loadBalancerController: pulumi.Resource;
    readonly tags?: Record<string, string>;
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
    readonly kind: RouterKind;
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

/** Flagger's providers, by the router each drives (Canary `spec.provider`, chart `meshProvider`). */
export const FLAGGER_PROVIDERS = { appmesh: "appmesh:v1beta2", lattice: "gatewayapi:v1" } as const;
export type FlaggerProvider = (typeof FLAGGER_PROVIDERS)[keyof typeof FLAGGER_PROVIDERS];
