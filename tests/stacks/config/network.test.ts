/** The network section (stacks/config/network.ts): the VPC's range. */
import { describe, expect, it } from "vitest";
import { ConfigIssue } from "../../../stacks/checks";
import { parseEksStackConfig } from "../../../stacks/config";
import { issueAt, issuesOf, minimalRaw } from "./helpers";

describe("parseStackConfig: every invalid kind, with its full key and the allowed values", () => {
    it("a VPC range that is not private, or not a network address", () => {
        const withNetwork = (cidrBlock: string): readonly ConfigIssue[] => issuesOf({ ...minimalRaw(), "eks-canary:network": JSON.stringify({ cidrBlock }) });
        expect(issueAt(withNetwork("8.8.0.0/16"), "eks-canary:network.cidrBlock").message).toContain("is not a private range");
        expect(issueAt(withNetwork("172.32.0.0/16"), "eks-canary:network.cidrBlock").message).toContain("is not a private range");
        expect(issueAt(withNetwork("10.20.1.0/16"), "eks-canary:network.cidrBlock").message).toContain("such as 10.20.0.0/16");
        for (const good of ["10.20.0.0/16", "172.16.0.0/16", "192.168.0.0/20"]) {
            expect(parseEksStackConfig({ ...minimalRaw(), "eks-canary:network": JSON.stringify({ cidrBlock: good }) }, "t").network.cidrBlock).toBe(good);
        }
    });

    it("a VPC block outside /16../20", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:network": JSON.stringify({ cidrBlock: "10.0.0.0/24" }) });
        expect(issueAt(issues, "eks-canary:network.cidrBlock").message).toContain("/24 is out of range");
    });
});
