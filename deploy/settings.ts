/**
 * Pulumi Deployments for the eks-canary stacks, as code: per stack a `DeploymentSettings` (source
 * repository and folder, `npm ci` (which builds the program) before the operation, AWS credentials through
 * Pulumi's OIDC issuer, GitHub previews on pull requests) and a `DriftSchedule`.
 *
 * `readSettings` checks the raw config and reports every problem at once; `deploymentArgs` and
 * `driftArgs` are the resources' inputs (pure); `declareDeployments` declares them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";

/** The Pulumi project the settings deploy: the program at the repository's root. */
export const PROGRAM_PROJECT = "eks-canary";
export const PROGRAM_STACKS = ["dev", "prod"] as const;
export type ProgramStack = (typeof PROGRAM_STACKS)[number];

export const DEFAULT_DRIFT_SCHEDULE = "0 6 * * *";

export interface StackDeployment {
    readonly stack: ProgramStack;
    /** IAM role the deployment assumes with Pulumi's OIDC token: the stack's `eks-canary:deployer.roleArn`. */
    readonly roleArn: string;
    /** The customer-managed agent pool that runs it, inside a network the cluster API admits. */
    readonly agentPoolId: string;
    /** `pulumi up` on every commit to the branch. */
    readonly deployCommits: boolean;
    /** `pulumi preview` on every pull request, posted to it. */
    readonly previewPullRequests: boolean;
    readonly driftSchedule: string;
}

export interface DeploySettings {
    readonly organization: string;
    /** `owner/repo` on GitHub. */
    readonly repository: string;
    readonly branch: string;
    /** Folder of the program's Pulumi.yaml in the repository; undefined: the root. */
    readonly repoDir: string | undefined;
    /** The stacks Pulumi Deployments deploys: those whose deployer is `pulumi-deployments`. */
    readonly stacks: readonly StackDeployment[];
}

/** The config as read, before checks (`deploy:` namespace). */
export interface RawSettings {
    readonly organization?: string;
    readonly repository?: string;
    readonly branch?: string;
    readonly repoDir?: string;
    readonly driftSchedule?: string;
    readonly stacks?: unknown;
}

/** What a program stack's own config (`eks-canary:deployer` in Pulumi.<stack>.yaml) says of its deployer. */
export interface ProgramDeployer {
    readonly kind: string;
    readonly roleArn: string;
    readonly agentPoolId?: string;
}

export class DeploySettingsError extends Error {
    constructor(public readonly problems: readonly string[]) {
        super(`invalid deploy settings:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    }
}

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const CRON = /^\S+(\s+\S+){4}$/;
const BRANCH = /^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]{1,255}$/;
const STACK_KEYS = ["deployCommits", "previewPullRequests", "driftSchedule"];

/**
 * Checks the raw config against the program stacks' deployers; throws a DeploySettingsError
 * listing every problem with its key. Only the stacks whose deployer is `pulumi-deployments` get
 * settings: a stack has one deployer, so the deploy workflow and Deployments never both deploy it.
 */
export function readSettings(raw: RawSettings, deployers: Readonly<Record<ProgramStack, ProgramDeployer>>): DeploySettings {
    const problems: string[] = [];
    const organization = raw.organization ?? "";
    if (organization === "") {
        problems.push("deploy:organization: missing; allowed: your Pulumi Cloud organization");
    }
    const repository = raw.repository ?? "";
    if (!REPOSITORY.test(repository)) {
        problems.push(`deploy:repository: ${JSON.stringify(raw.repository ?? null)}; allowed: a GitHub repository as owner/repo`);
    }
    const branch = raw.branch ?? "main";
    if (!BRANCH.test(branch)) {
        problems.push(`deploy:branch: ${JSON.stringify(branch)}; allowed: a branch name`);
    }
    const repoDir = raw.repoDir === undefined || raw.repoDir === "" || raw.repoDir === "." ? undefined : raw.repoDir;
    if (repoDir !== undefined && (repoDir.startsWith("/") || repoDir.split("/").includes(".."))) {
        problems.push(`deploy:repoDir: ${JSON.stringify(repoDir)}; allowed: a folder relative to the repository root`);
    }
    const defaultDrift = raw.driftSchedule ?? DEFAULT_DRIFT_SCHEDULE;
    const stacksRaw =
        raw.stacks === undefined ? {} : typeof raw.stacks === "object" && raw.stacks !== null && !Array.isArray(raw.stacks) ? (raw.stacks as Record<string, unknown>) : undefined;
    if (stacksRaw === undefined) {
        problems.push(`deploy:stacks: ${JSON.stringify(raw.stacks)} is not an object; allowed: {${PROGRAM_STACKS.join(", ")}} with ${STACK_KEYS.join(", ")}`);
    }
    for (const key of Object.keys(stacksRaw ?? {})) {
        if (!(PROGRAM_STACKS as readonly string[]).includes(key)) {
            problems.push(`deploy:stacks.${key}: unknown stack; allowed: ${PROGRAM_STACKS.join(", ")}`);
        }
    }
    const stacks: StackDeployment[] = [];
    for (const stack of PROGRAM_STACKS) {
        const deployer = deployers[stack];
        const entry = stacksRaw?.[stack];
        if (deployer.kind !== "pulumi-deployments") {
            if (entry !== undefined) {
                problems.push(
                    `deploy:stacks.${stack}: stack ${stack} is deployed by ${deployer.kind} (eks-canary:deployer.kind in Pulumi.${stack}.yaml), and one deployer per stack; allowed: remove it, or set that deployer.kind to pulumi-deployments`,
                );
            }
            continue;
        }
        if (entry !== undefined && (typeof entry !== "object" || entry === null || Array.isArray(entry))) {
            problems.push(`deploy:stacks.${stack}: ${JSON.stringify(entry)} is not an object; allowed keys: ${STACK_KEYS.join(", ")}`);
            continue;
        }
        const value = (entry ?? {}) as Record<string, unknown>;
        for (const key of Object.keys(value)) {
            if (key === "roleArn") {
                problems.push(
                    `deploy:stacks.${stack}.roleArn: the role is the stack's own eks-canary:deployer.roleArn (Pulumi.${stack}.yaml), one home for it; allowed: remove it`,
                );
            } else if (!STACK_KEYS.includes(key)) {
                problems.push(`deploy:stacks.${stack}.${key}: unknown key; allowed keys: ${STACK_KEYS.join(", ")}`);
            }
        }
        const flag = (key: string, fallback: boolean): boolean => {
            const flagValue = value[key];
            if (flagValue === undefined) {
                return fallback;
            }
            if (typeof flagValue !== "boolean") {
                problems.push(`deploy:stacks.${stack}.${key}: ${JSON.stringify(flagValue)}; allowed: true, false`);
                return fallback;
            }
            return flagValue;
        };
        const driftSchedule = typeof value.driftSchedule === "string" ? value.driftSchedule : defaultDrift;
        if (!CRON.test(driftSchedule.trim())) {
            problems.push(`deploy:stacks.${stack}.driftSchedule: ${JSON.stringify(driftSchedule)}; allowed: a 5-field cron expression such as "0 6 * * *"`);
        }
        if (deployer.agentPoolId === undefined) {
            problems.push(`eks-canary:deployer.agentPoolId (Pulumi.${stack}.yaml): missing; allowed: the customer-managed agent pool that reaches the cluster API`);
            continue;
        }
        stacks.push({
            stack,
            roleArn: deployer.roleArn,
            agentPoolId: deployer.agentPoolId,
            // prod goes out through an approved deployment, never straight from a merge.
            deployCommits: flag("deployCommits", stack === "dev"),
            previewPullRequests: flag("previewPullRequests", true),
            driftSchedule: driftSchedule.trim(),
        });
    }
    if (problems.length > 0) {
        throw new DeploySettingsError(problems);
    }
    return { organization, repository, branch, repoDir, stacks };
}

