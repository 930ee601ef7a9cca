/** policy/rules/access-logs.ts: the ALB access-log bucket, and every S3 bucket, declared, encrypted and private. */
import { describe, expect, it } from "vitest";
import { TYPES } from "../../policy/rules";
import { appIngress } from "./fixtures/alb";
import { stackPolicy, stackResource, validateStack } from "./helpers";

const logBucket = stackResource("aws:s3/bucket:Bucket", "access-logs", { forceDestroy: false });
const logBucketEncryption = stackResource(TYPES.bucketEncryption[0], "access-logs", {
    bucket: "(known after deploy: access-logs.id)",
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
});
const logBucketBlock = stackResource(TYPES.bucketPublicAccessBlock[0], "access-logs", {
    bucket: "(known after deploy: access-logs.id)",
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
});

describe("stack policies", () => {
    it("alb-access-log-bucket: the log bucket is declared, encrypted and blocks all public access", async () => {
        const policy = stackPolicy("alb-access-log-bucket");
        expect(await validateStack(policy, [appIngress, logBucket, logBucketEncryption, logBucketBlock])).toEqual([]);
        expect((await validateStack(policy, [appIngress])).map((violation) => violation.message).join()).toMatch(/not declared in this stack/);
        expect((await validateStack(policy, [appIngress, logBucket, logBucketBlock])).map((violation) => violation.message).join()).toMatch(/no server-side encryption/);
        const leaky = stackResource(logBucketBlock.type, "access-logs", { ...logBucketBlock.props, restrictPublicBuckets: false });
        expect((await validateStack(policy, [appIngress, logBucket, logBucketEncryption, leaky])).map((violation) => violation.message).join()).toMatch(/public access block/);
        // A configuration of another bucket does not count.
        const other = stackResource(logBucketEncryption.type, "other", { ...logBucketEncryption.props, bucket: "(known after deploy: other.id)" });
        expect(await validateStack(policy, [appIngress, logBucket, other, logBucketBlock])).toHaveLength(1);
    });
});
