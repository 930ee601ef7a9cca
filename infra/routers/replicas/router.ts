import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_DRAINING } from "../../draining";
import { PART_OF } from "../../k8s";
import { replicaSplit, ReplicaSplit } from "../../canary/weights";
import { sharedServiceName } from "../../names";
import { CanaryServiceSpec, NO_PREREQUISITES, RouteEndpoint, TrafficRouter, VersionPrerequisites } from "../contract";

/**
 * The `replicas` router: one ClusterIP Service selects the pods of both versions by their `app`
 * label, so kube-proxy spreads requests by pod count and the weight becomes a replica split (4/0,
 * 3/1, 2/2, 1/3, 0/4 for 0..100 % on 4 pods). Needs no controller; the split is only as fine as
 * the pod count, and every step restarts no pod but scales both Deployments.
 */
export class ReplicasRouter implements TrafficRouter {
    readonly kind = "replicas";
    readonly podServiceAccountName = undefined;
    readonly podAnnotations: Record<string, string> = {};
    readonly podDependencies: readonly pulumi.Resource[] = [];
    readonly draining = CLUSTER_DRAINING;

    constructor(private readonly k8sProvider: k8s.Provider) {}

    replicas(spec: CanaryServiceSpec): ReplicaSplit {
        return spec.hasCanary ? replicaSplit(spec.weight, spec.replicas) : { stable: spec.replicas, canary: 0 };
    }

    /** Nothing: pods need nothing of the router's before they start. */
    prepareVersions(): VersionPrerequisites {
        return NO_PREREQUISITES;
    }

    /** The split is the Deployments' pod counts: the shared Service selects both versions' pods. */
    route(spec: CanaryServiceSpec, _versions: unknown, parent: pulumi.Resource): RouteEndpoint {
        const service = new k8s.core.v1.Service(
            `${spec.name}-shared`,
            {
                metadata: { name: sharedServiceName(spec.name), namespace: spec.namespace, labels: { app: spec.name, ...PART_OF } },
                spec: {
                    type: "ClusterIP",
                    // `app` only: the pods of v1 and v2 alike.
                    selector: { app: spec.name },
                    ports: [{ name: "http", port: spec.port, targetPort: "http", protocol: "TCP" }],
                },
            },
            { parent, provider: this.k8sProvider },
        );
        return { host: service.metadata.name, port: spec.port };
    }

    /** Clients call the shared Service directly: nothing to declare. */
    client(): readonly pulumi.Resource[] {
        return [];
    }
}
