import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { versionObjectName, Workload } from "../workload";
import { trafficSplit } from "./plan";
import { CanaryServiceSpec, TrafficRouter } from "./router";

/** What a stack reports of one service's release: the split asked for and how it is carried. */
export interface CanarySplit {
    readonly router: string;
    /** Percent of requests for the canary (v2). */
    readonly weight: number;
    readonly traffic: { readonly stable: number; readonly canary: number };
    readonly replicas: { readonly stable: number; readonly canary: number };
    readonly images: { readonly stable: string; readonly canary?: string };
}

export interface CanaryServiceArgs {
    name: string;
    namespace: pulumi.Input<string>;
    port: number;
    healthPath: string;
    replicas: number;
    resources: { cpu: string; memory: string };
    /** X-Ray segment name; versions get `V1-` / `V2-` prefixes. */
    tracingName: string;
    xrayDaemonAddress: pulumi.Input<string>;
    stable: { image: string };
    canary?: { image: string; weight: number };
    /** Environment beyond the standard variables (e.g. mail settings). */
    env?: pulumi.Input<k8s.types.input.core.v1.EnvVar>[];
    router: TrafficRouter;
    k8sProvider: k8s.Provider;
}

/**
 * A service released as a stable (v1) and a canary (v2) version, with the router's resources that
 * split its traffic. Without a canary block, only v1 runs.
 */
export class CanaryService extends pulumi.ComponentResource {
    /** Host name that clients in the cluster call. */
    public readonly host: pulumi.Output<string>;
    public readonly port: number;
    public readonly split: CanarySplit;

    constructor(name: string, args: CanaryServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:canary:CanaryService", name, {}, opts);
        const spec: CanaryServiceSpec = {
            name: args.name,
            namespace: args.namespace,
            port: args.port,
            healthPath: args.healthPath,
            replicas: args.replicas,
            weight: args.canary?.weight ?? 0,
            hasCanary: args.canary !== undefined,
        };
        const replicas = args.router.replicas(spec);
        const common = {
            namespace: args.namespace,
            app: args.name,
            port: args.port,
            healthPath: args.healthPath,
            resources: args.resources,
            ...(args.env === undefined ? {} : { env: args.env }),
            ...(args.router.podServiceAccountName === undefined ? {} : { serviceAccountName: args.router.podServiceAccountName }),
            podAnnotations: args.router.podAnnotations,
            dependsOn: args.router.podDependencies,
            k8sProvider: args.k8sProvider,
        };
        new Workload(
            `${name}-v1`,
            {
                ...common,
                version: "v1",
                image: args.stable.image,
                replicas: replicas.stable,
                tracing: { name: `V1-${args.tracingName}`, daemonAddress: args.xrayDaemonAddress },
                disruptionBudget: true,
            },
            { parent: this },
        );
        if (args.canary !== undefined) {
            new Workload(
                `${name}-v2`,
                {
                    ...common,
                    version: "v2",
                    image: args.canary.image,
                    replicas: replicas.canary,
                    tracing: { name: `V2-${args.tracingName}`, daemonAddress: args.xrayDaemonAddress },
                },
                { parent: this },
            );
        }
        const endpoint = args.router.route(
            spec,
            { stable: versionObjectName(args.name, "v1"), ...(args.canary === undefined ? {} : { canary: versionObjectName(args.name, "v2") }) },
            this,
        );

        this.host = endpoint.host;
        this.port = endpoint.port;
        this.split = {
            router: args.router.kind,
            weight: spec.weight,
            traffic: trafficSplit(spec.weight),
            replicas,
            images: { stable: args.stable.image, ...(args.canary === undefined ? {} : { canary: args.canary.image }) },
        };
        this.registerOutputs({ host: this.host, split: this.split });
    }
}
