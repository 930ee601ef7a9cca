/**
 * The AWS Gateway API Controller add-on, which the lattice router runs: it turns the Gateway
 * into a VPC Lattice service network and each HTTPRoute into a VPC Lattice service, and its
 * webhook injects the pods' readiness gate.
 */
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../../versions";
import { AddOnCluster, helmAddOn, upstreamPolicy } from "../addon";
import policyFile from "./aws-gateway-controller.json";

export const GATEWAY_CONTROLLER_NAMESPACE = "aws-application-networking-system";
export const GATEWAY_CONTROLLER_SERVICE_ACCOUNT = "gateway-api-controller";
/** The controller's name, which a GatewayClass names to hand its Gateways to it. */
export const LATTICE_CONTROLLER_NAME = "application-networking.k8s.aws/gateway-api-controller";

export interface GatewayControllerArgs {
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    readonly clusterName: pulumi.Input<string>;
    /** What it must start after: the Gateway API CRDs, and the ExternalDNS whose chart installs the DNSEndpoint CRD. */
    readonly dependsOn: readonly pulumi.Resource[];
}

/** Declares the controller (Helm, in its own namespace) and its IRSA role as children of `parent`. */
export function gatewayController(name: string, args: GatewayControllerArgs, cluster: AddOnCluster, parent: pulumi.Resource): k8s.helm.v3.Release {
    const identity = aws.getCallerIdentityOutput({}, { parent });
    return helmAddOn(
        name,
        {
            chart: CHARTS.gatewayController,
            releaseName: "gateway-api-controller",
            namespace: GATEWAY_CONTROLLER_NAMESPACE,
            createNamespace: true,
            serviceAccount: GATEWAY_CONTROLLER_SERVICE_ACCOUNT,
            permissions: { policy: upstreamPolicy(CHARTS.gatewayController, policyFile) },
            values: {
                // Pods cannot read instance metadata (hop limit 1): give what the controller would discover.
                awsRegion: args.region,
                awsAccountId: identity.accountId,
                clusterVpcId: args.vpcId,
                clusterName: args.clusterName,
                log: { level: "info" },
                // The DNSEndpoint CRD ships in the ExternalDNS chart's crds/ (both instances install
                // it); the controller's copy would conflict with it, as its deploy guide warns.
                installExternalDNSCRD: false,
            },
            dependsOn: args.dependsOn,
        },
        cluster,
        parent,
    );
}
