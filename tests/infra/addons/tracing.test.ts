/**
 * The tracing add-on (infra/addons/tracing/): the ADOT collector by default, the X-Ray daemon with
 * `tracing: xray-daemon`, both behind xray-service on UDP and TCP 2000.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { at, byName, childrenOf, k8sObject, mainContainer, metadata, OfflinePlan, planStack, resourcesOfType, serviceSpec, TYPES, workloadSpec } from "../../helpers";

/** The dev stack with the X-Ray daemon (the suites below "Tracing: the X-Ray daemon"). */
let dev: OfflinePlan;
/** The dev stack as shipped: the ADOT collector. */
let collector: OfflinePlan;
const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
afterAll(() => warn.mockRestore());

/** The warnings of each plan. */
const warned: Record<string, string[]> = {};

beforeAll(async () => {
    collector = await planStack("dev");
    warned.adot = warn.mock.calls.map(([message]) => String(message));
    warn.mockClear();
    dev = await planStack("dev", ["tracing=xray-daemon"]);
    warned["xray-daemon"] = warn.mock.calls.map(([message]) => String(message));
});

describe("Tracing: switching the backend", () => {
    it("names the backend on every app pod, so that switching rolls the apps and their SDKs resolve xray-service again", () => {
        for (const [plan, backend] of [
            [collector, "adot"],
            [dev, "xray-daemon"],
        ] as const) {
            const apps = resourcesOfType(plan, TYPES.deployment).filter((deployment) => metadata(deployment).namespace === "eks-canary");
            expect(apps.length).toBe(3);
            for (const app of apps) {
                expect(workloadSpec(app).template.metadata.annotations?.["eks-canary/tracing"], app.name).toBe(backend);
            }
        }
    });
});

