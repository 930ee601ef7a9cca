/**
 * The AWS X-Ray daemon backend (`tracing: xray-daemon`): the pinned daemon image on every node
 * (a DaemonSet on host port 2000, UDP and TCP), with its config file. AWS ends the daemon's support
 * on 2027-02-25; the program warns when a stack chooses it.
 */
import * as k8s from "@pulumi/kubernetes";
import { PART_OF } from "../../k8s";
import { IMAGES } from "../../versions";
import { XRAY_PORT } from "./backends";
import type { TracingBackendContext, TracingBackendResources } from "./index";

export const XRAY_NAME = "xray-daemon";

/**
 * The daemon's config file: listen on all addresses (pods reach it through the Service); the
 * region is given and local mode skips EC2 instance metadata, which pods cannot reach here.
 */
export function xrayDaemonConfig(region: string): string {
    return [
        "TotalBufferSizeMB: 24",
        "Socket:",
        `  UDPAddress: "0.0.0.0:${XRAY_PORT}"`,
        `  TCPAddress: "0.0.0.0:${XRAY_PORT}"`,
        `Region: "${region}"`,
        "LocalMode: true",
        "Version: 2",
        "",
    ].join("\n");
}

export function declareXRayDaemon(context: TracingBackendContext): TracingBackendResources {
    const { name, namespace, opts } = context;
    const labels = { app: XRAY_NAME, ...PART_OF };
    const selector = { app: XRAY_NAME };
    const config = new k8s.core.v1.ConfigMap(
        `${name}-config`,
        { metadata: { name: "xray-config", namespace, labels }, data: { "config.yaml": xrayDaemonConfig(context.region) } },
        opts,
    );
    const ports = [
        { name: "xray-ingest", containerPort: XRAY_PORT, hostPort: XRAY_PORT, protocol: "UDP" as const },
        { name: "xray-tcp", containerPort: XRAY_PORT, hostPort: XRAY_PORT, protocol: "TCP" as const },
    ];
    const workload = new k8s.apps.v1.DaemonSet(
        `${name}-daemon`,
        {
            metadata: { name: XRAY_NAME, namespace, labels },
            spec: {
                selector: { matchLabels: selector },
                updateStrategy: { type: "RollingUpdate" },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: context.serviceAccountName,
                        containers: [
                            {
                                name: XRAY_NAME,
                                image: IMAGES.xrayDaemon,
                                // Arguments to the image's own entrypoint (the daemon binary, which the
                                // scratch and Amazon Linux builds install at different paths).
                                args: ["-c", "/aws/xray/config.yaml"],
                                env: [{ name: "AWS_REGION", value: context.region }],
                                ports,
                                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "512m", memory: "64Mi" } },
                                readinessProbe: { tcpSocket: { port: XRAY_PORT }, periodSeconds: 10 },
                                livenessProbe: { tcpSocket: { port: XRAY_PORT }, initialDelaySeconds: 10, periodSeconds: 20 },
                                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000 },
                                volumeMounts: [{ name: "config", mountPath: "/aws/xray", readOnly: true }],
                            },
                        ],
                        volumes: [{ name: "config", configMap: { name: config.metadata.name } }],
                    },
                },
            },
        },
        opts,
    );
    return { selector, ports: ports.map(({ name: portName, protocol }) => ({ name: portName, protocol })), headless: true, workload };
}
