import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TracingSettings } from "../addons/tracing";
import { PART_OF } from "../k8s";
import { appDeployment, standardEnv, versionObjectName, Workload } from "../workload";
import { CanaryAnalysis, Flagger } from "../addons/flagger";
import { trafficSplit } from "./weights";
import type { HeaderMatch, Stickiness } from "./release-controls";
import { CanaryServiceSpec, TrafficRouter } from "../routers/contract";

/** What a stack reports of one service's release: the split asked for and how it is carried. */
export interface CanarySplit {
    readonly router: string;
    /** Percent of requests for the canary (v2). */
    readonly weight: number;
    readonly traffic: { readonly stable: number; readonly canary: number };
    readonly replicas: { readonly stable: number; readonly canary: number };
    readonly images: { readonly stable: string; readonly canary?: string };
    /** `manual`: the weight above is the config's; `automated`: Flagger moves it (from 0 at rest). */
    readonly mode: "manual" | "automated";
    /** The analysis Flagger runs, for automated services. */
    readonly analysis?: CanaryAnalysis;
    /** The lockstep group the service steps with (`canary.groups`), if any. */
    readonly group?: string;
    /** The header that sends a request to v2 whatever the weight (`canary.match`). */
    readonly match?: HeaderMatch;
    /** How long a client stays on the version it reached (`canary.sticky`). */
    readonly sticky?: string;
}

export interface CanaryServiceArgs {
    name: string;
    namespace: pulumi.Input<string>;
    port: number;
    healthPath: string;
    replicas: number;
    resources: { cpu: string; memory: string };
    /** The name of its traces; versions get `V1-` / `V2-` prefixes. */
    tracingName: string;
    /** The stack's tracing, whose variables every version gets. */
    tracing: TracingSettings;
    stable: { image: string };
    canary?: { image: string; weight: number; match?: HeaderMatch; sticky?: Stickiness };
    /** The lockstep group the service steps with, for the split it reports. */
    group?: string;
    /** Environment beyond the standard variables (e.g. mail settings). */
    env?: pulumi.Input<k8s.types.input.core.v1.EnvVar>[];
    router: TrafficRouter;
    /**
     * What every app pod of the stack is created after, beyond the router's own: the load balancer
     * controller, whose webhook injects the readiness gate into pods of the app namespace.
     */
    podDependencies: readonly pulumi.Resource[];
    /**
     * Automated mode: Flagger releases the service, with this analysis. The program then declares
     * one Deployment (the Canary's target) and the Canary, and none of what Flagger generates.
     */
    automated?: { flagger: Flagger; analysis: CanaryAnalysis };
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
    /** The routing resources of a manual service (its metrics exist once they do); none in automated mode, where Flagger writes the routes. */
    public readonly routing: readonly pulumi.CustomResource[];
    public readonly split: CanarySplit;

    constructor(name: string, args: CanaryServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:canary:CanaryService", name, {}, opts);
        if (args.automated !== undefined) {
            const automated = this.declareAutomated(name, args, args.automated.flagger, args.automated.analysis);
            this.host = automated.host;
            this.port = automated.port;
            this.routing = [];
            this.split = automated.split;
            this.registerOutputs({ host: this.host, split: this.split });
            return;
        }
        const spec: CanaryServiceSpec = {
            name: args.name,
            namespace: args.namespace,
            port: args.port,
            healthPath: args.healthPath,
            replicas: args.replicas,
            weight: args.canary?.weight ?? 0,
            hasCanary: args.canary !== undefined,
            ...(args.canary?.match === undefined ? {} : { match: args.canary.match }),
            ...(args.canary?.sticky === undefined ? {} : { sticky: args.canary.sticky }),
        };
        const replicas = args.router.replicas(spec);
        const versions = { stable: versionObjectName(args.name, "v1"), ...(args.canary === undefined ? {} : { canary: versionObjectName(args.name, "v2") }) };
        const prerequisites = args.router.prepareVersions(spec, versions, this);
        const common = {
            namespace: args.namespace,
            app: args.name,
            port: args.port,
            healthPath: args.healthPath,
            resources: args.resources,
            tracing: args.tracing,
            ...(args.env === undefined ? {} : { env: args.env }),
            ...(args.router.podServiceAccountName === undefined ? {} : { serviceAccountName: args.router.podServiceAccountName }),
            podAnnotations: args.router.podAnnotations,
            draining: args.router.draining,
            k8sProvider: args.k8sProvider,
        };
        const podDependencies = [...args.podDependencies, ...args.router.podDependencies];
        const stable = new Workload(
            `${name}-v1`,
            {
                ...common,
                version: "v1",
                image: args.stable.image,
                replicas: replicas.stable,
                tracingName: `V1-${args.tracingName}`,
                disruptionBudget: true,
                dependsOn: [...podDependencies, ...prerequisites.v1],
            },
            { parent: this },
        );
        const canary =
            args.canary === undefined
                ? undefined
                : new Workload(
                      `${name}-v2`,
                      {
                          ...common,
                          version: "v2",
                          image: args.canary.image,
                          replicas: replicas.canary,
                          tracingName: `V2-${args.tracingName}`,
                          dependsOn: [...podDependencies, ...prerequisites.v2],
                      },
                      { parent: this },
                  );
        const endpoint = args.router.route(spec, versions, this, { stable, ...(canary === undefined ? {} : { canary }) });

        this.host = endpoint.host;
        this.port = endpoint.port;
        this.routing = endpoint.routing ?? [];
        this.split = {
            router: args.router.kind,
            weight: spec.weight,
            traffic: trafficSplit(spec.weight),
            replicas,
            images: { stable: args.stable.image, ...(args.canary === undefined ? {} : { canary: args.canary.image }) },
            mode: "manual",
            ...(args.group === undefined ? {} : { group: args.group }),
            ...(spec.match === undefined ? {} : { match: spec.match }),
            ...(spec.sticky === undefined ? {} : { sticky: spec.sticky.duration }),
        };
        this.registerOutputs({ host: this.host, split: this.split });
    }

