import { CHARTS } from "../../../infra/versions";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LATTICE_TEMPLATES } from "../../../infra/routers/lattice/flagger";
import { checkSpec } from "../../../infra/crds";
import * as flagger from "../../../infra/crds/flagger";
import { diffPlans } from "../../../tools/diff";
import {
    at,
    byName,
    configErrors,
    DeclaredResource,
    envOf,
    k8sObject,
    mainContainer,
    metadata,
    OfflinePlan,
    planStack,
    policyOf,
    resourcesOfType,
    splitOf,
    TYPES,
    workloadSpec,
} from "../../helpers";

/** The resource types the suite reads: the program's table, and the Flagger component's own type. */
const T = { ...TYPES, flagger: "eks-canary:canary:Flagger" } as const;
const AUTOMATED = "services.notification.mode=automated";
const APPMESH = ["router=appmesh", AUTOMATED];
const LATTICE = ["router=lattice", AUTOMATED];
const ALERTS = ["flagger.alerts.provider=slack", "flagger.alerts.channel=#releases", "flaggerAlertUrl=https://hooks.slack.com/services/T000/B000/XXXX"];
const NEW_IMAGE = "services.notification.canary.image=stacksimplify/kube-notifications-microservice:5.0.0-AWS-XRay";

let appmesh: OfflinePlan;
let lattice: OfflinePlan;
let latticeNewImage: OfflinePlan;
let tuned: OfflinePlan;
let alerts: OfflinePlan;
let dev: OfflinePlan;
let prod: OfflinePlan;
const warnings: string[] = [];

beforeAll(async () => {
    vi.spyOn(pulumi.log, "warn").mockImplementation((message: string) => {
        warnings.push(message);
        return Promise.resolve();
    });
    appmesh = await planStack("dev", APPMESH);
    lattice = await planStack("dev", LATTICE);
    latticeNewImage = await planStack("dev", [...LATTICE, NEW_IMAGE]);
    tuned = await planStack("dev", [
        ...LATTICE,
        "services.notification.analysis.interval=30s",
        "services.notification.analysis.threshold=3",
        "services.notification.analysis.stepWeights[0]=10",
        "services.notification.analysis.stepWeights[1]=25",
        "services.notification.analysis.stepWeights[2]=60",
        "services.notification.analysis.successRateMin=95",
        "services.notification.analysis.latencyMaxMs=800",
        "services.notification.analysis.loadTest.requestsPerSecond=20",
        "services.notification.analysis.latticeTargetGroup=tg-0123456789abcdef0",
    ]);
    alerts = await planStack("dev", [...APPMESH, ...ALERTS]);
    dev = await planStack("dev");
    prod = await planStack("prod");
}, 120_000);

afterAll(() => {
    vi.restoreAllMocks();
});

function spec(resource: DeclaredResource): Record<string, unknown> {
    return at(resource.inputs, "spec") as Record<string, unknown>;
}

function canaryOf(plan: OfflinePlan): DeclaredResource {
    return byName(plan, "notification", T.canary);
}

