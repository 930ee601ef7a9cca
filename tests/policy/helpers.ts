/**
 * Running a policy of the pack the way the analyzer does, on plain objects: the shared helpers of
 * the tests in tests/policy/, one file per file of policy/rules/.
 */
import { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { expect, it, vi } from "vitest";
import { Props, resourcePolicies, stackPolicies, StackResource } from "../../policy/rules";

class NotApplicable extends Error {}

export interface Run {
    protect?: boolean;
    config?: Record<string, unknown>;
}

function pulumiTypeOf(resourceClass: unknown): string | undefined {
    return (resourceClass as { __pulumiType?: string }).__pulumiType;
}

function resourceArgs(type: string, name: string, props: Props, run: Run = {}): ResourceValidationArgs {
    const args = {
        type,
        props,
        urn: `urn:pulumi:test::eks-canary::${type}::${name}`,
        name,
        opts: {
            protect: run.protect ?? false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
        },
        stackTags: new Map<string, string>(),
        isType: (resourceClass: unknown) => pulumiTypeOf(resourceClass) === type,
        asType: (resourceClass: unknown) => (pulumiTypeOf(resourceClass) === type ? props : undefined),
        getConfig: () => run.config ?? {},
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    return args as unknown as ResourceValidationArgs;
}

/** The messages `policy` reports for one resource. */
export async function validateResource(policy: ResourceValidationPolicy, type: string, props: Props, run: Run = {}, name = "subject"): Promise<string[]> {
    const reportViolation = vi.fn<(message: string, urn?: string) => void>();
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource === undefined ? [] : [policy.validateResource];
    for (const validation of validations) {
        try {
            await validation(resourceArgs(type, name, props, run), reportViolation);
        } catch (error) {
            if (!(error instanceof NotApplicable)) {
                throw error;
            }
        }
    }
    return reportViolation.mock.calls.map(([message]) => message);
}

function stackArgs(resources: readonly StackResource[], config: Record<string, unknown> = {}): StackValidationArgs {
    const policyResources = resources.map(
        (resource) =>
            ({
                ...resource,
                opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
                dependencies: [],
                propertyDependencies: {},
                isType: (resourceClass: unknown) => pulumiTypeOf(resourceClass) === resource.type,
                asType: (resourceClass: unknown) => (pulumiTypeOf(resourceClass) === resource.type ? resource.props : undefined),
            }) as unknown as PolicyResource,
    );
    return {
        resources: policyResources,
        stackTags: new Map<string, string>(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** The messages `policy` reports for a stack of resources. */
export async function validateStack(
    policy: StackValidationPolicy,
    resources: readonly StackResource[],
    config: Record<string, unknown> = {},
): Promise<{ message: string; urn?: string }[]> {
    const reportViolation = vi.fn<(message: string, urn?: string) => void>();
    try {
        await policy.validateStack(stackArgs(resources, config), reportViolation);
    } catch (error) {
        if (!(error instanceof NotApplicable)) {
            throw error;
        }
    }
    return reportViolation.mock.calls.map(([message, urn]) => ({ message, ...(urn === undefined ? {} : { urn }) }));
}

export function resourcePolicy(name: string): ResourceValidationPolicy {
    const found = resourcePolicies.find((policy) => policy.name === name);
    if (found === undefined) {
        throw new Error(`no resource policy ${name}`);
    }
    return found;
}

export function stackPolicy(name: string): StackValidationPolicy {
    const found = stackPolicies.find((policy) => policy.name === name);
    if (found === undefined) {
        throw new Error(`no stack policy ${name}`);
    }
    return found;
}

export function stackResource(type: string, name: string, props: Props): StackResource {
    return { type, name, urn: `urn:pulumi:test::eks-canary::${type}::${name}`, props };
}

export function without(props: Props, key: string): Props {
    return Object.fromEntries(Object.entries(props).filter(([name]) => name !== key));
}

// ---------------------------------------------------------------------------------------------
// Each resource rule: a violating resource is reported, the compliant one is not

export interface ResourceCase {
    readonly policy: string;
    readonly type: string;
    readonly good: Props;
    readonly bad: Props;
    /** The violation's message matches this. */
    readonly message: RegExp;
    readonly run?: Run;
    readonly badRun?: Run;
}

/** A concern's resource cases, each titled. */
export type ResourceCases = readonly (ResourceCase & { readonly title: string })[];

/** The two tests of every case: its violating resource is reported with the message, its compliant one passes. */
export function itJudgesEachCase(cases: ResourceCases): void {
    it.each(cases)("$policy reports $title", async ({ policy, type, bad, message, badRun }) => {
        const found = await validateResource(resourcePolicy(policy), type, bad, badRun ?? { protect: true });
        expect(found.length, JSON.stringify(found)).toBeGreaterThan(0);
        expect(found.join("\n")).toMatch(message);
    });

    it.each(cases)("$policy passes the compliant resource of: $title", async ({ policy, type, good, run }) => {
        expect(await validateResource(resourcePolicy(policy), type, good, run ?? { protect: true })).toEqual([]);
    });
}