describe("Tracing: the ADOT collector, the default", () => {
    function deployment(): ReturnType<typeof byName> {
        return k8sObject(collector, TYPES.deployment, "adot-collector");
    }
    function collectorConfig(): Record<string, unknown> {
        const config = k8sObject(collector, TYPES.configMap, "adot-collector-config");
        return JSON.parse(String(at(config.inputs, "data", "collector.yaml"))) as Record<string, unknown>;
    }

    it("runs the pinned ADOT image in kube-system, two replicas, and no X-Ray daemon", () => {
        expect(metadata(deployment())).toMatchObject({ namespace: "kube-system" });
        expect(deployment().parent).toBe("xray");
        expect(workloadSpec(deployment()).replicas).toBe(2);
        expect(mainContainer(deployment()).image).toBe("public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0");
        expect(resourcesOfType(collector, TYPES.daemonSet)).toEqual([]);
        expect(warned.adot.filter((message) => message.includes("tracing"))).toEqual([]);
    });

    it("takes X-Ray segments on UDP 2000 and sampling calls on TCP 2000, and sends them to X-Ray in the stack's region", () => {
        const config = collectorConfig();
        expect(at(config, "receivers", "awsxray")).toEqual({
            endpoint: "0.0.0.0:2000",
            transport: "udp",
            proxy_server: { endpoint: "0.0.0.0:2000", region: "eu-west-1", local_mode: true },
        });
        expect(at(config, "exporters")).toEqual({ awsxray: { region: "eu-west-1", local_mode: true } });
        expect(at(config, "service", "pipelines")).toEqual({ traces: { receivers: ["awsxray"], processors: ["memory_limiter", "batch/traces"], exporters: ["awsxray"] } });
    });

    it("uses only the upstream components' documented keys", () => {
        const config = collectorConfig();
        // The keys of each component's README at collector-contrib v0.156.0, which ADOT v0.49.0 is built from.
        const documented: [string[], readonly string[]][] = [
            [
                ["extensions", "health_check"],
                ["endpoint", "path", "tls", "cors", "auth", "response_headers", "check_collector_pipeline"],
            ],
            [
                ["receivers", "awsxray"],
                ["endpoint", "transport", "proxy_server"],
            ],
            [
                ["receivers", "awsxray", "proxy_server"],
                ["endpoint", "proxy_address", "tls", "region", "role_arn", "aws_endpoint", "local_mode"],
            ],
            [
                ["processors", "memory_limiter"],
                ["check_interval", "limit_mib", "spike_limit_mib", "limit_percentage", "spike_limit_percentage"],
            ],
            [
                ["processors", "batch/traces"],
                ["timeout", "send_batch_size", "send_batch_max_size", "metadata_keys", "metadata_cardinality_limit"],
            ],
            [
                ["exporters", "awsxray"],
                ["num_workers", "endpoint", "request_timeout_seconds", "max_retries", "no_verify_ssl", "proxy_address", "region", "local_mode", "resource_arn", "role_arn"],
            ],
        ];
        for (const [path, keys] of documented) {
            const section = at(config, ...path) as Record<string, unknown>;
            expect(
                Object.keys(section).filter((key) => !keys.includes(key)),
                path.join("."),
            ).toEqual([]);
        }
        expect(Object.keys(at(config, "extensions") as object)).toEqual(["health_check"]);
        expect(Object.keys(at(config, "processors") as object)).toEqual(["memory_limiter", "batch/traces"]);
        expect(Object.keys(config).sort()).toEqual(["exporters", "extensions", "processors", "receivers", "service"]);
    });

    it("has requests, limits, a memory budget under its limit, and probes on the health_check extension", () => {
        const container = mainContainer(deployment());
        expect(container.resources).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } });
        expect(at(collectorConfig(), "processors", "memory_limiter")).toEqual({ check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 });
        expect(at(collectorConfig(), "extensions", "health_check")).toEqual({ endpoint: "0.0.0.0:13133" });
        expect(container.readinessProbe).toEqual({ httpGet: { path: "/", port: 13133 }, periodSeconds: 10 });
        expect(container.livenessProbe).toEqual({ httpGet: { path: "/", port: 13133 }, initialDelaySeconds: 10, periodSeconds: 20 });
        expect(container.args).toEqual(["--config=/conf/collector.yaml"]);
        expect(container.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 4317, readOnlyRootFilesystem: true });
    });

    it("keeps one replica through a node drain", () => {
        const budget = k8sObject(collector, TYPES.pdb, "adot-collector");
        expect(at(budget.inputs, "spec")).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: "adot-collector" } } });
    });

    it("sits behind the same xray-service, a cluster IP on UDP and TCP 2000, which waits for the collector", () => {
        const service = k8sObject(collector, TYPES.service, "xray-service");
        expect(service.name).toBe("xray-service");
        const spec = serviceSpec(service);
        expect(spec.clusterIP).toBeUndefined();
        expect(spec.selector).toEqual({ app: "adot-collector" });
        expect(spec.ports?.map((port) => [port.port, port.targetPort, port.protocol])).toEqual([
            [2000, 2000, "UDP"],
            [2000, 2000, "TCP"],
        ]);
        expect(service.dependsOn).toEqual(["xray-collector"]);
    });

    it("may only send segments and relay sampling, through its own service account's role", () => {
        const policies = childrenOf(collector, "xray-irsa").filter((child) => child.type === TYPES.rolePolicy);
        expect(policies).toHaveLength(1);
        expect(JSON.parse(String(policies[0].inputs.policy))).toEqual({
            Version: "2012-10-17",
            Statement: [{ Sid: "SendTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:GetSamplingRules", "xray:GetSamplingTargets"], Resource: "*" }],
        });
        expect(childrenOf(collector, "xray-irsa").filter((child) => child.type === TYPES.rolePolicyAttachment)).toEqual([]);
        const account = k8sObject(collector, TYPES.serviceAccount, "adot-collector");
        expect(metadata(account).annotations).toEqual({ "eks.amazonaws.com/role-arn": "(known after deploy: xray-irsa.arn)" });
        expect(workloadSpec(deployment()).template.spec.serviceAccountName).toBe("adot-collector");
    });
});

