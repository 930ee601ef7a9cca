/**
 * The ADOT collector backend (`tracing: adot`, the default): the AWS Distro for OpenTelemetry
 * collector, which AWS names as the X-Ray daemon's successor. Its `awsxray` receiver takes the
 * daemon's place (segments on UDP 2000, the sampling proxy on TCP 2000) and its `awsxray` exporter
 * sends them to X-Ray, so the apps' X-Ray SDKs work unchanged; OpenTelemetry SDKs can follow.
 *
 * Every key of the config is one the component's README defines at the collector-contrib release
 * the pinned image is built from (IMAGES.adotCollector): the awsxray receiver and exporter, the
 * memory_limiter and batch processors and the health_check extension.
 */
import * as k8s from "@pulumi/kubernetes";
import type { PolicyDocument } from "../../iam";
import { PART_OF } from "../../k8s";
import { IMAGES } from "../../versions";
import { XRAY_PORT } from "./backends";
import type { TracingBackendContext, TracingBackendResources } from "./index";

export const ADOT_NAME = "adot-collector";

/** The collector may only send segments and relay sampling: the calls of the X-Ray exporter and of the receiver's TCP proxy. */
export const ADOT_XRAY_POLICY: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "SendTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:GetSamplingRules", "xray:GetSamplingTargets"], Resource: "*" }],
};

/** The health_check extension's port: the probes' target. */
export const ADOT_HEALTH_PORT = 13133;

/** The image's user (its Dockerfile's USER_UID): set, since the image names its user and runAsNonRoot needs a number. */
const ADOT_UID = 4317;

/**
 * The collector's pipeline: X-Ray segments in, X-Ray segments out, within a memory budget.
 * Region given and `local_mode` on: pods cannot reach instance metadata here (hop limit 1).
 */
export function adotCollectorConfig(region: string): Record<string, unknown> {
    return {
        extensions: { health_check: { endpoint: `0.0.0.0:${ADOT_HEALTH_PORT}` } },
        receivers: {
            awsxray: {
                endpoint: `0.0.0.0:${XRAY_PORT}`,
                transport: "udp",
                proxy_server: { endpoint: `0.0.0.0:${XRAY_PORT}`, region, local_mode: true },
            },
        },
        processors: {
            // Refuse data before the container's memory limit is reached, rather than be OOM-killed.
            memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
            "batch/traces": { timeout: "1s", send_batch_size: 50 },
        },
        exporters: { awsxray: { region, local_mode: true } },
        service: {
            extensions: ["health_check"],
            pipelines: { traces: { receivers: ["awsxray"], processors: ["memory_limiter", "batch/traces"], exporters: ["awsxray"] } },
        },
    };
}

/** Two collector replicas (a Deployment, kept one at a time through node drains) behind xray-service. */
export function declareAdotCollector(context: TracingBackendContext): TracingBackendResources {
    const { name, namespace, opts } = context;
    const selector = { app: ADOT_NAME };
    const labels = { ...selector, ...PART_OF };
    const config = new k8s.core.v1.ConfigMap(
        `${name}-collector-config`,
        // JSON is YAML: the collector reads it as its config file.
        { metadata: { name: "adot-collector-config", namespace, labels }, data: { "collector.yaml": JSON.stringify(adotCollectorConfig(context.region), null, 2) } },
        opts,
    );
    const health = { httpGet: { path: "/", port: ADOT_HEALTH_PORT } };
    const workload = new k8s.apps.v1.Deployment(
        `${name}-collector`,
        {
            metadata: { name: ADOT_NAME, namespace, labels },
            spec: {
                replicas: 2,
                selector: { matchLabels: selector },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: context.serviceAccountName,
                        // One replica per node where the nodes allow it.
                        topologySpreadConstraints: [
                            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } },
                        ],
                        containers: [
                            {
                                name: ADOT_NAME,
                                image: IMAGES.adotCollector,
                                // The image's entrypoint is the collector; this replaces its default config file.
                                args: ["--config=/conf/collector.yaml"],
                                env: [{ name: "AWS_REGION", value: context.region }],
                                ports: [
                                    { name: "xray-ingest", containerPort: XRAY_PORT, protocol: "UDP" },
                                    { name: "xray-tcp", containerPort: XRAY_PORT, protocol: "TCP" },
                                    { name: "health", containerPort: ADOT_HEALTH_PORT, protocol: "TCP" },
                                ],
                                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                                readinessProbe: { ...health, periodSeconds: 10 },
                                livenessProbe: { ...health, initialDelaySeconds: 10, periodSeconds: 20 },
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    readOnlyRootFilesystem: true,
                                    runAsNonRoot: true,
                                    runAsUser: ADOT_UID,
                                    runAsGroup: ADOT_UID,
                                    capabilities: { drop: ["ALL"] },
                                },
                                volumeMounts: [{ name: "config", mountPath: "/conf", readOnly: true }],
                            },
                        ],
                        volumes: [{ name: "config", configMap: { name: config.metadata.name } }],
                    },
                },
            },
        },
        opts,
    );
    new k8s.policy.v1.PodDisruptionBudget(
        `${name}-collector-pdb`,
        { metadata: { name: ADOT_NAME, namespace, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
        opts,
    );
    return {
        selector,
        ports: [
            { name: "xray-ingest", protocol: "UDP" },
            { name: "xray-tcp", protocol: "TCP" },
        ],
        headless: false,
        workload,
    };
}
