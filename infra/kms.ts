/**
 * Customer managed KMS keys that one AWS service uses on the account's behalf: the key policy
 * lets the admin roles administer the key, and lets them use it only through that service
 * (`kms:ViaService`), so no principal can decrypt its data directly. The service itself works
 * through grants that it creates, as the caller, when the resource is created.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./iam";

/** What a key administrator may do; none of it reads or writes data. */
export const KEY_ADMIN_ACTIONS = [
    "kms:Create*",
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

export function serviceKeyPolicy(region: string, accountId: string, service: KeyService, adminArns: readonly string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
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
            policy: identity.accountId.apply((accountId) => JSON.stringify(serviceKeyPolicy(args.region, accountId, args.service, args.adminArns))),
            tags: args.tags,
        },
        opts,
    );
    new aws.kms.Alias(name, { name: `alias/${aliasName}`, targetKeyId: key.keyId }, { parent: opts.parent });
    return key;
}

