/**
 * The controllers' IAM policies, each the file upstream publishes at the controller version that
 * ../versions.ts pins (tests/iam-upstream.test.ts compares them with the references).
 */
import type { PolicyDocument } from "../iam";
import type { PinnedChart } from "../versions";
import appMeshController from "./appmesh-controller.json";
import gatewayController from "./aws-gateway-controller.json";
import loadBalancerController from "./aws-load-balancer-controller.json";

const POLICY_FILES: Readonly<Record<string, unknown>> = {
    "appmesh-controller.json": appMeshController,
    "aws-gateway-controller.json": gatewayController,
    "aws-load-balancer-controller.json": loadBalancerController,
};

/** The upstream IAM policy of a pinned controller chart. */
export function controllerPolicy(pin: PinnedChart): PolicyDocument {
    const document = pin.iamPolicy === undefined ? undefined : POLICY_FILES[pin.iamPolicy];
    if (document === undefined) {
        throw new Error(`chart ${pin.chart} ${pin.version} has no IAM policy file in infra/policies`);
    }
    return document as PolicyDocument;
}
