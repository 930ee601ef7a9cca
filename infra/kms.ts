/**
 * Customer managed KMS keys that one AWS service uses on the account's behalf. The key policy is
 * the only one that counts (no account-root statement, so IAM policies grant nothing on the key):
 * the admin roles administer the key but may use it, and create grants, only through that service
 * (`kms:ViaService`); the service's own role, where it has one (the EKS cluster role), may use it
 * directly. The service works through grants it creates, as the caller, when the resource is
 * created. Keep at least one admin role alive: a key no listed principal can administer needs AWS
 * Support to recover.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./iam";

/** What a key administrator may do; none of it reads or writes data, or grants that (no CreateGrant). */
export const KEY_ADMIN_ACTIONS = [
    "kms:CreateAlias",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
];

/** What the owning service does with the key on a caller's behalf. */
export const KEY_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants"];

/** The services keys are made for, by their endpoint prefix. */
export type KeyService = "eks" | "rds";

/** What the service's own role does with the key directly (EKS: encrypt Secrets, check the key's health). */
export const KEY_SERVICE_ROLE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ListGrants"];

export function serviceKeyPolicy(region: string, accountId: string, service: KeyService, adminArns: readonly string[], serviceRoleArn?: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            ...(serviceRoleArn === undefined
                ? []
                : [{ Sid: `${service.toUpperCase()}ServiceRole`, Effect: "Allow" as const, Principal: { AWS: serviceRoleArn }, Action: KEY_SERVICE_ROLE_ACTIONS, Resource: "*" }]),
            { Sid: "AdministerTheKey", Effect: "Allow", Principal: { AWS: [...adminArns] }, Action: KEY_ADMIN_ACTIONS, Resource: "*" },
            {
                Sid: `UseOnlyThrough${service.toUpperCase()}`,
                Effect: "Allow",
                Principal: { AWS: [...adminArns] },
                Action: KEY_USE_ACTIONS,
                Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": `${service}.${region}.amazonaws.com`, "kms:CallerAccount": accountId } },
            },
        ],
    };
}

export interface ServiceKeyArgs {
    description: string;
    region: string;
    service: KeyService;
    /** Who administers the key: the cluster admins, among them every role that deploys. */
    adminArns: readonly string[];
    /** The service's own IAM role, which uses the key directly (EKS's cluster role). */
    serviceRoleArn?: pulumi.Input<string>;
    tags?: Record<string, string>;
}

/** A rotated customer managed key for `service`, with the policy above; the alias is `alias/<aliasName>`. */
export function serviceKey(name: string, aliasName: string, args: ServiceKeyArgs, opts: pulumi.CustomResourceOptions): aws.kms.Key {
    const identity = aws.getCallerIdentityOutput({}, { parent: opts.parent });
    const key = new aws.kms.Key(
        name,
        {
            description: args.description,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: pulumi
                .all([identity.accountId, args.serviceRoleArn])
                .apply(([accountId, serviceRoleArn]) => JSON.stringify(serviceKeyPolicy(args.region, accountId, args.service, args.adminArns, serviceRoleArn))),
            tags: args.tags,
        },
        opts,
    );
    new aws.kms.Alias(name, { name: `alias/${aliasName}`, targetKeyId: key.keyId }, { parent: opts.parent });
    return key;
}
