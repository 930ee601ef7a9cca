/**
 * The contract every traffic router implements. A router decides how many pods each version runs
 * and declares the resources that send `weight` percent of a service's requests to its canary.
 */
import * as pulumi from "@pulumi/pulumi";
import { ReplicaSplit } from "./plan";

/** One canaried service, as the router sees it. */
export interface CanaryServiceSpec {
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    readonly port: number;
    /** The service's `replicas` setting (see ServiceConfig.replicas). */
    readonly replicas: number;
    /** Percent of requests for the canary; 0 when the service has no canary. */
    readonly weight: number;
    readonly hasCanary: boolean;
}

/** The versions a router routes between: each version's own Service name. */
export interface VersionServices {
    readonly stable: pulumi.Input<string>;
    readonly canary?: pulumi.Input<string>;
}

/** Where clients of a routed service send requests. */
export interface RouteEndpoint {
    /** Host name inside the cluster. */
    readonly host: pulumi.Output<string>;
    readonly port: number;
}

export interface TrafficRouter {
    /** The `router` config value that selects this router. */
    readonly kind: string;
    /** Pods of each version for the service at its weight. */
    replicas(spec: CanaryServiceSpec): ReplicaSplit;
    /** Declares the routing resources of one service, as children of `parent`. */
    route(spec: CanaryServiceSpec, versions: VersionServices, parent: pulumi.Resource): RouteEndpoint;
}
