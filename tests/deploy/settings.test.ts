import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseEksStackConfig } from "../../stacks/config";
import { readStackFile } from "../../tools/stackfile";
import { declareDeployments, DeploySettings, DeploySettingsError, ProgramDeployer, ProgramStack, readSettings } from "../../deploy/settings";

interface Declared {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const declared: Declared[] = [];

beforeAll(async () => {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                declared.push({ type: args.type, name: args.name, inputs: args.inputs });
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => {
                throw new Error(`unexpected call ${args.token}`);
            },
        },
        "eks-canary-deploy",
        "cloud",
        false,
    );
});

const RAW = { organization: "acme", repository: "acme/eks-canary" };
const POOL = "0f1e2d3c-4b5a-4987-8654-3210fedcba98";
/** Both program stacks deployed by Pulumi Deployments. */
const DEPLOYMENTS: Record<ProgramStack, ProgramDeployer> = {
    dev: { kind: "pulumi-deployments", roleArn: "arn:aws:iam::111122223333:role/pulumi-deployments-eks-canary-dev", agentPoolId: POOL },
    prod: { kind: "pulumi-deployments", roleArn: "arn:aws:iam::444455556666:role/pulumi-deployments-eks-canary-prod", agentPoolId: POOL },
};

function settled(resource: pulumi.Resource): Promise<unknown> {
    return new Promise((resolve) => resource.urn.apply(resolve));
}

async function declare(settings: DeploySettings): Promise<Declared[]> {
    declared.length = 0;
    const result = declareDeployments(settings);
    await Promise.all([...Object.values(result.settings), ...Object.values(result.drift)].map(settled));
    return [...declared];
}

function find(resources: Declared[], type: string, name: string): Declared {
    const found = resources.find((resource) => resource.type === type && resource.name === name);
    if (found === undefined) {
        throw new Error(`no ${type} ${name}; declared: ${resources.map((resource) => `${resource.type} ${resource.name}`).join(", ")}`);
    }
    return found;
}

describe("readSettings", () => {
    it("applies the defaults: branch main, repository root, no build, daily drift, dev deploys commits, prod only previews", () => {
        const settings = readSettings(RAW, DEPLOYMENTS);
        expect(settings).toMatchObject({ organization: "acme", repository: "acme/eks-canary", branch: "main", repoDir: undefined });
        expect(settings.stacks).toEqual([
            { stack: "dev", roleArn: DEPLOYMENTS.dev.roleArn, agentPoolId: POOL, deployCommits: true, previewPullRequests: true, driftSchedule: "0 6 * * *" },
            { stack: "prod", roleArn: DEPLOYMENTS.prod.roleArn, agentPoolId: POOL, deployCommits: false, previewPullRequests: true, driftSchedule: "0 6 * * *" },
        ]);
    });

    it("gives no settings to a stack another deployer deploys, and refuses settings for one", () => {
        const workflows: Record<ProgramStack, ProgramDeployer> = { ...DEPLOYMENTS, dev: { kind: "github-actions", roleArn: DEPLOYMENTS.dev.roleArn } };
        expect(readSettings(RAW, workflows).stacks.map((stack) => stack.stack)).toEqual(["prod"]);
        expect(() => readSettings({ ...RAW, stacks: { dev: { deployCommits: true } } }, workflows)).toThrow(
            "deploy:stacks.dev: stack dev is deployed by github-actions (eks-canary:deployer.kind in Pulumi.dev.yaml), and one deployer per stack",
        );
    });

    it("the shipped stacks deploy through the workflows: Deployments declares nothing for them", () => {
        const shipped = Object.fromEntries(
            (["dev", "prod"] as const).map((stack) => [stack, parseEksStackConfig(readStackFile(stack).config, stack).deployer]),
        ) as unknown as Record<ProgramStack, ProgramDeployer>;
        expect(readSettings(RAW, shipped).stacks).toEqual([]);
    });

    it("reports every problem at once, with its key", () => {
        let error: unknown;
        try {
            readSettings({ repository: "not a repo", driftSchedule: "daily", stacks: { dev: { roleArn: "role/x", deployCommits: "yes" }, qa: {} } }, DEPLOYMENTS);
        } catch (caught) {
            error = caught;
        }
        expect(error).toBeInstanceOf(DeploySettingsError);
        const problems = (error as DeploySettingsError).problems.join("\n");
        expect(problems).toContain("deploy:organization: missing");
        expect(problems).toContain('deploy:repository: "not a repo"; allowed: a GitHub repository as owner/repo');
        expect(problems).toContain("deploy:stacks.qa: unknown stack; allowed: dev, prod");
        expect(problems).toContain("deploy:stacks.dev.roleArn: the role is the stack's own eks-canary:deployer.roleArn");
        expect(problems).toContain("deploy:stacks.dev.deployCommits");
        expect(problems).toContain("deploy:stacks.dev.driftSchedule");
    });
});

