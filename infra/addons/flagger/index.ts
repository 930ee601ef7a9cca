/**
 * Automated canary analysis with Flagger (https://flagger.app): Flagger moves a service's weight
 * step by step through the stack's router, checks the canary's success rate and latency at each
 * step, and promotes it or rolls it back on its own.
 *
 * Declared once per stack, and only when some service is `automated`: the Flagger chart with the
 * router's provider, the metric source (App Mesh: a Prometheus scraping the Envoy sidecars;
 * Lattice: CloudWatch MetricTemplates over VPC Lattice target group metrics, and an IRSA role
 * that may only read metrics), the load tester that runs the webhooks, and the AlertProvider when
 * alerts are configured. Per automated service, `canary()` declares its Canary.
 *
 * Flagger generates the `<service>-primary` Deployment, the `<service>`, `<service>-primary` and
 * `<service>-canary` Services and the routes (App Mesh virtual nodes, routers and services; a
 * Gateway API HTTPRoute); the program declares none of them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { flagger } from "../../crds";
import { PART_OF } from "../../k8s";
import { FlaggerContext, FlaggerMetric, FlaggerProvider, FlaggerRouting, RouteEndpoint, TrafficRouter } from "../../routers/contract";
import { LOADTESTER_NAME } from "../../names";
import { CHARTS } from "../../versions";
import { helmRelease } from "../addon";

export const FLAGGER_NAMESPACE = "flagger-system";
export const FLAGGER_SERVICE_ACCOUNT = "flagger";
/** The key of the alert Secret that holds the webhook URL, as Flagger's AlertProvider reads it. */
export const ALERT_SECRET_KEY = "address";
export const ALERT_PROVIDER_NAME = "flagger-alerts";

/**
 * A word the load tester's shell takes as it is: a URL or a duration of letters, digits and
 * `. _ ~ : / -` only. The config already allows no other characters in what reaches here (the
 * health path, host names); this refuses them at the shell's door too.
 */
export function shellWord(text: string): string {
    if (!/^[A-Za-z0-9._~:/-]+$/.test(text)) {
        throw new Error(`refusing to pass ${JSON.stringify(text)} to the load tester's shell: only letters, digits and . _ ~ : / - may reach it`);
    }
    return text;
}

/** Flagger's canary analysis of an automated service (Canary `spec.analysis`), as stack config sets it. */
export interface CanaryAnalysis {
    /** How often Flagger checks and steps, e.g. `1m` or `30s`. */
    readonly interval: string;
    /** Failed checks before Flagger rolls back. */
    readonly threshold: number;
    /** The weight at which Flagger promotes (with `stepWeight`). */
    readonly maxWeight: number;
    /** The weight added per interval; exactly one of stepWeight and stepWeights is set. */
    readonly stepWeight?: number;
    /** The weights Flagger walks through, ascending; it promotes after the last. */
    readonly stepWeights?: readonly number[];
    /** Minimum percentage of non-5xx responses of the canary. */
    readonly successRateMin: number;
    /** Maximum p99 request duration of the canary, in milliseconds. */
    readonly latencyMaxMs: number;
    /** The load the rollout webhook generates with `hey` during each interval. */
    readonly loadTest: { readonly requestsPerSecond: number; readonly concurrency: number };
    /**
     * Lattice only: the ID of the VPC Lattice target group of the canary Service (`<name>-canary`),
     * which the CloudWatch metrics are keyed by and which exists only once Flagger has created
     * that Service. Until it is set, every metric check fails and Flagger rolls back.
     */
    readonly latticeTargetGroup?: string;
}

export interface AutomatedServiceSpec {
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    readonly port: number;
    readonly healthPath: string;
    readonly analysis: CanaryAnalysis;
}

export interface FlaggerArgs {
    readonly router: TrafficRouter;
    readonly k8sProvider: k8s.Provider;
    /** AWS, on EKS: the region and the OIDC provider of a metric source's IRSA role; undefined on an existing cluster. */
    readonly aws: FlaggerContext["aws"];
    readonly tags?: Record<string, string>;
    /** The app namespace (the Namespace resource's name) and the same as text. */
    readonly namespace: pulumi.Input<string>;
    readonly namespaceName: string;
    /** The automated services: the load tester's App Mesh backends. */
    readonly services: readonly string[];
    /** Where Flagger posts events; `url` is a secret and only reaches a Kubernetes Secret. */
    readonly alerts?: { readonly provider: "slack" | "msteams" | "discord" | "rocket" | "gchat"; readonly channel?: string; readonly url: string };
}

