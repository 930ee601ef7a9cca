/**
 * policy/rules/index.ts, the pack as registered: every policy named, described, mandatory and
 * tested with a violating resource; no policy judges a resource type it is not for; and every
 * rule against every resource the dev and prod stacks declare under mocks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { policies, resourcePolicies, stackPolicies, StackResource } from "../../policy/rules";
import { DeclaredResource, OfflinePlan, planOffline } from "../../tools/offline";
import { readStackFile } from "../../tools/stackfile";
import { RESOURCE_CASES } from "./fixtures";
import { validateResource, validateStack } from "./helpers";

describe("resource policies", () => {
    it("leaves other resource types alone", async () => {
        for (const policy of resourcePolicies) {
            expect(await validateResource(policy, "aws:s3/bucket:Bucket", { acl: "public-read" }), policy.name).toEqual([]);
        }
    });
});

describe("the pack", () => {
    it("has unique names, a description and mandatory enforcement for every policy", () => {
        const names = policies.map((policy) => policy.name);
        expect(new Set(names).size).toBe(names.length);
        for (const policy of policies) {
            expect(policy.enforcementLevel, policy.name).toBe("mandatory");
            expect(policy.description.length, policy.name).toBeGreaterThan(10);
        }
    });

    it("has a violating-resource test for every policy", () => {
        const tested = new Set([...RESOURCE_CASES.map((testCase) => testCase.policy), ...stackPolicies.map((policy) => policy.name)]);
        expect(policies.map((policy) => policy.name).filter((name) => !tested.has(name))).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------
// The stacks: every rule, every declared resource

function asStackResource(resource: DeclaredResource): StackResource {
    return { type: resource.type, name: resource.name, urn: resource.urn, props: resource.inputs };
}

/** Every violation of the pack in a plan, one line each: `<policy> <resource>: <message>`. */
async function violationsOf(plan: OfflinePlan, config: Record<string, Record<string, unknown>> = {}): Promise<string[]> {
    const found: string[] = [];
    for (const resource of plan.resources) {
        for (const policy of resourcePolicies) {
            for (const message of await validateResource(policy, resource.type, resource.inputs, { protect: resource.protect, config: config[policy.name] }, resource.name)) {
                found.push(`${policy.name} ${resource.type} ${resource.name}: ${message}`);
            }
        }
    }
    const resources = plan.resources.map(asStackResource);
    for (const policy of stackPolicies) {
        for (const violation of await validateStack(policy, resources, config[policy.name])) {
            const resource = plan.resources.find((item) => item.urn === violation.urn);
            found.push(`${policy.name} ${resource === undefined ? "(stack)" : `${resource.type} ${resource.name}`}: ${violation.message}`);
        }
    }
    return found;
}

/** The schedule of a stack file, as a user passes it to the pack's policy config. */
function canaryStepsOf(stack: string): Record<string, Record<string, unknown>> {
    const raw = readStackFile(stack).config["eks-canary:canary"];
    const steps = raw === undefined ? undefined : (JSON.parse(raw) as { steps?: number[] }).steps;
    return steps === undefined ? {} : { "canary-weights": { canarySteps: steps } };
}

describe.each([
    ["dev", []],
    ["prod", []],
    ["local", []],
    ["dev", ["router=linkerd"]],
])("the %s stack %j", (stack, overrides) => {
    let plan: OfflinePlan;

    beforeAll(async () => {
        plan = await planOffline(stack, readStackFile(stack, overrides).config);
    });

    it("violates no policy of the pack", async () => {
        expect(await violationsOf(plan, canaryStepsOf(stack))).toEqual([]);
    });
});
