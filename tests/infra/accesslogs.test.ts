import { beforeAll, describe, expect, it } from "vitest";
import { accessLogBucketPolicy } from "../../infra/accesslogs";
import { byName, childrenOf, metadata, OfflinePlan, planStack, resourcesOfType, TYPES } from "../helpers";

let dev: OfflinePlan;
let prod: OfflinePlan;

beforeAll(async () => {
    dev = await planStack("dev");
    prod = await planStack("prod");
});

function appIngressAnnotations(plan: OfflinePlan): Record<string, string> {
    const ingress = resourcesOfType(plan, TYPES.ingress).find((resource) => metadata(resource).name === "app-ingress");
    return metadata(ingress as NonNullable<typeof ingress>).annotations ?? {};
}

describe("AccessLogBucket: where the public ALB logs", () => {
    it("is a private, encrypted bucket whose logs expire", () => {
        expect(
            childrenOf(prod, "alb-access-logs")
                .map((child) => child.type)
                .sort(),
        ).toEqual(
            [
                "aws:s3/bucket:Bucket",
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                "aws:s3/bucketPolicy:BucketPolicy",
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            ].sort(),
        );
        expect(byName(prod, "alb-access-logs", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        expect(byName(prod, "alb-access-logs", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ]);
        expect(byName(prod, "alb-access-logs", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules).toEqual([
            { id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: 90 } },
        ]);
    });

    it("is kept on destroy in prod and removable in dev", () => {
        const prodBucket = byName(prod, "alb-access-logs", "aws:s3/bucket:Bucket");
        expect(prodBucket.retainOnDelete).toBe(true);
        expect(prodBucket.inputs.forceDestroy).toBe(false);
        const devBucket = byName(dev, "alb-access-logs", "aws:s3/bucket:Bucket");
        expect(devBucket.retainOnDelete).toBe(false);
        expect(devBucket.inputs.forceDestroy).toBe(true);
    });

    it("lets only Elastic Load Balancing write, under the stack's prefix and this account's AWSLogs/<account>/, over TLS", () => {
        const policy = accessLogBucketPolicy("arn:aws:s3:::logs", "prod", "111122223333", "arn:aws:iam::156460612806:root");
        expect(policy.Statement.filter((statement) => statement.Effect === "Allow").map((statement) => [statement.Principal, statement.Action, statement.Resource])).toEqual([
            [{ AWS: "arn:aws:iam::156460612806:root" }, "s3:PutObject", "arn:aws:s3:::logs/prod/AWSLogs/111122223333/*"],
            [{ Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, "s3:PutObject", "arn:aws:s3:::logs/prod/AWSLogs/111122223333/*"],
        ]);
        expect(policy.Statement.find((statement) => statement.Effect === "Deny")?.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
    });
});

describe("AppIngress: access logs and deletion protection", () => {
    it("prod: logs to the bucket under the stack prefix, and the ALB cannot be deleted", () => {
        expect(appIngressAnnotations(prod)["alb.ingress.kubernetes.io/load-balancer-attributes"]).toBe(
            "access_logs.s3.enabled=true,access_logs.s3.bucket=(known after deploy: alb-access-logs.bucket),access_logs.s3.prefix=prod," +
                "deletion_protection.enabled=true,routing.http.drop_invalid_header_fields.enabled=true",
        );
    });

    it("dev: logs too, without deletion protection", () => {
        expect(appIngressAnnotations(dev)["alb.ingress.kubernetes.io/load-balancer-attributes"]).toContain("access_logs.s3.prefix=dev,deletion_protection.enabled=false");
    });
});