/** The router's Flagger routing; throws for a router Flagger cannot drive (config rejects those first). */
export function flaggerRouting(router: TrafficRouter): FlaggerRouting {
    if (router.flagger === undefined) {
        throw new Error(`router ${router.kind}: Flagger cannot drive it (see its plug-in's flagger trait)`);
    }
    return router.flagger;
}

/** The analysis block of a Canary: timing, steps, metrics, webhooks and alerts. */
export function canaryAnalysis(
    routedMetrics: readonly [FlaggerMetric, FlaggerMetric],
    spec: AutomatedServiceSpec,
    urls: { readonly loadTester: string; readonly smokeTest: string; readonly loadTest: string },
    alertProvider: { readonly name: string; readonly namespace: string } | undefined,
): flagger.CanarySpecAnalysis {
    const { analysis } = spec;
    const [successRate, duration] = routedMetrics;
    const metrics: flagger.CanarySpecAnalysisMetric[] = [
        { ...successRate, thresholdRange: { min: analysis.successRateMin }, interval: analysis.interval },
        { ...duration, thresholdRange: { max: analysis.latencyMaxMs }, interval: analysis.interval },
    ];
    const { requestsPerSecond, concurrency } = analysis.loadTest;
    return {
        interval: analysis.interval,
        threshold: analysis.threshold,
        ...(analysis.stepWeights === undefined ? { maxWeight: analysis.maxWeight, stepWeight: analysis.stepWeight } : { stepWeights: [...analysis.stepWeights] }),
        metrics,
        webhooks: [
            // Before any traffic: the canary answers its health path.
            { name: "smoke-test", type: "pre-rollout", url: urls.loadTester, timeout: "30s", metadata: { type: "bash", cmd: `curl -sf ${shellWord(urls.smokeTest)}` } },
            // During each step: enough requests for the metrics to mean something.
            {
                name: "load-test",
                type: "rollout",
                url: urls.loadTester,
                timeout: "5s",
                metadata: { cmd: `hey -z ${shellWord(analysis.interval)} -q ${requestsPerSecond} -c ${concurrency} ${shellWord(urls.loadTest)}` },
            },
            // A manual abort: open the load tester's rollback gate (README, "Release, watch, abort").
            { name: "manual-rollback", type: "rollback", url: `${urls.loadTester}rollback/check`, timeout: "5s" },
        ],
        ...(alertProvider === undefined ? {} : { alerts: [{ name: "rollout events", severity: "info", providerRef: alertProvider }] }),
    };
}

/** What a Canary gives its callers and the plan. */
export interface AutomatedRoute {
    readonly endpoint: RouteEndpoint;
    readonly canary: flagger.Canary;
}

export class Flagger extends pulumi.ComponentResource {
    readonly provider: FlaggerProvider;
    readonly release: k8s.helm.v3.Release;
    readonly loadTester: k8s.helm.v3.Release;
    /** The load tester's webhook URL. */
    readonly loadTesterUrl: string;

    private readonly args: FlaggerArgs;
    private readonly routing: FlaggerRouting;
    private readonly context: FlaggerContext;
    /** What every Canary waits for: the CRDs (in the chart), the load tester, templates, alerts. */
    private readonly canaryDependencies: pulumi.Resource[];
    private readonly alertProvider: { name: string; namespace: string } | undefined;

