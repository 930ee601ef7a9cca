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
import { flagger, lattice } from "../crds";
import { OidcProvider, PolicyDocument, ServiceAccountRole } from "../iam";
import { PART_OF, ROLE_ARN_ANNOTATION } from "../k8s";
import { AppMeshRouter, APPMESH_CONTROLLER_NAMESPACE } from "./appmesh";
import { LATTICE_LISTENER, latticeHostname, LatticeRouter } from "./lattice";
import { FLAGGER_PROVIDERS, FlaggerProvider, RouteEndpoint, TrafficRouter } from "./router";
import { LOADTESTER_NAME } from "../names";
import { pinnedChart } from "../helm";
import { CHARTS } from "../versions";

export const APPMESH_PROMETHEUS_URL = `http://appmesh-prometheus.${APPMESH_CONTROLLER_NAMESPACE}:9090`;

export const FLAGGER_NAMESPACE = "flagger-system";
export const FLAGGER_SERVICE_ACCOUNT = "flagger";
/** The key of the alert Secret that holds the webhook URL, as Flagger's AlertProvider reads it. */
export const ALERT_SECRET_KEY = "address";
export const ALERT_PROVIDER_NAME = "flagger-alerts";
/** The CloudWatch MetricTemplates of the lattice router. */
export const LATTICE_TEMPLATES = { successRate: "lattice-request-success-rate", latency: "lattice-request-duration" } as const;

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

/** What Flagger may do in AWS: read metrics. GetMetricData has no resource-level permissions. */
export const CLOUDWATCH_READ_POLICY: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "ReadCanaryMetrics", Effect: "Allow", Action: "cloudwatch:GetMetricData", Resource: "*" }],
};

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
    readonly region: string;
    /** The app namespace (the Namespace resource's name) and the same as text. */
    readonly namespace: pulumi.Input<string>;
    readonly namespaceName: string;
    /** The automated services: the load tester's App Mesh backends. */
    readonly services: readonly string[];
    readonly oidcProvider: OidcProvider;
    readonly k8sProvider: k8s.Provider;
    /** Where Flagger posts events; `url` is a secret and only reaches a Kubernetes Secret. */
    readonly alerts?: { readonly provider: "slack" | "msteams" | "discord" | "rocket" | "gchat"; readonly channel?: string; readonly url: string };
    readonly tags?: Record<string, string>;
}

/** The router's Flagger provider; throws for a router Flagger cannot drive (config rejects those first). */
export function flaggerProvider(router: TrafficRouter): FlaggerProvider {
    if (router.kind === "appmesh" || router.kind === "lattice") {
        return FLAGGER_PROVIDERS[router.kind];
    }
    throw new Error(`router ${router.kind}: Flagger cannot drive it (see stacks/config.ts NOT_AUTOMATABLE_REASONS)`);
}

/**
 * CloudWatch GetMetricData queries (Flagger's `cloudwatch` provider takes the MetricDataQueries
 * as JSON; the last value of the query that returns data is compared with the threshold) over the
 * `AWS/VpcLattice` target group metrics of the canary's target group. 5xx counts are missing when
 * there are none, hence FILL.
 */
export function latticeSuccessRateQuery(): string {
    const metric = (id: string, name: string): Record<string, unknown> => ({
        Id: id,
        MetricStat: {
            Metric: { Namespace: "AWS/VpcLattice", MetricName: name, Dimensions: [{ Name: "TargetGroup", Value: "{{ variables.targetGroup }}" }] },
            Period: 60,
            Stat: "Sum",
        },
        ReturnData: false,
    });
    return JSON.stringify(
        [{ Id: "successRate", Expression: "100 - 100 * FILL(errors, 0) / requests", Label: "SuccessRate" }, metric("errors", "HTTPCode_5XX_Count"), metric("requests", "TotalRequestCount")],
        null,
        2,
    );
}

/** The p99 of `RequestTime` (milliseconds) of the canary's target group. */
export function latticeLatencyQuery(): string {
    return JSON.stringify(
        [
            {
                Id: "latency",
                MetricStat: {
                    Metric: { Namespace: "AWS/VpcLattice", MetricName: "RequestTime", Dimensions: [{ Name: "TargetGroup", Value: "{{ variables.targetGroup }}" }] },
                    Period: 60,
                    Stat: "p99",
                },
                ReturnData: true,
            },
        ],
        null,
        2,
    );
}

