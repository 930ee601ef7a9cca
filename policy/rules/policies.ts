/**
 * The wrappers that turn a rule (a pure function of properties, options or the stack's resources)
 * into a mandatory Pulumi policy: they pick the resources and report the rule's messages.
 */
import * as k8s from "@pulumi/kubernetes";
import { Resource } from "@pulumi/pulumi";
import {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import { Props, StackResource, StackViolation } from "./values";

type Check = (props: Props) => string[];

/** A resource class of a provider SDK: `validateResourceOfType` filters by its `__pulumiType`. */
type ResourceClass = new (name: string, args: never, opts?: undefined) => Resource;

function report(violations: readonly string[], reportViolation: ReportViolation): void {
    for (const violation of violations) {
        reportViolation(violation);
    }
}

/** A policy of one resource class whose check reads only the properties. */
export function resourcePolicy(name: string, description: string, resourceClass: ResourceClass, check: Check): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(resourceClass, (props, _args, reportViolation) => report(check(props as unknown as Props), reportViolation)),
    };
}

/** A policy of several resource classes (one validation each) whose check reads only the properties. */
export function resourceClassesPolicy(name: string, description: string, resourceClasses: ResourceClass[], check: Check): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: resourceClasses.map((resourceClass) =>
            validateResourceOfType(resourceClass, (props, _args, reportViolation) => report(check(props as unknown as Props), reportViolation)),
        ),
    };
}

/** Deployments and DaemonSets. */
export function workloadPolicy(name: string, description: string, check: Check): ResourceValidationPolicy {
    return resourceClassesPolicy(name, description, [k8s.apps.v1.Deployment, k8s.apps.v1.DaemonSet], check);
}

/** A policy of one resource class whose check reads the resource options (`protect`), not the properties. */
export function resourceOptionsPolicy(
    name: string,
    description: string,
    resourceClass: ResourceClass,
    check: (opts: ResourceValidationArgs["opts"]) => string[],
): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(resourceClass, (_props, args: ResourceValidationArgs, reportViolation) => report(check(args.opts), reportViolation)),
    };
}

function stackResources(args: StackValidationArgs): StackResource[] {
    return args.resources.map((resource: PolicyResource) => ({ type: resource.type, name: resource.name, urn: resource.urn, props: resource.props }));
}

export function stackPolicy(name: string, description: string, check: (resources: StackResource[], args: StackValidationArgs) => StackViolation[]): StackValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            for (const violation of check(stackResources(args), args)) {
                reportViolation(violation.message, violation.urn);
            }
        },
    };
}
