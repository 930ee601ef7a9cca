/** The deployer section (stacks/deployer.ts, parsed as part of the stack config): the API must be reachable from it. */
import { describe, expect, it } from "vitest";
import { parseEksStackConfig } from "../../../stacks/config";
import { readStackFile } from "../../../tools/stackfile";
import { ADMIN, issueAt, issuesOf, minimalRaw } from "./helpers";

describe("parseStackConfig: the deployer reaches the API", () => {
    const PREVIEW = "arn:aws:iam::111122223333:role/eks-canary-preview";
    const withDeployer = (deployer: unknown, cluster: Record<string, unknown> = {}): Record<string, string> => ({
        ...minimalRaw(),
        "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs: ["203.0.113.10/32"], ...cluster }),
        "eks-canary:deployer": JSON.stringify(deployer),
    });

    it("the shipped stacks deploy from GitHub Actions on a self-hosted runner, open to its egress only", () => {
        for (const stack of ["dev", "prod"]) {
            const config = parseEksStackConfig(readStackFile(stack).config, stack);
            expect(config.deployer).toEqual({
                kind: "github-actions",
                runner: "eks-canary-deployer",
                previewRunner: "eks-canary-preview",
                roleArn: ADMIN,
                previewRoleArns: [PREVIEW],
            });
            expect(config.cluster.publicAccessCidrs.length).toBeGreaterThan(0);
            expect(config.cluster.adminPrincipalArns).toContain(config.deployer.roleArn);
        }
    });

    it("is required, naming the kinds and the keys to set", () => {
        const raw: Record<string, string> = { ...minimalRaw() };
        delete raw["eks-canary:deployer"];
        const message = issueAt(issuesOf(raw), "eks-canary:deployer").message;
        expect(message).toContain("workstation, github-actions, pulumi-deployments");
        expect(message).toContain("pulumi config set --path deployer.kind");
    });

    it.each(["workstation", "github-actions", "pulumi-deployments"])("%s: a private-only API endpoint is refused, naming cluster.publicAccessCidrs", (kind) => {
        const extra = kind === "github-actions" ? { runner: "self-hosted" } : kind === "pulumi-deployments" ? { agentPoolId: "0f1e2d3c-4b5a-4987-8654-3210fedcba98" } : {};
        const issues = issuesOf(withDeployer({ kind, roleArn: ADMIN, ...extra }, { publicAccessCidrs: [] }));
        expect(issues.map((issue) => issue.key)).toEqual(["eks-canary:cluster.publicAccessCidrs"]);
        expect(issues[0].message).toContain(`the ${kind} deployer runs outside the VPC this stack creates`);
        expect(issues[0].message).toContain("pulumi config set --path 'cluster.publicAccessCidrs[0]'");
    });

    it("the role that deploys must be a cluster admin", () => {
        const other = "arn:aws:iam::111122223333:role/someone-else";
        const issue = issueAt(issuesOf(withDeployer({ kind: "workstation", roleArn: other })), "eks-canary:deployer.roleArn");
        expect(issue.message).toContain("is not a cluster admin");
        expect(issue.message).toContain("eks-canary:cluster.adminPrincipalArns");
    });

    it("GitHub Actions needs a runner with a fixed egress: a GitHub-hosted label is refused", () => {
        expect(issueAt(issuesOf(withDeployer({ kind: "github-actions", roleArn: ADMIN })), "eks-canary:deployer.runner").message).toContain("missing");
        const hosted = issueAt(issuesOf(withDeployer({ kind: "github-actions", roleArn: ADMIN, runner: "ubuntu-latest" })), "eks-canary:deployer.runner").message;
        expect(hosted).toContain("is a GitHub-hosted runner");
        expect(hosted).toContain("40 at most");
    });

    it("Pulumi Deployments needs a customer-managed agent pool", () => {
        expect(issueAt(issuesOf(withDeployer({ kind: "pulumi-deployments", roleArn: ADMIN })), "eks-canary:deployer.agentPoolId").message).toContain("customer-managed");
        expect(issueAt(issuesOf(withDeployer({ kind: "pulumi-deployments", roleArn: ADMIN, agentPoolId: "pool-1" })), "eks-canary:deployer.agentPoolId").message).toContain(
            "malformed",
        );
    });

    it("settings of another kind are refused", () => {
        expect(issueAt(issuesOf(withDeployer({ kind: "workstation", roleArn: ADMIN, runner: "x" })), "eks-canary:deployer.runner").message).toContain(
            "only the github-actions deployer",
        );
        expect(
            issueAt(issuesOf(withDeployer({ kind: "workstation", roleArn: ADMIN, agentPoolId: "0f1e2d3c-4b5a-4987-8654-3210fedcba98" })), "eks-canary:deployer.agentPoolId")
                .message,
        ).toContain("only the pulumi-deployments deployer");
    });

    it("pull requests preview on other runners than the one that deploys", () => {
        const same = issueAt(issuesOf(withDeployer({ kind: "github-actions", roleArn: ADMIN, runner: "r1", previewRunner: "r1" })), "eks-canary:deployer.previewRunner");
        expect(same.message).toContain("is the deploy runner's label");
    });

    it("a preview role is read-only, so it cannot also be an admin", () => {
        const issue = issueAt(issuesOf(withDeployer({ kind: "workstation", roleArn: ADMIN, previewRoleArns: [ADMIN] })), "eks-canary:deployer.previewRoleArns[0]");
        expect(issue.message).toContain("is also in eks-canary:cluster.adminPrincipalArns");
    });
});
