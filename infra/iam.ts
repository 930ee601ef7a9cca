/** IAM building blocks shared by the components: policy documents as plain data, and IRSA roles. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action: string | string[];
    Resource?: string | string[];
    Principal?: Record<string, string | string[]>;
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** The AWS partition of a region: `aws`, `aws-cn` or `aws-us-gov`. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}

/** ARN of an AWS managed policy in the region's partition. */
export function managedPolicyArn(region: string, policyName: string): string {
    return `arn:${partitionOf(region)}:iam::aws:policy/${policyName}`;
}

/** The audience EKS Pod Identity webhooks put into projected service account tokens for STS. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/**
 * The trust policy of an IAM role for one Kubernetes service account (IRSA): only tokens issued
 * by the cluster's OIDC provider for exactly `system:serviceaccount:<namespace>:<name>`, with the
 * STS audience, may assume it.
 */
export function serviceAccountTrustPolicy(oidcProviderArn: string, oidcIssuer: string, namespace: string, serviceAccount: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${oidcIssuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                        [`${oidcIssuer}:aud`]: STS_AUDIENCE,
                    },
                },
            },
        ],
    };
}

/** What a cluster offers for IRSA: its OIDC provider. */
export interface OidcProvider {
    /** ARN of the IAM OIDC provider of the cluster. */
    arn: pulumi.Input<string>;
    /** Issuer URL without `https://`, the prefix of the token condition keys. */
    issuer: pulumi.Input<string>;
}

export interface ServiceAccountRoleArgs {
    oidcProvider: OidcProvider;
    namespace: string;
    serviceAccount: string;
    /** Inline policy: what the workload may do. */
    policy?: pulumi.Input<PolicyDocument>;
    /** AWS managed policies to attach, by ARN. */
    managedPolicyArns?: string[];
    tags?: Record<string, string>;
}

/** An IAM role that exactly one Kubernetes service account can assume (IRSA). */
export class ServiceAccountRole extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: ServiceAccountRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:iam:ServiceAccountRole", name, {}, opts);
        if (args.policy === undefined && (args.managedPolicyArns ?? []).length === 0) {
            throw new Error(`ServiceAccountRole ${name}: give it a policy or managedPolicyArns; a role with no permissions serves no one`);
        }
        const role = new aws.iam.Role(
            name,
            {
                description: `IRSA role of service account ${args.namespace}/${args.serviceAccount}`,
                assumeRolePolicy: pulumi
                    .all([args.oidcProvider.arn, args.oidcProvider.issuer])
                    .apply(([arn, issuer]) => JSON.stringify(serviceAccountTrustPolicy(arn, issuer, args.namespace, args.serviceAccount))),
                tags: args.tags,
            },
            { parent: this },
        );
        if (args.policy !== undefined) {
            new aws.iam.RolePolicy(name, { role: role.name, policy: pulumi.output(args.policy).apply((document) => JSON.stringify(document)) }, { parent: this });
        }
        for (const [index, policyArn] of (args.managedPolicyArns ?? []).entries()) {
            new aws.iam.RolePolicyAttachment(`${name}-${index}`, { role: role.name, policyArn }, { parent: this });
        }
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
    }
}
