/** policy/rules/eks.ts: the cluster (component and resource), its KMS keys and its nodes. */
import { describe, expect, it } from "vitest";
import { eksEndpointViolations } from "../../policy/rules";
import { EKS_CASES } from "./fixtures/eks";
import { itJudgesEachCase } from "./helpers";

describe("resource policies", () => {
    itJudgesEachCase(EKS_CASES);
});

describe("the same address and namespace rules as stack config", () => {
    it("refuses public access CIDRs that open the endpoint to much of the internet, even split in halves", () => {
        const halves = eksEndpointViolations({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] });
        expect(halves).toHaveLength(2);
        expect(halves[0]).toContain("addresses of the internet");
        expect(eksEndpointViolations({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/16"] })[0]).toContain("not a public address range");
        expect(eksEndpointViolations({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.10/32"] })).toEqual([]);
    });
});