describe("the Canary per router", () => {
    it("appmesh: provider appmesh:v1beta2, the Deployment as target, the seed's analysis with Flagger's builtin checks", () => {
        const canary = canaryOf(appmesh);
        expect(canary.parent).toBe("notification");
        expect(metadata(canary)).toMatchObject({ name: "notification", namespace: "eks-canary" });
        expect(spec(canary)).toMatchObject({
            provider: "appmesh:v1beta2",
            targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "notification" },
            service: { port: 8096 },
        });
        expect(at(spec(canary), "analysis")).toMatchObject({
            interval: "1m",
            threshold: 5,
            maxWeight: 50,
            stepWeight: 5,
            metrics: [
                { name: "request-success-rate", thresholdRange: { min: 99 }, interval: "1m" },
                { name: "request-duration", thresholdRange: { max: 500 }, interval: "1m" },
            ],
        });
        expect(JSON.stringify(at(spec(canary), "analysis", "metrics"))).not.toContain("templateRef");
    });

    it("appmesh: a pre-rollout smoke check, a load-generating rollout webhook and a rollback gate, through the load tester", () => {
        const webhooks = at(spec(canaryOf(appmesh)), "analysis", "webhooks") as Record<string, unknown>[];
        expect(webhooks).toEqual([
            {
                name: "smoke-test",
                type: "pre-rollout",
                url: "http://flagger-loadtester.eks-canary/",
                timeout: "30s",
                metadata: { type: "bash", cmd: "curl -sf http://notification-canary.eks-canary:8096/notification/health-status" },
            },
            {
                name: "load-test",
                type: "rollout",
                url: "http://flagger-loadtester.eks-canary/",
                timeout: "5s",
                metadata: { cmd: "hey -z 1m -q 10 -c 2 http://notification-canary.eks-canary:8096/notification/health-status" },
            },
            { name: "manual-rollback", type: "rollback", url: "http://flagger-loadtester.eks-canary/rollback/check", timeout: "5s" },
        ]);
    });

    it("lattice: provider gatewayapi:v1 on the lattice Gateway, with the service's private host name", () => {
        const canary = canaryOf(lattice);
        expect(spec(canary)).toMatchObject({
            provider: "gatewayapi:v1",
            targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "notification" },
            service: {
                port: 8096,
                hosts: ["notification.eks-canary-dev.internal"],
                gatewayRefs: [{ name: "eks-canary-dev", namespace: "eks-canary", sectionName: "http" }],
            },
        });
        const metrics = at(spec(canary), "analysis", "metrics") as Record<string, unknown>[];
        expect(metrics).toEqual([
            {
                name: "success-rate",
                templateRef: { name: LATTICE_TEMPLATES.successRate },
                templateVariables: { targetGroup: "" },
                thresholdRange: { min: 99 },
                interval: "1m",
            },
            { name: "latency", templateRef: { name: LATTICE_TEMPLATES.latency }, templateVariables: { targetGroup: "" }, thresholdRange: { max: 500 }, interval: "1m" },
        ]);
        // The load goes through VPC Lattice, where the target group metrics are measured.
        expect(at(spec(canary), "analysis", "webhooks", 1, "metadata", "cmd")).toBe("hey -z 1m -q 10 -c 2 http://notification.eks-canary-dev.internal/notification/health-status");
        expect(warnings.some((warning) => warning.includes("analysis.latticeTargetGroup is not set"))).toBe(true);
    });

    it("takes the analysis from config: interval, threshold, step list, success rate, latency, load, target group", () => {
        const analysis = at(spec(canaryOf(tuned)), "analysis") as Record<string, unknown>;
        expect(analysis).toMatchObject({ interval: "30s", threshold: 3, stepWeights: [10, 25, 60] });
        expect(analysis.stepWeight).toBeUndefined();
        expect(analysis.maxWeight).toBeUndefined();
        expect(analysis.metrics).toMatchObject([
            { thresholdRange: { min: 95 }, interval: "30s", templateVariables: { targetGroup: "tg-0123456789abcdef0" } },
            { thresholdRange: { max: 800 }, interval: "30s", templateVariables: { targetGroup: "tg-0123456789abcdef0" } },
        ]);
        expect(at(analysis, "webhooks", 1, "metadata", "cmd")).toBe("hey -z 30s -q 20 -c 2 http://notification.eks-canary-dev.internal/notification/health-status");
    });

    it("gives a metric read through a MetricTemplate a name of its own: Flagger runs its builtin check for a builtin name even beside a templateRef", async () => {
        const local = await planStack("local");
        for (const plan of [lattice, local]) {
            const metrics = at(spec(canaryOf(plan)), "analysis", "metrics") as { name: string; templateRef?: unknown }[];
            expect(metrics.map((metric) => [metric.name, metric.templateRef !== undefined])).toEqual([
                ["success-rate", true],
                ["latency", true],
            ]);
        }
        // Builtins (App Mesh's Prometheus) keep Flagger's names.
        expect((at(spec(canaryOf(appmesh)), "analysis", "metrics") as { name: string }[]).map((metric) => metric.name)).toEqual(["request-success-rate", "request-duration"]);
    });

    it("passes the generated CRD checks as declared", () => {
        for (const plan of [appmesh, lattice, tuned, alerts]) {
            for (const canary of resourcesOfType(plan, T.canary)) {
                expect(checkSpec(flagger.CanarySpecSchema, spec(canary), "spec")).toEqual([]);
            }
            for (const template of resourcesOfType(plan, T.metricTemplate)) {
                expect(checkSpec(flagger.MetricTemplateSpecSchema, spec(template), "spec")).toEqual([]);
            }
            for (const provider of resourcesOfType(plan, T.alertProvider)) {
                expect(checkSpec(flagger.AlertProviderSpecSchema, spec(provider), "spec")).toEqual([]);
            }
        }
    });
});