describe("declareDeployments under mocks", () => {
    it("declares DeploymentSettings for dev and prod of eks-canary: GitHub source, npm ci, OIDC to AWS, previews on pull requests", async () => {
        const resources = await declare(readSettings(RAW, DEPLOYMENTS));
        expect(resources.map((resource) => `${resource.type} ${resource.name}`).sort()).toEqual([
            "pulumiservice:index:DeploymentSettings dev-deployment-settings",
            "pulumiservice:index:DeploymentSettings prod-deployment-settings",
            "pulumiservice:index:DriftSchedule dev-drift-schedule",
            "pulumiservice:index:DriftSchedule prod-drift-schedule",
        ]);
        const dev = find(resources, "pulumiservice:index:DeploymentSettings", "dev-deployment-settings").inputs;
        expect(dev).toEqual({
            organization: "acme",
            project: "eks-canary",
            stack: "dev",
            agentPoolId: POOL,
            sourceContext: { git: { branch: "main" } },
            // pullRequestTemplate: false is the package's own default for the github block.
            github: { repository: "acme/eks-canary", deployCommits: true, previewPullRequests: true, pullRequestTemplate: false },
            operationContext: {
                preRunCommands: ["npm ci"],
                options: { skipInstallDependencies: true },
                oidc: { aws: { roleARN: DEPLOYMENTS.dev.roleArn, sessionName: "pulumi-deployments-eks-canary-dev" } },
            },
        });
        const prod = find(resources, "pulumiservice:index:DeploymentSettings", "prod-deployment-settings").inputs;
        expect(prod.stack).toBe("prod");
        expect(prod.github).toEqual({ repository: "acme/eks-canary", deployCommits: false, previewPullRequests: true, pullRequestTemplate: false });
        expect(prod.operationContext).toMatchObject({ oidc: { aws: { roleARN: DEPLOYMENTS.prod.roleArn, sessionName: "pulumi-deployments-eks-canary-prod" } } });
    });

    it("holds no static AWS credentials: no access keys in environment variables", async () => {
        const resources = await declare(readSettings(RAW, DEPLOYMENTS));
        const text = JSON.stringify(resources.map((resource) => resource.inputs));
        expect(text).not.toMatch(/AKIA[0-9A-Z]{16}|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/);
    });

    it("installs (which builds the program) before each operation, and filters deployments to the program's folder", async () => {
        const resources = await declare(readSettings({ ...RAW, repoDir: "infra/eks-canary", branch: "release" }, DEPLOYMENTS));
        const dev = find(resources, "pulumiservice:index:DeploymentSettings", "dev-deployment-settings").inputs;
        expect(dev.sourceContext).toEqual({ git: { branch: "release", repoDir: "infra/eks-canary" } });
        expect(dev.github).toMatchObject({ paths: ["infra/eks-canary/**"] });
        expect(dev.operationContext).toMatchObject({ preRunCommands: ["npm ci"] });
    });

    it("declares a drift schedule per stack that reports drift and never remediates it", async () => {
        const resources = await declare(readSettings({ ...RAW, stacks: { prod: { driftSchedule: "0 * * * *" } } }, DEPLOYMENTS));
        expect(find(resources, "pulumiservice:index:DriftSchedule", "dev-drift-schedule").inputs).toEqual({
            organization: "acme",
            project: "eks-canary",
            stack: "dev",
            scheduleCron: "0 6 * * *",
            autoRemediate: false,
        });
        expect(find(resources, "pulumiservice:index:DriftSchedule", "prod-drift-schedule").inputs).toMatchObject({
            stack: "prod",
            scheduleCron: "0 * * * *",
            autoRemediate: false,
        });
    });

    it("the program reads its config from the deploy namespace and each stack's deployer from its Pulumi.<stack>.yaml", async () => {
        declared.length = 0;
        pulumi.runtime.setAllConfig({ "deploy:organization": "acme", "deploy:repository": "acme/eks-canary" });
        vi.resetModules();
        const program = (await import("../../deploy/index")) as { stacks: Record<string, pulumi.Output<string>> };
        // The shipped stacks deploy through the workflows: nothing for Deployments to do.
        expect(program.stacks).toEqual({});
        expect(declared).toEqual([]);

        pulumi.runtime.setAllConfig({ "deploy:organization": "acme", "deploy:repository": "acme/eks-canary", "deploy:stacks": JSON.stringify({ dev: { deployCommits: true } }) });
        vi.resetModules();
        await expect(import("../../deploy/index")).rejects.toThrow("stack dev is deployed by github-actions");
    });
});
