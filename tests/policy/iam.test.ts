/** policy/rules/iam.ts: IRSA trust policies and the actions IAM policies allow. */
import { describe, expect, it } from "vitest";
import gatewayControllerPolicy from "../../infra/addons/gateway-controller/aws-gateway-controller.json";
import loadBalancerControllerPolicy from "../../infra/addons/load-balancer-controller/aws-load-balancer-controller.json";
import appMeshControllerPolicy from "../../infra/addons/appmesh-controller/appmesh-controller.json";
import { iamWildcardViolations } from "../../policy/rules";
import { IAM_CASES, iamPolicy } from "./fixtures/iam";
import { itJudgesEachCase } from "./helpers";

describe("resource policies", () => {
    itJudgesEachCase(IAM_CASES);

    it("allows the upstream controller policies the program ships, and nothing wider", () => {
        for (const document of [gatewayControllerPolicy, loadBalancerControllerPolicy, appMeshControllerPolicy]) {
            expect(iamWildcardViolations({ policy: JSON.stringify(document) })).toEqual([]);
        }
        expect(iamWildcardViolations(iamPolicy({ Effect: "Allow", Action: ["vpc-lattice:*"], Resource: "*" }))).toHaveLength(1);
        // A Deny with a wildcard narrows, it does not grant.
        expect(iamWildcardViolations(iamPolicy({ Effect: "Deny", Action: "s3:*", Resource: "*" }))).toEqual([]);
        expect(iamWildcardViolations(iamPolicy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })).join()).toMatch(/NotAction/);
    });

    it("judges no trust or policy document that is only known after deploy", () => {
        expect(iamWildcardViolations({ policy: "(known after deploy: x.json)" })).toEqual([]);
        expect(iamWildcardViolations({ policy: "{not json" })).toEqual(["policy is not a readable policy document"]);
    });
});
