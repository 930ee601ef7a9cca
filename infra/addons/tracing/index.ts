/**
 * The tracing add-on: what the apps' X-Ray SDKs send their segments to, at `xray-service:2000`
 * (UDP for segments, TCP for sampling rules). The `tracing` config key picks the backend behind
 * that address: the ADOT collector (./adot-collector.ts, the default) or the X-Ray daemon
 * (./xray-daemon.ts, whose support ends on 2027-02-25). The Service's name and ports, the IRSA
 * role and the workloads' environment are the same under both, and no workload names the backend
 * (TracingSettings). Switching is one config change; `xray-service` is then replaced (headless for
 * the daemon, a cluster IP for the collector, and a Service's cluster IP cannot change in place),
 * and the apps' pods roll (their annotation names the backend) so their SDKs resolve it again.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "../../iam";
import { PART_OF, ROLE_ARN_ANNOTATION } from "../../k8s";
import { AddOnCluster, addOnRole, AddOnPermissions } from "../addon";
import { ADOT_NAME, ADOT_XRAY_POLICY, declareAdotCollector } from "./adot-collector";
import { TracingBackend, XRAY_DAEMON_END_OF_SUPPORT, XRAY_PORT } from "./backends";
import { declareXRayDaemon, XRAY_NAME } from "./xray-daemon";

export { DEFAULT_TRACING_BACKEND, TRACING_BACKENDS, TRACING_CHOICES, XRAY_DAEMON_END_OF_SUPPORT, XRAY_PORT } from "./backends";
export type { TracingBackend, TracingChoice } from "./backends";

export const XRAY_SERVICE_NAME = "xray-service";

/** The apps' pod annotation that names the tracing backend. */
export const TRACING_ANNOTATION = "eks-canary/tracing";

/** What a workload needs of the stack's tracing: the environment its app's tracing SDK reads. */
export interface TracingSettings {
    /** The variables of an app whose traces are named `tracingName`, in the order given. */
    workloadEnv(tracingName: string): k8s.types.input.core.v1.EnvVar[];
    /**
     * Annotations of the apps' pods that name the backend: switching it rolls the apps, whose X-Ray
     * SDKs resolve `xray-service` once, at start.
     */
    readonly podAnnotations: Record<string, string>;
}

/**
 * `tracing: none`: no backend. The SDK keeps its default address (127.0.0.1:2000, where nothing
 * listens), so segments are dropped without an error; its sampling-rule poller logs that it cannot
 * reach the daemon and samples by its local rules.
 */
export const NO_TRACING: TracingSettings = {
    workloadEnv: (tracingName) => [
        { name: "AWS_XRAY_TRACING_NAME", value: tracingName },
        { name: "AWS_XRAY_CONTEXT_MISSING", value: "LOG_ERROR" },
    ],
    podAnnotations: { [TRACING_ANNOTATION]: "none" },
};

export interface TracingArgs extends AddOnCluster {
    backend: TracingBackend;
    namespace: pulumi.Input<string>;
    /** Plain namespace name, for the IRSA trust policy. */
    namespaceName: string;
    region: string;
}

/** What a backend declares for the Service in front of it. */
export interface TracingBackendResources {
    /** The pods' labels the Service selects. */
    readonly selector: Record<string, string>;
    /** The Service's ports, by name and protocol (all on XRAY_PORT). */
    readonly ports: readonly { readonly name: string; readonly protocol: "UDP" | "TCP" }[];
    /** The Service is headless (the daemon's pods on every node) or a cluster IP (the collector's replicas). */
    readonly headless: boolean;
    /** The workload the Service waits for, so it never points at pods that are not ready. */
    readonly workload: pulumi.Resource;
}

/** What a backend is given: its service account (with the IRSA role's annotation) and where to put its children. */
export interface TracingBackendContext {
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    readonly region: string;
    readonly serviceAccountName: pulumi.Output<string>;
    readonly opts: pulumi.CustomResourceOptions;
}

/** Each backend: its service account's name, what its pods may do in AWS, and its workload. */
interface BackendDefinition {
    readonly serviceAccount: string;
    permissions(region: string): AddOnPermissions;
    declare(context: TracingBackendContext): TracingBackendResources;
}

const BACKENDS: Record<TracingBackend, BackendDefinition> = {
    adot: { serviceAccount: ADOT_NAME, permissions: () => ({ policy: ADOT_XRAY_POLICY }), declare: declareAdotCollector },
    "xray-daemon": {
        serviceAccount: XRAY_NAME,
        permissions: (region) => ({ managedPolicyArns: [managedPolicyArn(region, "AWSXRayDaemonWriteAccess")] }),
        declare: declareXRayDaemon,
    },
};

/**
 * The chosen backend in kube-system, its IRSA role (`<name>-irsa`, the same resource under either
 * backend) and service account, and the Service `xray-service` the apps send segments to.
 */
export class Tracing extends pulumi.ComponentResource implements TracingSettings {
    /** `host:port` for the apps' AWS_XRAY_DAEMON_ADDRESS. */
    public readonly daemonAddress: pulumi.Output<string>;
    public readonly podAnnotations: Record<string, string>;

    constructor(name: string, args: TracingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:tracing:Tracing", name, {}, opts);
        const definition = BACKENDS[args.backend];
        this.podAnnotations = { [TRACING_ANNOTATION]: args.backend };
        if (args.backend === "xray-daemon") {
            void pulumi.log.warn(XRAY_DAEMON_END_OF_SUPPORT, this);
        }
        const k8sOpts = { parent: this, provider: args.k8sProvider };
        const role = addOnRole(name, { namespace: args.namespaceName, serviceAccount: definition.serviceAccount, ...definition.permissions(args.region) }, args, this);
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            {
                metadata: {
                    name: definition.serviceAccount,
                    namespace: args.namespace,
                    labels: { app: definition.serviceAccount, ...PART_OF },
                    annotations: { [ROLE_ARN_ANNOTATION]: role.roleArn },
                },
            },
            k8sOpts,
        );
        const backend = definition.declare({ name, namespace: args.namespace, region: args.region, serviceAccountName: serviceAccount.metadata.name, opts: k8sOpts });
        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: XRAY_SERVICE_NAME, namespace: args.namespace, labels: { ...backend.selector, ...PART_OF } },
                spec: {
                    ...(backend.headless ? { clusterIP: "None" } : {}),
                    selector: backend.selector,
                    ports: backend.ports.map((port) => ({ name: port.name, port: XRAY_PORT, targetPort: XRAY_PORT, protocol: port.protocol })),
                },
            },
            { ...k8sOpts, dependsOn: [backend.workload] },
        );
        this.daemonAddress = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}:${XRAY_PORT}`;
        this.registerOutputs({ daemonAddress: this.daemonAddress });
    }

    /** The X-Ray SDK's variables: the segment name and the address of xray-service. */
    workloadEnv(tracingName: string): k8s.types.input.core.v1.EnvVar[] {
        return [
            { name: "AWS_XRAY_TRACING_NAME", value: tracingName },
            { name: "AWS_XRAY_DAEMON_ADDRESS", value: this.daemonAddress },
            // Log and go on when a segment has no context, rather than fail the request.
            { name: "AWS_XRAY_CONTEXT_MISSING", value: "LOG_ERROR" },
        ];
    }
}