    constructor(name: string, args: FlaggerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:canary:Flagger", name, {}, opts);
        this.args = args;
        this.routing = flaggerRouting(args.router);
        this.provider = this.routing.provider;
        const k8sOpts = { parent: this, provider: args.k8sProvider };
        this.context = {
            parent: this,
            name,
            namespace: args.namespace,
            namespaceName: args.namespaceName,
            aws: args.aws,
            k8sProvider: args.k8sProvider,
            services: args.services,
            serviceAccount: { namespace: FLAGGER_NAMESPACE, name: FLAGGER_SERVICE_ACCOUNT },
            ...(args.tags === undefined ? {} : { tags: args.tags }),
        };
        // The router's controllers (and the mesh) come first: Flagger watches their objects.
        const routerDependencies: pulumi.Resource[] = args.router instanceof pulumi.Resource ? [args.router] : [];
        const installation = this.routing.install(this.context);

        // Its service account's role, if any, is the router's metric source's (installed above).
        this.release = helmRelease(
            `${name}-release`,
            {
                chart: CHARTS.flagger,
                releaseName: "flagger",
                namespace: FLAGGER_NAMESPACE,
                createNamespace: true,
                values: { ...installation.flaggerValues, meshProvider: this.provider, metricsServer: installation.metricsServer },
                serviceAccount: { name: FLAGGER_SERVICE_ACCOUNT, annotations: installation.serviceAccountAnnotations },
                dependsOn: [...routerDependencies, ...installation.before],
            },
            args,
            this,
        );

        // In the app namespace, beside the services it tests.
        this.loadTester = helmRelease(
            `${name}-loadtester`,
            {
                chart: CHARTS.flaggerLoadTester,
                releaseName: LOADTESTER_NAME,
                namespace: args.namespace,
                values: installation.loadTesterValues,
                dependsOn: [...routerDependencies, ...args.router.podDependencies],
            },
            args,
            this,
        );
        this.loadTesterUrl = `http://${LOADTESTER_NAME}.${args.namespaceName}/`;

        const templates: pulumi.Resource[] = this.routing.templates(this.context, [this.release]);

        if (args.alerts !== undefined) {
            const secret = new k8s.core.v1.Secret(
                `${name}-alert-url`,
                {
                    metadata: { name: ALERT_PROVIDER_NAME, namespace: args.namespace, labels: PART_OF },
                    type: "Opaque",
                    stringData: { [ALERT_SECRET_KEY]: pulumi.secret(args.alerts.url) },
                },
                k8sOpts,
            );
            templates.push(
                new flagger.AlertProvider(
                    `${name}-alert-provider`,
                    {
                        metadata: { name: ALERT_PROVIDER_NAME, namespace: args.namespace, labels: PART_OF },
                        spec: {
                            type: args.alerts.provider,
                            ...(args.alerts.channel === undefined ? {} : { channel: args.alerts.channel }),
                            username: "flagger",
                            secretRef: { name: ALERT_PROVIDER_NAME },
                        },
                    },
                    { ...k8sOpts, dependsOn: [this.release, secret] },
                ),
            );
            this.alertProvider = { name: ALERT_PROVIDER_NAME, namespace: args.namespaceName };
        }
        this.canaryDependencies = [this.release, this.loadTester, ...templates];
        this.registerOutputs({ provider: this.provider, loadTesterUrl: this.loadTesterUrl });
    }

    /**
     * The Canary of one automated service, whose target is the `target` Deployment, as a child of
     * `parent`; returns where its callers send requests.
     */
    canary(spec: AutomatedServiceSpec, target: k8s.apps.v1.Deployment, parent: pulumi.Resource): AutomatedRoute {
        const service = {
            name: spec.name,
            namespace: spec.namespace,
            port: spec.port,
            healthPath: spec.healthPath,
            ...(spec.analysis.latticeTargetGroup === undefined ? {} : { targetGroup: spec.analysis.latticeTargetGroup }),
        };
        const routed = this.routing.route(service, parent, this.context);
        const canaryHost = `${spec.name}-canary.${this.args.namespaceName}:${spec.port}`;
        const canary = new flagger.Canary(
            spec.name,
            {
                metadata: { name: spec.name, namespace: spec.namespace, labels: { app: spec.name, ...PART_OF } },
                spec: {
                    provider: this.provider,
                    targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: spec.name },
                    service: routed.service,
                    analysis: canaryAnalysis(
                        this.routing.metrics(service),
                        spec,
                        { loadTester: this.loadTesterUrl, smokeTest: `http://${canaryHost}${spec.healthPath}`, loadTest: routed.loadTestUrl },
                        this.alertProvider,
                    ),
                },
            },
            { parent, provider: this.args.k8sProvider, dependsOn: [...this.canaryDependencies, ...routed.dependencies, target] },
        );
        return { endpoint: routed.endpoint, canary };
    }
}
