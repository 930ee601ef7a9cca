/** The user-management section (stacks/config/usermgmt.ts). */
import { describe, expect, it } from "vitest";
import { issueAt, issuesOf, minimalRaw } from "./helpers";

describe("parseStackConfig: every invalid kind, with its full key and the allowed values", () => {
    it("usermgmt.calls naming a service that is not configured", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:usermgmt": JSON.stringify({ image: "example/usermgmt:1.0.0", calls: "payments" }) });
        expect(issues).toHaveLength(1);
        expect(issueAt(issues, "eks-canary:usermgmt.calls").message).toBe('"payments" is not a configured service; allowed: notification');
    });
});
