import { describe, expect, it } from "vitest";
import { main, outputLines } from "../../tools/deployer";

function run(argv: string[], stacks?: string[]): { code: number; out: string; err: string } {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) }, stacks);
    return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run -s deployer", () => {
    it("prints each shipped stack's deployer as GitHub Actions outputs", () => {
        const result = run([], ["dev", "prod"]);
        expect(result.code).toBe(0);
        expect(result.out.split("\n")).toEqual([
            "dev-kind=github-actions",
            "dev-runner=eks-canary-deployer",
            "dev-role=arn:aws:iam::111122223333:role/eks-canary-deployer",
            "prod-kind=github-actions",
            "prod-runner=eks-canary-deployer",
            "prod-role=arn:aws:iam::111122223333:role/eks-canary-deployer",
            'runners={"dev":"eks-canary-deployer","prod":"eks-canary-deployer"}',
            'preview-runners={"dev":"eks-canary-preview","prod":"eks-canary-preview"}',
            'preview-roles={"dev":"arn:aws:iam::111122223333:role/eks-canary-preview","prod":"arn:aws:iam::111122223333:role/eks-canary-preview"}',
            'workflow-stacks=["dev","prod"]',
        ]);
    });

    it("gives a stack deployed by Pulumi Deployments no runner and no workflow", () => {
        const lines = outputLines({
            dev: { kind: "pulumi-deployments", agentPoolId: "0f1e2d3c-4b5a-4987-8654-3210fedcba98", roleArn: "arn:aws:iam::111122223333:role/d", previewRoleArns: [] },
            prod: { kind: "github-actions", runner: "r1", roleArn: "arn:aws:iam::111122223333:role/d", previewRoleArns: [] },
        });
        expect(lines).toContain("dev-runner=");
        expect(lines).toContain('workflow-stacks=["prod"]');
    });

    it("refuses a stack file that is not valid, with its errors, and an unknown argument", () => {
        const missing = run([], ["nope"]);
        expect(missing.code).toBe(3);
        expect(missing.err).toContain("Pulumi.nope.yaml: no stack file");
        expect(run(["--stak", "dev"]).code).toBe(2);
    });
});
