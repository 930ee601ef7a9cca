/**
 * The tracing add-on: the AWS X-Ray daemon the apps send their trace segments to. It runs the
 * pinned daemon image itself (no chart), with its IRSA role from the add-on contract, and tells
 * the workloads what their apps need to reach it (TracingSettings), so that no workload names
 * X-Ray: replacing the daemon (e.g. by the ADOT collector) changes this folder only.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "../../iam";
import { PART_OF, ROLE_ARN_ANNOTATION } from "../../k8s";
import { IMAGES } from "../../versions";
import { AddOnCluster, addOnRole } from "../addon";

export const XRAY_PORT = 2000;
export const XRAY_SERVICE_NAME = "xray-service";
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

/** What a workload needs of the stack's tracing: the environment its app's tracing SDK reads. */
export interface TracingSettings {
    /** The variables of an app whose traces are named `tracingName`, in the order given. */
    workloadEnv(tracingName: string): k8s.types.input.core.v1.EnvVar[];
}

export interface TracingArgs extends AddOnCluster {
    namespace: pulumi.Input<string>;
    /** Plain namespace name, for the IRSA trust policy. */
    namespaceName: string;
    region: string;
}

/**
 * The AWS X-Ray daemon on every node (DaemonSet, UDP and TCP 2000), its config, the headless
 * `xray-service` the apps send segments to, and an IRSA role with write-only X-Ray access.
 */
export class Tracing extends pulumi.ComponentResource implements TracingSettings {
    /** `host:port` for the apps' AWS_XRAY_DAEMON_ADDRESS. */
    public readonly daemonAddress: pulumi.Output<string>;

    constructor(name: string, args: TracingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:tracing:Tracing", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.k8sProvider };
        const labels = { app: XRAY_NAME, ...PART_OF };
        const selector = { app: XRAY_NAME };

        const role = addOnRole(
            name,
            { namespace: args.namespaceName, serviceAccount: XRAY_NAME, managedPolicyArns: [managedPolicyArn(args.region, "AWSXRayDaemonWriteAccess")] },
            args,
            this,
        );
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: { name: XRAY_NAME, namespace: args.namespace, labels, annotations: { [ROLE_ARN_ANNOTATION]: role.roleArn } } },
            k8sOpts,
        );
        const config = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            { metadata: { name: "xray-config", namespace: args.namespace, labels }, data: { "config.yaml": xrayDaemonConfig(args.region) } },
            k8sOpts,
        );
        const ports = [
            { name: "xray-ingest", containerPort: XRAY_PORT, hostPort: XRAY_PORT, protocol: "UDP" },
            { name: "xray-tcp", containerPort: XRAY_PORT, hostPort: XRAY_PORT, protocol: "TCP" },
        ];
        new k8s.apps.v1.DaemonSet(
            `${name}-daemon`,
            {
                metadata: { name: XRAY_NAME, namespace: args.namespace, labels },
                spec: {
                    selector: { matchLabels: selector },
                    updateStrategy: { type: "RollingUpdate" },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: serviceAccount.metadata.name,
                            containers: [
                                {
                                    name: XRAY_NAME,
                                    image: IMAGES.xrayDaemon,
                                    // Arguments to the image's own entrypoint (the daemon binary, which the
                                    // scratch and Amazon Linux builds install at different paths).
                                    args: ["-c", "/aws/xray/config.yaml"],
                                    env: [{ name: "AWS_REGION", value: args.region }],
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
            k8sOpts,
        );
        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: XRAY_SERVICE_NAME, namespace: args.namespace, labels },
                spec: {
                    clusterIP: "None",
                    selector,
                    ports: ports.map((port) => ({ name: port.name, port: XRAY_PORT, targetPort: XRAY_PORT, protocol: port.protocol })),
                },
            },
            k8sOpts,
        );
        this.daemonAddress = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}:${XRAY_PORT}`;
        this.registerOutputs({ daemonAddress: this.daemonAddress });
    }
    /** The X-Ray SDK's variables: the segment name and the daemon's address. */
    workloadEnv(tracingName: string): k8s.types.input.core.v1.EnvVar[] {
        return [
            { name: "AWS_XRAY_TRACING_NAME", value: tracingName },
            { name: "AWS_XRAY_DAEMON_ADDRESS", value: this.daemonAddress },
            // Log and go on when a segment has no context, rather than fail the request.
            { name: "AWS_XRAY_CONTEXT_MISSING", value: "LOG_ERROR" },
        ];
    }
}