describe("Flagger, once per stack", () => {
    it("is the pinned flagger chart with the router's mesh provider", () => {
        const meshRelease = byName(appmesh, "flagger-release", TYPES.helmRelease);
        expect(meshRelease.parent).toBe("flagger");
        expect(meshRelease.inputs).toMatchObject({
            name: "flagger",
            chart: "flagger",
            version: "1.44.0",
            repositoryOpts: { repo: "https://flagger.app" },
            namespace: "flagger-system",
            values: { meshProvider: "appmesh:v1beta2", metricsServer: "http://appmesh-prometheus.appmesh-system:9090" },
        });
        const latticeRelease = byName(lattice, "flagger-release", TYPES.helmRelease);
        expect(at(latticeRelease.inputs, "values", "meshProvider")).toBe("gatewayapi:v1");
        // Lattice metrics come from CloudWatch MetricTemplates: Flagger is told there is no Prometheus.
        expect(at(latticeRelease.inputs, "values", "metricsServer")).toBe("none");
        expect(resourcesOfType(appmesh, T.flagger)).toHaveLength(1);
    });

    it("appmesh: Prometheus scraping Envoy (the eks-charts appmesh-prometheus chart), no MetricTemplates or AWS role", () => {
        expect(byName(appmesh, "flagger-appmesh-prometheus", TYPES.helmRelease).inputs).toMatchObject({
            chart: "appmesh-prometheus",
            version: CHARTS.appMeshPrometheus.version,
            repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
            namespace: "appmesh-system",
        });
        expect(resourcesOfType(appmesh, T.metricTemplate)).toEqual([]);
        expect(appmesh.resources.some((resource) => resource.name === "flagger-irsa")).toBe(false);
    });

    it("lattice: CloudWatch MetricTemplates over AWS/VpcLattice target group metrics, and an IRSA role that may only read metrics", () => {
        const success = k8sObject(lattice, T.metricTemplate, LATTICE_TEMPLATES.successRate);
        expect(at(success.inputs, "spec", "provider")).toEqual({ type: "cloudwatch", region: "eu-west-1" });
        const successQuery = JSON.parse(at(success.inputs, "spec", "query") as string) as Record<string, unknown>[];
        expect(successQuery[0]).toMatchObject({ Id: "successRate", Expression: "100 - 100 * (FILL(target5xx, 0) + FILL(connectionErrors, 0)) / requests" });
        expect(successQuery.slice(1).map((query) => at(query, "MetricStat", "Metric", "MetricName"))).toEqual(["HTTPCode_5XX_Count", "ConnectionErrorCount", "TotalRequestCount"]);
        const latency = JSON.parse(at(k8sObject(lattice, T.metricTemplate, LATTICE_TEMPLATES.latency).inputs, "spec", "query") as string) as Record<string, unknown>[];
        expect(latency[0]).toMatchObject({
            MetricStat: {
                Metric: { Namespace: "AWS/VpcLattice", MetricName: "RequestTime", Dimensions: [{ Name: "TargetGroup", Value: "{{ variables.targetGroup }}" }] },
                Stat: "p99",
            },
        });

        const policy = policyOf(byName(lattice, "flagger-irsa", TYPES.rolePolicy).inputs.policy);
        expect(policy.Statement).toEqual([{ Sid: "ReadCanaryMetrics", Effect: "Allow", Action: "cloudwatch:GetMetricData", Resource: "*" }]);
        const trust = policyOf(byName(lattice, "flagger-irsa", TYPES.role).inputs.assumeRolePolicy);
        expect(JSON.stringify(trust)).toContain("system:serviceaccount:flagger-system:flagger");
        expect(at(byName(lattice, "flagger-release", TYPES.helmRelease).inputs, "values", "serviceAccount", "annotations", "eks.amazonaws.com/role-arn")).toMatch(/flagger-irsa/);
    });

    it("runs the pinned load tester in the app namespace; with App Mesh, in the mesh with the service and its canary as backends", () => {
        const tester = byName(appmesh, "flagger-loadtester", TYPES.helmRelease);
        expect(tester.inputs).toMatchObject({
            name: "flagger-loadtester",
            chart: "loadtester",
            version: "0.38.0",
            repositoryOpts: { repo: "https://flagger.app" },
            namespace: "eks-canary",
        });
        expect(at(tester.inputs, "values", "appmesh")).toEqual({ enabled: true, backends: ["notification", "notification-canary"] });
        expect(byName(lattice, "flagger-loadtester", TYPES.helmRelease).inputs).toMatchObject({ version: "0.38.0", values: {} });
    });

    it("alerts: an AlertProvider reading the URL from a Secret that holds it as a secret, referenced by the Canary", () => {
        const provider = byName(alerts, "flagger-alert-provider", T.alertProvider);
        expect(spec(provider)).toEqual({ type: "slack", channel: "#releases", username: "flagger", secretRef: { name: "flagger-alerts" } });
        const secret = k8sObject(alerts, TYPES.secret, "flagger-alerts");
        // The whole stringData is secret on the wire (the address key inside it).
        expect(secret.inputs.stringData).toBe("[secret]");
        expect(at(spec(canaryOf(alerts)), "analysis", "alerts")).toEqual([
            { name: "rollout events", severity: "info", providerRef: { name: "flagger-alerts", namespace: "eks-canary" } },
        ]);
        expect(JSON.stringify(alerts.resources)).not.toContain("hooks.slack.com");
        expect(resourcesOfType(appmesh, T.alertProvider)).toEqual([]);
        expect(at(spec(canaryOf(appmesh)), "analysis")).not.toHaveProperty("alerts");
    });
});