describe("Tracing: the X-Ray daemon DaemonSet (tracing: xray-daemon)", () => {
    function daemonSet(): ReturnType<typeof byName> {
        const sets = resourcesOfType(dev, TYPES.daemonSet);
        expect(sets).toHaveLength(1);
        expect(sets[0].parent).toBe("xray");
        return sets[0];
    }

    it("warns that AWS ends the daemon's support on 2027-02-25", () => {
        expect(warned["xray-daemon"].filter((message) => message.includes("ends its support on 2027-02-25"))).toHaveLength(1);
    });

    it("runs the pinned daemon image in kube-system, outside the app namespace (and any mesh)", () => {
        expect(metadata(daemonSet())).toMatchObject({ name: "xray-daemon", namespace: "kube-system" });
        expect(mainContainer(daemonSet()).image).toBe("public.ecr.aws/xray/aws-xray-daemon:3.6.6");
    });

    it("listens on host port 2000 over UDP and TCP", () => {
        expect(mainContainer(daemonSet()).ports).toEqual([
            { name: "xray-ingest", containerPort: 2000, hostPort: 2000, protocol: "UDP" },
            { name: "xray-tcp", containerPort: 2000, hostPort: 2000, protocol: "TCP" },
        ]);
    });

    it("reads its config from the ConfigMap", () => {
        const container = mainContainer(daemonSet());
        // The image's entrypoint runs the daemon; the program only adds the config file.
        expect(container.command).toBeUndefined();
        expect(container.args).toEqual(["-c", "/aws/xray/config.yaml"]);
        expect(container.volumeMounts).toEqual([{ name: "config", mountPath: "/aws/xray", readOnly: true }]);
        expect(workloadSpec(daemonSet()).template.spec.volumes).toEqual([{ name: "config", configMap: { name: "xray-config" } }]);
    });

    it("has requests and limits", () => {
        expect(mainContainer(daemonSet()).resources).toEqual({ requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "512m", memory: "64Mi" } });
    });

    it("runs as the xray-daemon service account and selects its own pods", () => {
        const spec = workloadSpec(daemonSet());
        expect(spec.template.spec.serviceAccountName).toBe("xray-daemon");
        expect(spec.selector.matchLabels).toEqual({ app: "xray-daemon" });
        expect(spec.template.metadata.labels).toMatchObject({ app: "xray-daemon" });
    });
});

describe("Tracing: the daemon's config", () => {
    it("listens on 0.0.0.0:2000 for UDP and TCP, in the stack's region, without instance metadata", () => {
        const config = k8sObject(dev, TYPES.configMap, "xray-config");
        expect(metadata(config).namespace).toBe("kube-system");
        const text = String(at(config.inputs, "data", "config.yaml"));
        expect(text).toContain('UDPAddress: "0.0.0.0:2000"');
        expect(text).toContain('TCPAddress: "0.0.0.0:2000"');
        expect(text).toContain('Region: "eu-west-1"');
        // Pods cannot reach instance metadata (hop limit 1): local mode and a given region.
        expect(text).toMatch(/^LocalMode: true$/m);
    });
});

describe("Tracing: xray-service", () => {
    it("is headless, selects the daemon and serves both protocols on 2000", () => {
        const service = k8sObject(dev, TYPES.service, "xray-service");
        expect(service.parent).toBe("xray");
        expect(metadata(service).namespace).toBe("kube-system");
        const spec = serviceSpec(service);
        expect(spec.clusterIP).toBe("None");
        expect(spec.selector).toEqual({ app: "xray-daemon" });
        expect(spec.ports?.map((port) => [port.port, port.targetPort, port.protocol])).toEqual([
            [2000, 2000, "UDP"],
            [2000, 2000, "TCP"],
        ]);
    });
});

describe("Tracing: the IRSA role", () => {
    it("has only the AWSXRayDaemonWriteAccess managed policy", () => {
        const children = childrenOf(dev, "xray-irsa");
        expect(children.filter((child) => child.type === TYPES.rolePolicy)).toEqual([]);
        const attachments = children.filter((child) => child.type === TYPES.rolePolicyAttachment);
        expect(attachments.map((attachment) => attachment.inputs.policyArn)).toEqual(["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]);
        expect(attachments[0].inputs.role).toBe("(known after deploy: xray-irsa.name)");
    });

    it("is the service account's role", () => {
        const account = k8sObject(dev, TYPES.serviceAccount, "xray-daemon");
        expect(metadata(account).annotations).toEqual({ "eks.amazonaws.com/role-arn": "(known after deploy: xray-irsa.arn)" });
        expect(metadata(account).namespace).toBe("kube-system");
    });
});
