/**
 * What a router plug-in declares besides its routing: its traits, read by the config parser, the
 * Flagger add-on, the canary command, the offline plan and the policy pack, so that none of them
 * names a router. Each router is a folder of `infra/routers/` whose `index.ts` exports one
 * RouterPlugin; `registry.ts` lists them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { clusterHostname } from "../names";
import type { ClusterKind } from "../targets";
import type { HealthMetrics, Located, ResourceLookup } from "../canary/health";
import type { HeaderMatch, HeaderMatchType } from "../canary/release-controls";
import type { PrometheusHealthMetrics } from "../canary/prometheus-health";
import type { FlaggerProvider, RouterEnvironment, TrafficRouter } from "./contract";

/** The few inputs of a declared resource that matter, as short lines of the offline plan. */
export type Describer = (inputs: Record<string, unknown>) => string[];

/** One weighted target of a routing resource. */
export interface WeightedTarget {
    readonly name: string;
    readonly weight: unknown;
}

/** The targets of one route or action of a routing resource, as the policy pack checks them. */
export interface DeclaredSplit {
    readonly label: string;
    /**
     * A rule that sends matching requests (`canary.match`) to one version whatever the weight: its
     * weights are checked, but it is not a step of the schedule.
     */
    readonly pinned?: boolean;
    readonly targets: WeightedTarget[];
}

/** Reads the weighted splits a routing resource declares, from its (untyped) properties. */
export type SplitReader = (props: Record<string, unknown>) => DeclaredSplit[];

export type { Located, MetricQuerySpec, MetricTarget, ResourceLookup, TaggedResource, VersionTarget } from "../canary/health";

/** Where the canary runs, from the stack outputs. */
export interface CanaryLocation {
    readonly clusterName: string;
    readonly namespace: string;
}

/** A service, as the canary command knows it from config. */
export interface CommandService {
    readonly name: string;
    readonly port: number;
    readonly healthPath: string;
}

/** Something a router cannot do, and why (the message names what to do instead). */
export interface Unsupported {
    readonly unsupported: string;
}

/**
 * What a router's routing resource can do besides the weight (`canary.match`, `canary.sticky`),
 * or why it cannot; the config refuses what it cannot, naming the router.
 */
export interface ReleaseControls {
    readonly match:
        | {
              /** The match types its routing resource expresses. */
              readonly types: readonly HeaderMatchType[];
              /** Why it cannot express this match, when it cannot (e.g. a character its exact match reads as a wildcard). */
              problem?(match: HeaderMatch): string | undefined;
          }
        | Unsupported;
    readonly sticky: { readonly maxSeconds: number } | Unsupported;
}

/** A version of a canaried service. */
export type Version = "v1" | "v2";

/**
 * What a router's CloudWatch metrics say of each version (infra/canary/health.ts): read by the
 * canary command's gates, the dashboards, the alarms and Flagger's MetricTemplates alike.
 */
export interface RouterHealth {
    readonly metrics: HealthMetrics;
    /** Failures counted besides the version's own 5xx and connection errors, for the walk's description. */
    readonly alsoCounts?: string;
    /** Where a version's metrics are, found by the tags the router's controller puts on what it creates. */
    find(service: CommandService, version: Version, location: CanaryLocation, lookup: ResourceLookup): Promise<Located>;
}

export interface RouterPlugin<Kind extends string = string> {
    /** The `router` config value that selects this router. */
    readonly kind: Kind;
    /**
     * How the router carries the weight: `requests`, a routing resource weighs each request;
     * `pods`, the weight is the canary's share of the pods (so the pod total must express it).
     */
    readonly splits: "requests" | "pods";
    /** Where it runs (`cluster.kind`): only on EKS when it needs AWS (its controllers, IAM, a load balancer). */
    readonly clusterKinds: readonly ClusterKind[];
    /**
     * Why AWS can no longer create it (the service was discontinued), when it cannot: `pulumi up`
     * is refused, while previews and the offline plan still run so a stack can move off it.
     */
    readonly discontinued?: string;
    /** Header matches and stickiness, where its routing resource can express them. */
    readonly releaseControls: ReleaseControls;
    /** Whether Flagger can drive it (automated mode), with which provider, or why not. */
    readonly flagger: { readonly provider: FlaggerProvider; readonly metricsByTargetGroup: boolean } | Unsupported;
    /** Labels the app namespace needs (sidecar injection, readiness gates), given the cluster name (App Mesh names its mesh after it). */
    namespaceLabels(clusterName: string): Record<string, string>;
    /** Annotations the app namespace needs (Linkerd's injection is an annotation). */
    readonly namespaceAnnotations?: Readonly<Record<string, string>>;
    /** Names of the objects the router adds per service in the app namespace. */
    objectNames(service: string): string[];
    /** The offline plan's description of the router's own resource types, by type token. */
    readonly describers: Readonly<Record<string, Describer>>;
    /** The policy pack's readers of the router's routing resources, by type token. */
    readonly splitReaders: Readonly<Record<string, SplitReader>>;
    /** How the router's CloudWatch metrics measure each version, or why nothing does. */
    readonly health: RouterHealth | Unsupported;
    /**
     * How Prometheus measures each version, for a router whose data plane reports there (a mesh's
     * proxies) instead of to CloudWatch: the canary command's gates read it (`--prometheus`).
     */
    readonly prometheusHealth?: PrometheusHealthMetrics;
    /** The canary command's view of the router. */
    readonly command: {
        /** Where `--load` sends requests: the name callers use, through the router. */
        loadUrl(service: CommandService, location: CanaryLocation): string;
        /** Why the four-stage promotion of `service` is refused, when it is. */
        promoteRefusal?(service: string): string;
    };
    /** Declares the router (its controllers and shared resources) for the stack. */
    create(env: RouterEnvironment, opts?: pulumi.ComponentResourceOptions): TrafficRouter;
}

export function isUnsupported<T extends object>(value: T | Unsupported): value is Unsupported {
    return "unsupported" in value;
}

/** The in-cluster URL of a service's shared Service (`<service>-clusterip-service`), where routers keep it. */
export function clusterServiceUrl(serviceName: string, service: CommandService, location: CanaryLocation): string {
    return `http://${clusterHostname(serviceName, location.namespace)}:${service.port}${service.healthPath}`;
}