/** The analysis block of a Canary: timing, steps, metrics, webhooks and alerts. */
export function canaryAnalysis(
    provider: FlaggerProvider,
    spec: AutomatedServiceSpec,
    urls: { readonly loadTester: string; readonly smokeTest: string; readonly loadTest: string },
    alertProvider: { readonly name: string; readonly namespace: string } | undefined,
): flagger.CanarySpecAnalysis {
    const { analysis } = spec;
    const metrics: flagger.CanarySpecAnalysisMetric[] =
        provider === "appmesh:v1beta2"
            ? [
                  // Flagger's builtin checks, Prometheus queries over the Envoy metrics.
                  { name: "request-success-rate", thresholdRange: { min: analysis.successRateMin }, interval: analysis.interval },
                  { name: "request-duration", thresholdRange: { max: analysis.latencyMaxMs }, interval: analysis.interval },
              ]
            : [
                  {
                      name: "request-success-rate",
                      templateRef: { name: LATTICE_TEMPLATES.successRate },
                      templateVariables: { targetGroup: analysis.latticeTargetGroup ?? "" },
                      thresholdRange: { min: analysis.successRateMin },
                      interval: analysis.interval,
                  },
                  {
                      name: "request-duration",
                      templateRef: { name: LATTICE_TEMPLATES.latency },
                      templateVariables: { targetGroup: analysis.latticeTargetGroup ?? "" },
                      thresholdRange: { max: analysis.latencyMaxMs },
                      interval: analysis.interval,
                  },
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
            { name: "load-test", type: "rollout", url: urls.loadTester, timeout: "5s", metadata: { cmd: `hey -z ${shellWord(analysis.interval)} -q ${requestsPerSecond} -c ${concurrency} ${shellWord(urls.loadTest)}` } },
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
    /** What every Canary waits for: the CRDs (in the chart), the load tester, templates, alerts. */
    private readonly canaryDependencies: pulumi.Resource[];
    private readonly alertProvider: { name: string; namespace: string } | undefined;

    constructor(name: string, args: FlaggerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:canary:Flagger", name, {}, opts);
        this.args = args;
        this.provider = flaggerProvider(args.router);
        const k8sOpts = { parent: this, provider: args.k8sProvider };
        const tags = args.tags === undefined ? {} : { tags: args.tags };
        // The router's controllers (and the mesh) come first: Flagger watches their objects.
        const routerDependencies: pulumi.Resource[] = args.router instanceof pulumi.Resource ? [args.router] : [];

        let metricsServer: pulumi.Resource[] = [];
        let serviceAccountAnnotations: Record<string, pulumi.Input<string>> = {};
        if (this.provider === "appmesh:v1beta2") {
            metricsServer = [
                new k8s.helm.v3.Release(
                    `${name}-appmesh-prometheus`,
                    {
                        name: "appmesh-prometheus",
                        ...pinnedChart(CHARTS.appMeshPrometheus),
                        namespace: APPMESH_CONTROLLER_NAMESPACE,
                        atomic: true,
                    },
                    { ...k8sOpts, dependsOn: routerDependencies },
                ),
            ];
        } else {
            const role = new ServiceAccountRole(
                `${name}-irsa`,
                { oidcProvider: args.oidcProvider, namespace: FLAGGER_NAMESPACE, serviceAccount: FLAGGER_SERVICE_ACCOUNT, policy: CLOUDWATCH_READ_POLICY, ...tags },
                { parent: this },
            );
            serviceAccountAnnotations = { [ROLE_ARN_ANNOTATION]: role.roleArn };
        }

        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            {
                name: "flagger",
                ...pinnedChart(CHARTS.flagger),
                namespace: FLAGGER_NAMESPACE,
                createNamespace: true,
                atomic: true,
                values: {
                    meshProvider: this.provider,
                    // App Mesh: the builtin checks query this Prometheus. Lattice: every check is a
                    // CloudWatch MetricTemplate, so no Prometheus is needed.
                    metricsServer: this.provider === "appmesh:v1beta2" ? APPMESH_PROMETHEUS_URL : "none",
                    serviceAccount: { create: true, name: FLAGGER_SERVICE_ACCOUNT, annotations: serviceAccountAnnotations },
                },
            },
            { ...k8sOpts, dependsOn: [...routerDependencies, ...metricsServer] },
        );

        // In the app namespace: App Mesh injects Envoy into it, so the load tester calls the
        // canary through the mesh (its virtual node's backends are the automated services).
        this.loadTester = new k8s.helm.v3.Release(
            `${name}-loadtester`,
            {
                name: LOADTESTER_NAME,
                ...pinnedChart(CHARTS.flaggerLoadTester),
                namespace: args.namespace,
                atomic: true,
                values:
                    this.provider === "appmesh:v1beta2"
                        ? {
                              appmesh: { enabled: true, backends: args.services.flatMap((service) => [service, `${service}-canary`]) },
                              ...(args.router.podServiceAccountName === undefined ? {} : { serviceAccountName: args.router.podServiceAccountName }),
                              podAnnotations: args.router.podAnnotations,
                          }
                        : {},
            },
            { ...k8sOpts, dependsOn: [...routerDependencies, ...args.router.podDependencies] },
        );
        this.loadTesterUrl = `http://${LOADTESTER_NAME}.${args.namespaceName}/`;

        const templates: pulumi.Resource[] = [];
        if (this.provider === "gatewayapi:v1") {
            for (const [template, query] of [
                [LATTICE_TEMPLATES.successRate, latticeSuccessRateQuery()],
                [LATTICE_TEMPLATES.latency, latticeLatencyQuery()],
            ] as const) {
                templates.push(
                    new flagger.MetricTemplate(
                        template,
                        {
                            metadata: { name: template, namespace: args.namespace, labels: PART_OF },
                            spec: { provider: { type: "cloudwatch", region: args.region }, query },
                        },
                        { ...k8sOpts, dependsOn: [this.release] },
                    ),
                );
            }
        }

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
        const router = this.args.router;
        const namespace = this.args.namespaceName;
        const canaryHost = `${spec.name}-canary.${namespace}:${spec.port}`;
        let endpoint: RouteEndpoint;
        let service: flagger.CanarySpecService;
        let loadTest: string;
        const dependencies: pulumi.Resource[] = [];
        if (router instanceof AppMeshRouter) {
            // Flagger's apex virtual service: awsName `<service>.<namespace>`, and a Service of that name.
            endpoint = { host: pulumi.output(router.automated(spec.name)), port: spec.port };
            service = { port: spec.port };
            loadTest = `http://${canaryHost}${spec.healthPath}`;
        } else if (router instanceof LatticeRouter) {
            // Flagger writes the HTTPRoute: on the lattice Gateway, with the service's custom domain
            // name, so callers keep calling `<service>.<zone>`.
            const hostname = latticeHostname(spec.name, router.zoneName);
            endpoint = { host: pulumi.output(hostname), port: LATTICE_LISTENER.port };
            service = { port: spec.port, hosts: [hostname], gatewayRefs: [{ name: router.gatewayName, namespace, sectionName: LATTICE_LISTENER.name }] };
            // Through VPC Lattice: only requests it routes show in the target group metrics.
            loadTest = `http://${hostname}${spec.healthPath}`;
            if (spec.analysis.latticeTargetGroup === undefined) {
                void pulumi.log.warn(
                    `service ${spec.name}: analysis.latticeTargetGroup is not set, so Flagger cannot read the canary's CloudWatch metrics and rolls every release back; ` +
                        `after the first deploy set it to the VPC Lattice target group of Service ${spec.name}-canary (README, "Release modes")`,
                    parent,
                );
            }
            // Health checks of the target groups of the Services Flagger generates (not routes).
            for (const version of ["primary", "canary"]) {
                dependencies.push(
                    new lattice.TargetGroupPolicy(
                        `${spec.name}-${version}-target-group-policy`,
                        {
                            metadata: { name: `${spec.name}-${version}`, namespace: spec.namespace, labels: PART_OF },
                            spec: {
                                targetRef: { group: "", kind: "Service", name: `${spec.name}-${version}` },
                                healthCheck: { enabled: true, path: spec.healthPath, statusMatch: "200" },
                            },
                        },
                        { parent, provider: this.args.k8sProvider, dependsOn: [router] },
                    ),
                );
            }
        } else {
            throw new Error(`router ${router.kind}: Flagger cannot drive it`);
        }

        const canary = new flagger.Canary(
            spec.name,
            {
                metadata: { name: spec.name, namespace: spec.namespace, labels: { app: spec.name, ...PART_OF } },
                spec: {
                    provider: this.provider,
                    targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: spec.name },
                    service,
                    analysis: canaryAnalysis(
                        this.provider,
                        spec,
                        { loadTester: this.loadTesterUrl, smokeTest: `http://${canaryHost}${spec.healthPath}`, loadTest },
                        this.alertProvider,
                    ),
                },
            },
            { parent, provider: this.args.k8sProvider, dependsOn: [...this.canaryDependencies, ...dependencies, target] },
        );
        return { endpoint, canary };
    }
}
