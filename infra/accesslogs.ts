import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./iam";

/** Days the load balancers' access logs are kept. */
export const ACCESS_LOG_RETENTION_DAYS = 90;

/**
 * Who may write a bucket's load balancer access logs, under `<prefix>/AWSLogs/<accountId>/` only
 * (where ELB writes this account's logs): the Elastic Load Balancing account of the region
 * (regions opened before August 2022) and the log-delivery service principal (the others).
 */
export function accessLogBucketPolicy(bucketArn: string, prefix: string, accountId: string, elbAccountArn: string): PolicyDocument {
    const logs = `${bucketArn}/${prefix}/AWSLogs/${accountId}/*`;
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "RegionalLoadBalancingAccount", Effect: "Allow", Principal: { AWS: elbAccountArn }, Action: "s3:PutObject", Resource: logs },
            {
                Sid: "LoadBalancingLogDelivery",
                Effect: "Allow",
                Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: logs,
            },
            {
                Sid: "TlsOnly",
                Effect: "Deny",
                Principal: { AWS: "*" },
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

export interface AccessLogBucketArgs {
    /** Key prefix of the logs (the stack). */
    prefix: string;
    /** Keep the bucket, and its logs, when the stack is destroyed (`retainOnDelete`); else empty and delete it. */
    retain: boolean;
    tags?: Record<string, string>;
}

/**
 * The S3 bucket of the load balancers' access logs: private (every public access blocked, owner
 * enforced), encrypted at rest with S3-managed keys (the only kind ALB log delivery supports),
 * TLS-only, logs expired after 90 days, writable by Elastic Load Balancing under its prefix only.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly prefix: string;

    constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:ingress:AccessLogBucket", name, {}, opts);
        const bucket = new aws.s3.Bucket(name, { forceDestroy: !args.retain, tags: args.tags }, { parent: this, retainOnDelete: args.retain });
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            name,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            { parent: this },
        );
        new aws.s3.BucketLifecycleConfiguration(
            name,
            { bucket: bucket.id, rules: [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: ACCESS_LOG_RETENTION_DAYS } }] },
            { parent: this },
        );
        const elbAccount = aws.elb.getServiceAccountOutput({}, { parent: this });
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const policy = new aws.s3.BucketPolicy(
            name,
            {
                bucket: bucket.id,
                policy: pulumi
                    .all([bucket.arn, identity.accountId, elbAccount.arn])
                    .apply(([bucketArn, accountId, elbAccountArn]) => JSON.stringify(accessLogBucketPolicy(bucketArn, args.prefix, accountId, elbAccountArn))),
            },
            { parent: this },
        );
        // Known only once the bucket is private, encrypted and writable by the load balancer: an
        // Ingress that logs to it waits for all of that (and, on destroy, goes first).
        this.bucketName = pulumi.all([bucket.bucket, publicAccessBlock.id, encryption.id, policy.id]).apply(([bucketName]) => bucketName);
        this.prefix = args.prefix;
        this.registerOutputs({ bucketName: this.bucketName });
    }
}
