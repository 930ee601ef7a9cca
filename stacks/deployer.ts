/**
 * Who runs `pulumi up` and `pulumi preview` for a stack, and how they reach the cluster's API
 * (`eks-canary:deployer`). The stack creates the VPC its cluster lives in, so no deployer can be
 * inside that VPC at the first `pulumi up`: every deployer reaches the public API endpoint, which
 * is open only to `cluster.publicAccessCidrs`, the deployer's egress ranges. Each kind states what
 * gives it a fixed egress range (README, "Deploy").
 */
import { Checker, childKey, Json } from "./checks";

export const DEPLOYER_KINDS = ["workstation", "github-actions", "pulumi-deployments"] as const;
export type DeployerKind = (typeof DEPLOYER_KINDS)[number];

export interface DeployerConfig {
    readonly kind: DeployerKind;
    /** github-actions: the `runs-on` label of the runner that deploys (self-hosted, or a larger runner with static IPs). */
    readonly runner?: string;
    /**
     * github-actions: the label of the runners that preview pull requests, which run code that is
     * not reviewed yet: never the deploy runner's (default: the deploy runner; see the README).
     */
    readonly previewRunner?: string;
    /** pulumi-deployments: the customer-managed agent pool that runs the deployments. */
    readonly agentPoolId?: string;
    /** The IAM role that runs `pulumi up`; one of `cluster.adminPrincipalArns`. */
    readonly roleArn: string;
    /** IAM roles that only run `pulumi preview`: read-only cluster access. */
    readonly previewRoleArns: readonly string[];
}

export const DEPLOYER_KEYS = ["kind", "runner", "previewRunner", "agentPoolId", "roleArn", "previewRoleArns"] as const;

/**
 * GitHub-hosted runner labels: their egress comes from Azure's thousands of ranges, which GitHub
 * itself advises against allow-listing (and EKS takes at most 40 public access CIDRs).
 */
const GITHUB_HOSTED_LABEL = /^(ubuntu|windows|macos)-/;
const RUNNER_LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const AGENT_POOL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ROLE_EXPECTED = "an IAM role ARN such as arn:aws:iam::111122223333:role/eks-canary-deployer";

/** What the deployer's checks need to know of the cluster's config. */
export interface ClusterAccess {
    readonly publicAccessCidrsKey: string;
    readonly publicAccessCidrs: readonly string[];
    readonly adminsKey: string;
    readonly adminPrincipalArns: readonly string[];
}

