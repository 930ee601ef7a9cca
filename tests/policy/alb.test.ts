/** policy/rules/alb.ts: TLS and access logs of internet-facing ALBs, and their deletion protection in prod. */
import { describe, expect, it } from "vitest";
import { MODERN_SSL_POLICIES, TYPES } from "../../policy/rules";
import { ALB, ALB_CASES, appIngress, goodIngressAnnotations, ingress } from "./fixtures/alb";
import { goodProdRds, goodRds } from "./fixtures/rds";
import { itJudgesEachCase, resourcePolicy, stackPolicy, stackResource, validateResource, validateStack } from "./helpers";

describe("resource policies", () => {
    itJudgesEachCase(ALB_CASES);

    it("checks internal ALBs for neither TLS nor access logs", async () => {
        const internal = ingress({ [`${ALB}scheme`]: "internal" });
        expect(await validateResource(resourcePolicy("alb-tls"), TYPES.ingress, internal)).toEqual([]);
        expect(await validateResource(resourcePolicy("alb-access-logs"), TYPES.ingress, internal)).toEqual([]);
    });

    it("lists only TLS 1.2+ security policies", () => {
        expect(MODERN_SSL_POLICIES).not.toContain("ELBSecurityPolicy-2016-08");
        expect(MODERN_SSL_POLICIES.every((name) => /TLS13|TLS-1-2|FS-1-2/.test(name))).toBe(true);
    });
});

const prodTagged = stackResource(TYPES.rdsInstance, "database-mysql", goodProdRds);

describe("stack policies", () => {
    it("alb-prod-deletion-protection: in a prod stack the internet-facing ALB needs deletion protection", async () => {
        const policy = stackPolicy("alb-prod-deletion-protection");
        expect(await validateStack(policy, [appIngress, prodTagged])).toEqual([{ message: expect.stringMatching(/deletion_protection\.enabled=true/), urn: appIngress.urn }]);
        // Prod is also recognised by the ALB's own tags.
        const taggedIngress = stackResource(TYPES.ingress, "app-ingress", ingress({ ...goodIngressAnnotations, [`${ALB}tags`]: "project=eks-canary,stack=prod" }));
        expect(await validateStack(policy, [taggedIngress])).toHaveLength(1);
        const attributes = `${goodIngressAnnotations[`${ALB}load-balancer-attributes`]},deletion_protection.enabled=true`;
        const protectedIngress = stackResource(TYPES.ingress, "app-ingress", ingress({ ...goodIngressAnnotations, [`${ALB}load-balancer-attributes`]: attributes }));
        expect(await validateStack(policy, [protectedIngress, prodTagged])).toEqual([]);
        // Not prod: no requirement.
        expect(await validateStack(policy, [appIngress, stackResource(TYPES.rdsInstance, "database-mysql", goodRds)])).toEqual([]);
    });
});