/**
 * The commands run before `pulumi up`/`preview`: a clean install, which also builds bin/ (the
 * program's `prepare` script), the JavaScript Pulumi runs.
 */
export function preRunCommands(): string[] {
    return ["npm ci"];
}

/** The DeploymentSettings inputs of one stack. */
export function deploymentArgs(settings: DeploySettings, stack: StackDeployment): pulumiservice.DeploymentSettingsArgs {
    return {
        organization: settings.organization,
        project: PROGRAM_PROJECT,
        stack: stack.stack,
        // The agent runs where the cluster's API endpoint admits it (eks-canary:cluster.publicAccessCidrs).
        agentPoolId: stack.agentPoolId,
        sourceContext: {
            git: {
                branch: settings.branch,
                ...(settings.repoDir === undefined ? {} : { repoDir: settings.repoDir }),
            },
        },
        github: {
            repository: settings.repository,
            deployCommits: stack.deployCommits,
            previewPullRequests: stack.previewPullRequests,
            ...(settings.repoDir === undefined ? {} : { paths: [`${settings.repoDir}/**`] }),
        },
        operationContext: {
            preRunCommands: preRunCommands(),
            // `npm ci` above installs exactly the lockfile; skip the default install.
            options: { skipInstallDependencies: true },
            oidc: {
                aws: {
                    roleARN: stack.roleArn,
                    sessionName: `pulumi-deployments-${PROGRAM_PROJECT}-${stack.stack}`,
                },
            },
        },
    };
}

export function driftArgs(settings: DeploySettings, stack: StackDeployment): pulumiservice.DriftScheduleArgs {
    return {
        organization: settings.organization,
        project: PROGRAM_PROJECT,
        stack: stack.stack,
        scheduleCron: stack.driftSchedule,
        // Drift is reported, never fixed by itself: a fix is a reviewed change like any other.
        autoRemediate: false,
    };
}

export interface Deployments {
    readonly settings: Record<string, pulumiservice.DeploymentSettings>;
    readonly drift: Record<string, pulumiservice.DriftSchedule>;
}

/** Declares the DeploymentSettings and the DriftSchedule of every stack. */
export function declareDeployments(settings: DeploySettings, opts?: pulumi.CustomResourceOptions): Deployments {
    const result: Deployments = { settings: {}, drift: {} };
    for (const stack of settings.stacks) {
        const deployment = new pulumiservice.DeploymentSettings(`${stack.stack}-deployment-settings`, deploymentArgs(settings, stack), opts);
        result.settings[stack.stack] = deployment;
        // Drift runs are deployments: they need the stack's settings first.
        result.drift[stack.stack] = new pulumiservice.DriftSchedule(`${stack.stack}-drift-schedule`, driftArgs(settings, stack), { ...opts, dependsOn: [deployment] });
    }
    return result;
}