    /**
     * Automated mode: the Canary's target Deployment, named after the service, running the canary
     * image when a canary block is set (else the stable one), and its Canary. Flagger copies the
     * target into `<name>-primary`, scales the target to 0 and, when its pod template changes (a
     * new canary image on the next `pulumi up`), runs the analysis on it.
     */
    private declareAutomated(name: string, args: CanaryServiceArgs, flagger: Flagger, analysis: CanaryAnalysis): { host: pulumi.Output<string>; port: number; split: CanarySplit } {
        const image = args.canary?.image ?? args.stable.image;
        if (args.canary !== undefined && args.canary.weight !== 0) {
            void pulumi.log.warn(
                `service ${args.name}: canary.weight ${args.canary.weight} is ignored in automated mode; Flagger moves the weight ` +
                    `(analysis.stepWeight${analysis.stepWeights === undefined ? ` ${analysis.stepWeight ?? ""}` : "s"}) and starts each release at 0`,
                this,
            );
        }
        // `app` alone selects the pods: Flagger derives the primary's selector from it (its default
        // selector labels are app, name, app.kubernetes.io/name).
        const selector = { app: args.name };
        const podLabels = { ...selector, ...PART_OF };
        const target = new k8s.apps.v1.Deployment(
            `${name}-target`,
            appDeployment({
                name: args.name,
                namespace: args.namespace,
                replicas: args.replicas,
                selector,
                labels: podLabels,
                podAnnotations: { ...args.router.podAnnotations, ...args.tracing.podAnnotations },
                ...(args.router.podServiceAccountName === undefined ? {} : { serviceAccountName: args.router.podServiceAccountName }),
                container: {
                    name: args.name,
                    image,
                    port: args.port,
                    healthPath: args.healthPath,
                    resources: args.resources,
                    env: [...standardEnv(args.tracingName, args.tracing), ...(args.env ?? [])],
                    preStopSeconds: args.router.draining.preStopSeconds,
                },
                terminationGracePeriodSeconds: args.router.draining.terminationGracePeriodSeconds,
            }),
            {
                parent: this,
                provider: args.k8sProvider,
                dependsOn: [...args.podDependencies, ...args.router.podDependencies],
                // Flagger scales the target to 0 once it has copied it into <name>-primary, and
                // back up for each analysis: the replica count is Flagger's after creation, so a
                // later `pulumi up` must not reset it (which would start canary pods outside any
                // analysis). The pod template stays Pulumi's: changing it starts a rollout.
                ignoreChanges: ["spec.replicas"],
            },
        );
        const route = flagger.canary({ name: args.name, namespace: args.namespace, port: args.port, healthPath: args.healthPath, analysis }, target, this);
        return {
            host: route.endpoint.host,
            port: route.endpoint.port,
            split: {
                router: args.router.kind,
                // At rest all traffic goes to the primary; during an analysis Flagger moves the weight.
                weight: 0,
                traffic: trafficSplit(0),
                replicas: { stable: args.replicas, canary: 0 },
                images: { stable: args.stable.image, ...(args.canary === undefined ? {} : { canary: args.canary.image }) },
                mode: "automated",
                analysis,
            },
        };
    }
}