describe("automated mode does not fight Flagger", () => {
    it("declares one target Deployment named after the service, with the canary image and the service's replicas, and no v1/v2 workloads", () => {
        for (const plan of [appmesh, lattice]) {
            const target = byName(plan, "notification-target", TYPES.deployment);
            expect(metadata(target).name).toBe("notification");
            expect(workloadSpec(target).replicas).toBe(2);
            expect(workloadSpec(target).selector.matchLabels).toEqual({ app: "notification" });
            expect(mainContainer(target).image).toBe("stacksimplify/kube-notifications-microservice:4.0.0-AWS-XRay");
            expect(plan.resources.filter((resource) => /^notification-v[12]/.test(resource.name))).toEqual([]);
            expect(resourcesOfType(plan, TYPES.service).filter((resource) => String(metadata(resource).name).startsWith("notification"))).toEqual([]);
        }
    });

    it("declares no routes for the service: App Mesh objects and the HTTPRoute are Flagger's", () => {
        for (const type of [T.virtualRouter, T.virtualService]) {
            expect(resourcesOfType(appmesh, type)).toEqual([]);
        }
        expect(resourcesOfType(appmesh, T.virtualNode).map((node) => metadata(node).name)).toEqual(["usermgmt"]);
        expect(resourcesOfType(lattice, T.httpRoute)).toEqual([]);
    });

    it("points the caller at Flagger's apex service: App Mesh backend and host, or the lattice host name", () => {
        const usermgmtNode = k8sObject(appmesh, T.virtualNode, "usermgmt");
        expect(at(usermgmtNode.inputs, "spec", "backends")).toEqual([{ virtualService: { virtualServiceRef: { name: "notification" } } }]);
        const env = (plan: OfflinePlan): Record<string, unknown> => {
            const vars = envOf(mainContainer(byName(plan, "usermgmt-deployment", TYPES.deployment)));
            return { host: vars.NOTIFICATION_SERVICE_HOST.value, port: vars.NOTIFICATION_SERVICE_PORT.value };
        };
        expect(env(appmesh)).toEqual({ host: "notification.eks-canary", port: "8096" });
        expect(env(lattice)).toEqual({ host: "notification.eks-canary-dev.internal", port: "80" });
    });

    it("a new canary image changes only the target Deployment's pod template", () => {
        const change = diffPlans(lattice, latticeNewImage);
        expect(change.added).toEqual([]);
        expect(change.removed).toEqual([]);
        expect(change.changed.map(({ after }) => `${after.type}::${after.name}`)).toEqual([`${TYPES.deployment}::notification-target`]);
        const [{ before, after }] = change.changed;
        const beforeSpec = structuredClone(workloadSpec(before));
        const afterSpec = structuredClone(workloadSpec(after));
        expect(afterSpec.template.spec.containers[0].image).toBe("stacksimplify/kube-notifications-microservice:5.0.0-AWS-XRay");
        afterSpec.template.spec.containers[0].image = beforeSpec.template.spec.containers[0].image;
        (afterSpec.template.metadata.annotations as Record<string, string>)["eks-canary/image"] = (beforeSpec.template.metadata.annotations as Record<string, string>)[
            "eks-canary/image"
        ];
        expect(afterSpec).toEqual(beforeSpec);
    });

    it("reports the mode and the analysis in the canary output", () => {
        expect(splitOf(appmesh)).toMatchObject({
            router: "appmesh",
            mode: "automated",
            weight: 0,
            analysis: { interval: "1m", threshold: 5, maxWeight: 50, stepWeight: 5, successRateMin: 99, latencyMaxMs: 500 },
        });
        expect(splitOf(dev)).toMatchObject({ mode: "manual", weight: 50 });
        expect(splitOf(dev).analysis).toBeUndefined();
    });
});

describe("manual mode declares no Flagger resources", () => {
    it.each(["dev", "prod"])("%s as it is", (stack) => {
        const plan = stack === "dev" ? dev : prod;
        expect(plan.resources.filter((resource) => resource.type.startsWith("kubernetes:flagger.app/") || resource.type === T.flagger)).toEqual([]);
        expect(resourcesOfType(plan, TYPES.helmRelease).map((release) => release.inputs.chart)).not.toContain("flagger");
        expect(splitOf(plan).mode).toBe("manual");
    });
});

describe("automated mode and a configured weight", () => {
    it("ignores a configured canary weight in automated mode, with a warning", () => {
        expect(configErrors([AUTOMATED])).toEqual([]);
        expect(warnings.some((warning) => warning.includes("canary.weight 50 is ignored in automated mode"))).toBe(true);
    });
});
