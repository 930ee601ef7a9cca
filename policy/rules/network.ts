/** Stack-level address and namespace rules: the same rules as stack config (stacks/networks.ts). */
import { isReservedNamespace, vpcCidrProblem } from "../../stacks/networks";
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

/** No Namespace of Kubernetes' own or of a controller the stack installs is created (and so deleted) by the stack. */
export function reservedNamespaceViolations(resources: readonly StackResource[]): StackViolation[] {
    return resources
        .filter((resource) => resource.type === TYPES.namespace)
        .flatMap((resource) => {
            const name = at(asRecord(resource.props), "metadata", "name");
            return typeof name === "string" && isReservedNamespace(name)
                ? [{ message: `${resource.name}: the stack would own namespace ${name}, which belongs to Kubernetes or a controller it installs`, urn: resource.urn }]
                : [];
        });
}
