/** The cluster section (stacks/config/cluster.ts): version, nodes, API endpoint access, admins. */
import { describe, expect, it } from "vitest";
import { ConfigIssue } from "../../../stacks/checks";
import { KUBERNETES_VERSIONS, parseEksStackConfig } from "../../../stacks/config";
import { ADMIN, issueAt, issuesOf, minimalRaw } from "./helpers";

describe("parseStackConfig: every invalid kind, with its full key and the allowed values", () => {
    it("an unsupported Kubernetes version lists the supported ones", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.29" }) });
        expect(issueAt(issues, "eks-canary:cluster.kubernetesVersion").message).toContain(`allowed: ${KUBERNETES_VERSIONS.join(", ")}`);
    });

    it("nodes with min above desired", () => {
        const issues = issuesOf({
            ...minimalRaw(),
            "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], nodes: { min: 3, desired: 2, max: 4 } }),
        });
        expect(issueAt(issues, "eks-canary:cluster.nodes").message).toBe("min 3, desired 2, max 4; allowed: min <= desired <= max");
    });

    it("nodes with desired above max", () => {
        const issues = issuesOf({
            ...minimalRaw(),
            "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], nodes: { min: 1, desired: 5, max: 4 } }),
        });
        expect(issueAt(issues, "eks-canary:cluster.nodes").message).toContain("min <= desired <= max");
    });

    it("a public API endpoint open to the whole internet, or to much of it", () => {
        const withCidrs = (publicAccessCidrs: string[]): readonly ConfigIssue[] =>
            issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs }) });
        expect(issueAt(withCidrs(["203.0.113.0/24", "0.0.0.0/0"]), "eks-canary:cluster.publicAccessCidrs[1]").message).toContain(
            "opens the Kubernetes API to 4,294,967,296 addresses",
        );
        // Two halves of the internet are no better than the whole.
        const halves = withCidrs(["0.0.0.0/1", "128.0.0.0/1"]);
        expect(halves.map((issue) => issue.key)).toEqual(expect.arrayContaining(["eks-canary:cluster.publicAccessCidrs[0]", "eks-canary:cluster.publicAccessCidrs[1]"]));
        expect(issueAt(withCidrs(["198.51.0.0/15"]), "eks-canary:cluster.publicAccessCidrs[0]").message).toContain("each /16 or narrower");
        expect(issueAt(withCidrs(["10.1.0.0/16"]), "eks-canary:cluster.publicAccessCidrs[0]").message).toContain("is not a public address range");
        expect(issueAt(withCidrs(["203.0.113.10/24"]), "eks-canary:cluster.publicAccessCidrs[0]").message).toContain("allowed: the network address, such as 203.0.113.0/24");
        expect(() =>
            parseEksStackConfig(
                { ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs: ["198.51.100.0/16"] }) },
                "t",
            ),
        ).toThrow("host bits");
        expect(
            parseEksStackConfig(
                {
                    ...minimalRaw(),
                    "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs: ["198.51.0.0/16", "203.0.113.7/32"] }),
                },
                "t",
            ).cluster.publicAccessCidrs,
        ).toEqual(["198.51.0.0/16", "203.0.113.7/32"]);
    });

    it("a cluster admin that is not an IAM role or user ARN", () => {
        const issues = issuesOf({
            ...minimalRaw(),
            "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: ["arn:aws:sts::111122223333:assumed-role/admin/me"] }),
        });
        expect(issueAt(issues, "eks-canary:cluster.adminPrincipalArns[0]").message).toContain("an IAM role or user ARN");
    });
});

describe("parseStackConfig: cluster admins", () => {
    it("requires them, saying why and how to set them", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", publicAccessCidrs: ["203.0.113.10/32"] }) });
        expect(issues).toHaveLength(1);
        expect(issueAt(issues, "eks-canary:cluster.adminPrincipalArns").message).toContain("the cluster's creator gets no implicit admin");
        expect(
            issueAt(
                issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [] }) }),
                "eks-canary:cluster.adminPrincipalArns",
            ).message,
        ).toContain("1..20 items");
    });
});