export function parseDeployer(check: Checker, key: string, value: Json | undefined, cluster: ClusterAccess): DeployerConfig | undefined {
    if (value === undefined) {
        check.report(
            key,
            `missing; say who runs \`pulumi up\`: ${DEPLOYER_KINDS.join(", ")}, e.g. \`pulumi config set --path deployer.kind github-actions\` and \`pulumi config set --path deployer.roleArn <role ARN>\`; allowed keys: ${DEPLOYER_KEYS.join(", ")}`,
        );
        return undefined;
    }
    const raw = check.object(key, value, DEPLOYER_KEYS);
    if (raw === undefined) {
        return undefined;
    }
    const kindKey = childKey(key, "kind");
    const kind = check.requiredString(kindKey, raw.kind, { oneOf: DEPLOYER_KINDS }) as DeployerKind | undefined;
    const runnerKey = childKey(key, "runner");
    const previewRunnerKey = childKey(key, "previewRunner");
    let previewRunner: string | undefined;
    const poolKey = childKey(key, "agentPoolId");
    let runner: string | undefined;
    let agentPoolId: string | undefined;
    if (kind === "github-actions") {
        runner = check.requiredString(runnerKey, raw.runner, {
            pattern: RUNNER_LABEL,
            expected: "the runs-on label of a self-hosted runner (or of a larger runner with static IPs), such as eks-canary-deployer",
        });
        if (runner !== undefined && GITHUB_HOSTED_LABEL.test(runner)) {
            check.report(
                runnerKey,
                `${JSON.stringify(runner)} is a GitHub-hosted runner, whose egress addresses are too many to allow-list in cluster.publicAccessCidrs (40 at most); allowed: the label of a self-hosted runner or of a larger runner with static IPs`,
            );
            runner = undefined;
        }
        previewRunner = check.string(previewRunnerKey, raw.previewRunner, { pattern: RUNNER_LABEL, expected: "the runs-on label of the runners that preview pull requests" });
        if (previewRunner !== undefined && GITHUB_HOSTED_LABEL.test(previewRunner)) {
            check.report(
                previewRunnerKey,
                `${JSON.stringify(previewRunner)} is a GitHub-hosted runner, which cannot reach the API endpoint; allowed: the label of a self-hosted or static-IP runner`,
            );
            previewRunner = undefined;
        }
        if (previewRunner !== undefined && previewRunner === runner) {
            check.report(
                previewRunnerKey,
                `is the deploy runner's label: pull requests would run unreviewed code where the admin role deploys; allowed: a separate (ideally ephemeral) runner's label, or remove it`,
            );
            previewRunner = undefined;
        }
    } else if (raw.runner !== undefined && kind !== undefined) {
        check.report(runnerKey, `only the github-actions deployer runs on a runner; deployer.kind is ${kind}; allowed: remove it`);
    }
    if (kind === "pulumi-deployments") {
        agentPoolId = check.requiredString(poolKey, raw.agentPoolId, {
            pattern: AGENT_POOL_ID,
            expected: "the ID of a customer-managed Pulumi Deployments agent pool (a UUID): Pulumi-hosted runners have no egress range to allow-list",
        });
    } else if (raw.agentPoolId !== undefined && kind !== undefined) {
        check.report(poolKey, `only the pulumi-deployments deployer runs in an agent pool; deployer.kind is ${kind}; allowed: remove it`);
    }

    const roleKey = childKey(key, "roleArn");
    const roleArn = check.requiredString(roleKey, raw.roleArn, { pattern: ROLE_ARN, expected: ROLE_EXPECTED });
    if (roleArn !== undefined && cluster.adminPrincipalArns.length > 0 && !cluster.adminPrincipalArns.includes(roleArn)) {
        check.report(
            roleKey,
            `${roleArn} runs \`pulumi up\` but is not a cluster admin, so it could not deploy to the cluster; allowed: one of ${cluster.adminsKey}, or add it there`,
        );
    }
    const previewKey = childKey(key, "previewRoleArns");
    const previewRoleArns = (check.array(previewKey, raw.previewRoleArns, { minItems: 0, maxItems: 10 }) ?? []).flatMap((item, index) => {
        const arn = check.string(childKey(previewKey, index), item, { pattern: ROLE_ARN, expected: ROLE_EXPECTED });
        if (arn !== undefined && cluster.adminPrincipalArns.includes(arn)) {
            check.report(childKey(previewKey, index), `${arn} is also in ${cluster.adminsKey}; a principal has one access entry; allowed: a role that only previews`);
            return [];
        }
        return arn === undefined ? [] : [arn];
    });

    // Reachability: the API endpoint must be open to the deployer's egress range.
    if (kind !== undefined && cluster.publicAccessCidrs.length === 0) {
        check.report(
            cluster.publicAccessCidrsKey,
            `is empty, so the API endpoint is private, and the ${kind} deployer runs outside the VPC this stack creates: every Kubernetes resource would fail with the cluster unreachable; allowed: the deployer's egress CIDRs (${egressHint(kind)}), e.g. \`pulumi config set --path 'cluster.publicAccessCidrs[0]' 203.0.113.10/32\``,
        );
    }
    if (kind === undefined || roleArn === undefined) {
        return undefined;
    }
    return {
        kind,
        ...(runner === undefined ? {} : { runner }),
        ...(previewRunner === undefined ? {} : { previewRunner }),
        ...(agentPoolId === undefined ? {} : { agentPoolId }),
        roleArn,
        previewRoleArns,
    };
}

function egressHint(kind: DeployerKind): string {
    switch (kind) {
        case "workstation":
            return "your workstation's or VPN's public address";
        case "github-actions":
            return "the NAT address of your self-hosted runners, or your larger runners' static IPs";
        case "pulumi-deployments":
            return "the NAT address of your agent pool's hosts";
    }
}
