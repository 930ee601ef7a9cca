/**
 * The AWS Load Balancer Controller add-on: it reconciles the app's ALB Ingress (../../ingress.ts)
 * and the alb router's, and its webhook injects the pods' readiness gate.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF } from "../../k8s";
import { CHARTS } from "../../versions";
import { AddOnCluster, helmAddOn, upstreamPolicy } from "../addon";
import policyFile from "./aws-load-balancer-controller.json";

export const LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";
export const INGRESS_CLASS = "alb";
/**
 * The namespace label that turns on the controller's pod readiness gate (IP targets): a new pod
 * counts as Ready only once it is a healthy target of its target group, so a rolling update never
 * takes old targets away before the new ones serve. Injected when the pod is created, by the
 * controller's webhook, so pods must be created after the controller.
 */
export const LBC_READINESS_GATE_LABEL = { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } as const;

export interface LoadBalancerControllerArgs extends AddOnCluster {
    clusterName: pulumi.Input<string>;
    region: string;
    vpcId: pulumi.Input<string>;
}

/**
 * The AWS Load Balancer Controller (Helm, in kube-system) with its IRSA role, and the IngressClass
 * `alb` that hands Ingresses to it.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
    public readonly ingressClassName: pulumi.Output<string>;
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:ingress:LoadBalancerController", name, {}, opts);
        this.release = helmAddOn(
            name,
            {
                chart: CHARTS.loadBalancerController,
                releaseName: "aws-load-balancer-controller",
                namespace: "kube-system",
                serviceAccount: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
                permissions: { policy: upstreamPolicy(CHARTS.loadBalancerController, policyFile) },
                values: {
                    clusterName: args.clusterName,
                    // Pods cannot read instance metadata (hop limit 1), so region and VPC are given.
                    region: args.region,
                    vpcId: args.vpcId,
                    replicaCount: 2,
                    // The IngressClass is declared below, where the program can see and test it.
                    createIngressClassResource: false,
                    podDisruptionBudget: { maxUnavailable: 1 },
                    // The stack has no Services of type LoadBalancer; without this webhook, Services
                    // created while the controller starts are not blocked on its endpoints.
                    enableServiceMutatorWebhook: false,
                    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                },
            },
            args,
            this,
        );

        const ingressClass = new k8s.networking.v1.IngressClass(
            `${name}-class`,
            {
                metadata: { name: INGRESS_CLASS, labels: PART_OF },
                spec: { controller: "ingress.k8s.aws/alb" },
            },
            { parent: this, provider: args.k8sProvider, dependsOn: [this.release] },
        );

        this.ingressClassName = ingressClass.metadata.name;
        this.registerOutputs({ ingressClassName: this.ingressClassName });
    }
}
