/**
 * The app's public entry: its internet-facing ALB Ingress, which the load balancer controller
 * add-on (./addons/load-balancer-controller) reconciles.
 */
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ALB_TARGET_GROUP_ATTRIBUTES } from "./draining";
import { PART_OF } from "./k8s";

/** TLS 1.3 and 1.2 only, forward secrecy: AWS's recommended policy for ALB HTTPS listeners. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** AWS limits load balancer names to 32 characters: letters, digits and inner hyphens. */
export const MAX_LOAD_BALANCER_NAME = 32;

/**
 * A load balancer name for `base`: itself when it fits, else a prefix and a hash of the whole, so
 * that two long names sharing a prefix still differ and no name ends with a hyphen.
 */
export function loadBalancerName(base: string): string {
    if (base.length <= MAX_LOAD_BALANCER_NAME) {
        return base;
    }
    const hash = createHash("sha256").update(base).digest("hex").slice(0, 6);
    return `${base.slice(0, MAX_LOAD_BALANCER_NAME - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

export interface AppIngressArgs {
    namespace: pulumi.Input<string>;
    ingressClassName: pulumi.Input<string>;
    /** Public host name; External DNS writes its record. */
    hostname: string;
    certificateArn: string;
    /** ALB name, at most 32 characters. */
    loadBalancerName: string;
    backend: { serviceName: pulumi.Input<string>; port: number; healthPath: string };
    /** Where the ALB writes its access logs: an S3 bucket and a key prefix. */
    accessLogs: { bucket: pulumi.Input<string>; prefix: string };
    /** Refuse to delete the ALB (`deletion_protection.enabled`): the controller cannot remove it until lifted. */
    deletionProtection: boolean;
    k8sProvider: k8s.Provider;
    dependsOn?: pulumi.Resource[];
}

/** The ALB attributes of the app's load balancer: access logs, and deletion protection when asked. */
export function loadBalancerAttributes(accessLogs: { bucket: string; prefix: string }, deletionProtection: boolean): string {
    return [
        "access_logs.s3.enabled=true",
        `access_logs.s3.bucket=${accessLogs.bucket}`,
        `access_logs.s3.prefix=${accessLogs.prefix}`,
        `deletion_protection.enabled=${deletionProtection}`,
        // Drop requests whose headers are not valid HTTP rather than forward them.
        "routing.http.drop_invalid_header_fields.enabled=true",
    ].join(",");
}

/**
 * The annotations of the app's internet-facing ALB: HTTPS with HTTP redirected, a modern TLS
 * policy, health checks, access logs, DNS.
 */
export function appIngressAnnotations(
    args: Pick<AppIngressArgs, "hostname" | "certificateArn" | "loadBalancerName" | "backend" | "deletionProtection"> & { accessLogs: { bucket: string; prefix: string } },
): Record<string, string> {
    if (args.loadBalancerName.length > MAX_LOAD_BALANCER_NAME || !/^[A-Za-z0-9](-?[A-Za-z0-9])*$/.test(args.loadBalancerName)) {
        throw new Error(`ALB name ${args.loadBalancerName} is not a load balancer name (at most 32 letters, digits and inner hyphens)`);
    }
    return {
        "alb.ingress.kubernetes.io/load-balancer-name": args.loadBalancerName,
        "alb.ingress.kubernetes.io/scheme": "internet-facing",
        // Pods are targets directly (the VPC CNI gives them VPC addresses).
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
        "alb.ingress.kubernetes.io/certificate-arn": args.certificateArn,
        "alb.ingress.kubernetes.io/ssl-policy": TLS_POLICY,
        "alb.ingress.kubernetes.io/ssl-redirect": "443",
        "alb.ingress.kubernetes.io/healthcheck-protocol": "HTTP",
        "alb.ingress.kubernetes.io/healthcheck-port": "traffic-port",
        "alb.ingress.kubernetes.io/healthcheck-path": args.backend.healthPath,
        "alb.ingress.kubernetes.io/healthcheck-interval-seconds": "15",
        "alb.ingress.kubernetes.io/healthcheck-timeout-seconds": "5",
        "alb.ingress.kubernetes.io/success-codes": "200",
        "alb.ingress.kubernetes.io/healthy-threshold-count": "2",
        "alb.ingress.kubernetes.io/unhealthy-threshold-count": "2",
        // Shorter than ALB's 300 s default; the pods' preStop sleep outlasts it (./draining.ts).
        "alb.ingress.kubernetes.io/target-group-attributes": ALB_TARGET_GROUP_ATTRIBUTES,
        "alb.ingress.kubernetes.io/load-balancer-attributes": loadBalancerAttributes(args.accessLogs, args.deletionProtection),
        "external-dns.alpha.kubernetes.io/hostname": args.hostname,
    };
}

/** The app's public entry: an ALB Ingress to the user-management service. */
export class AppIngress extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    /** The Ingress, which the load balancer controller turns into the public ALB and its target group. */
    public readonly ingress: k8s.networking.v1.Ingress;

    constructor(name: string, args: AppIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:ingress:AppIngress", name, {}, opts);
        this.ingress = new k8s.networking.v1.Ingress(
            name,
            {
                metadata: {
                    name,
                    namespace: args.namespace,
                    labels: PART_OF,
                    annotations: pulumi
                        .output(args.accessLogs.bucket)
                        .apply((bucket) => appIngressAnnotations({ ...args, accessLogs: { bucket, prefix: args.accessLogs.prefix } })),
                },
                spec: {
                    ingressClassName: args.ingressClassName,
                    rules: [
                        {
                            host: args.hostname,
                            http: {
                                paths: [
                                    {
                                        path: "/",
                                        pathType: "Prefix",
                                        backend: { service: { name: args.backend.serviceName, port: { number: args.backend.port } } },
                                    },
                                ],
                            },
                        },
                    ],
                },
            },
            { parent: this, provider: args.k8sProvider, ...(args.dependsOn === undefined ? {} : { dependsOn: args.dependsOn }) },
        );
        this.url = pulumi.output(`https://${args.hostname}`);
        this.registerOutputs({ url: this.url });
    }
}
