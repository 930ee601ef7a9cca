/** The ingress section (stacks/config/ingress.ts): the public ALB's protections, on unless lifted. */
import { describe, expect, it } from "vitest";
import { parseEksStackConfig } from "../../../stacks/config";
import { issueAt, issuesOf, minimalRaw } from "./helpers";

const ingress = (section?: Record<string, unknown>) =>
    parseEksStackConfig(section === undefined ? minimalRaw() : { ...minimalRaw(), "eks-canary:ingress": JSON.stringify(section) }, "test").ingress;

describe("parseStackConfig: the ingress section", () => {
    it("keeps deletion protection and the access logs unless a stack lifts them", () => {
        expect(ingress()).toEqual({ deletionProtection: true, retainAccessLogs: true });
        expect(ingress({})).toEqual({ deletionProtection: true, retainAccessLogs: true });
        expect(ingress({ deletionProtection: false, retainAccessLogs: false })).toEqual({ deletionProtection: false, retainAccessLogs: false });
    });

    it("refuses a value that is not a boolean, and an unknown key, naming each", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:ingress": JSON.stringify({ deletionProtection: "no", accessLogs: true }) });
        expect(issueAt(issues, "eks-canary:ingress.deletionProtection").message).toMatch(/^"no" is not a boolean; allowed: true/);
        expect(issueAt(issues, "eks-canary:ingress.accessLogs").message).toMatch(/^unknown key/);
    });
});
