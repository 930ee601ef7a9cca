/** Stack-level address and namespace rules: the same rules as stack config (stacks/networks.ts). */
import { CONTROLLER_NAMESPACE_LABEL } from "../../infra/k8s";
import { isKubernetesNamespace, isReservedNamespace, vpcCidrProblem } from "../../stacks/networks";
import { TYPES } from "./types";
import { asRecord, at, StackResource, StackViolation } from "./values";

/** VPCs (the awsx component and the resource) take a private, aligned /16../20 range: the same rule as stack config. */
export function vpcRangeViolations(resources: readonly StackResource[]): StackViolation[] {
    return resources
        .filter((resource) => resource.type === TYPES.vpc || resource.type === TYPES.ec2Vpc)
        .flatMap((resource) => {
            const cidr = resource.props.cidrBlock;
            const problem = typeof cidr === "string" ? vpcCidrProblem(cidr) : undefined;
            return problem === undefined ? [] : [{ message: `${resource.name}: cidrBlock ${problem}`, urn: resource.urn }];
        });
}

/**
 * No Namespace of Kubernetes' own is created (and so deleted) by the stack, and a controller's
 * only as that controller's own: labelled with the controller the stack installs into it.
 */
export function reservedNamespaceViolations(resources: readonly StackResource[]): StackViolation[] {
    return resources
        .filter((resource) => resource.type === TYPES.namespace)
        .flatMap((resource) => {
            const name = at(asRecord(resource.props), "metadata", "name");
            if (typeof name !== "string" || !isReservedNamespace(name)) {
                return [];
            }
            const owner = at(asRecord(resource.props), "metadata", "labels", CONTROLLER_NAMESPACE_LABEL);
            if (!isKubernetesNamespace(name) && typeof owner === "string" && owner !== "") {
                return [];
            }
            return [{ message: `${resource.name}: the stack would own namespace ${name}, which belongs to Kubernetes or a controller it installs`, urn: resource.urn }];
        });
}
