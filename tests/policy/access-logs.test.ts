/** policy/rules/access-logs.ts: the ALB access-log bucket, and every S3 bucket, declared, encrypted and private. */
import { describe, expect, it } from "vitest";
import { accessLogBucketViolations, StackResource, TYPES } from "../../policy/rules";
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

    describe("accessLogBucketViolations, exactly", () => {
        const named = stackResource("aws:s3/bucket:Bucket", "logs", { bucket: "acme-logs", arn: "arn:aws:s3:::acme-logs" });
        const encryption = (bucket: unknown): StackResource =>
            stackResource(TYPES.bucketEncryption[0], "logs", { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] });
        const block = (bucket: unknown, open = false): StackResource =>
            stackResource(TYPES.bucketPublicAccessBlock[0], "logs", {
                bucket,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: !open,
            });
        const messages = (resources: StackResource[]): string[] => accessLogBucketViolations(resources).map((violation) => violation.message);
        const NO_ENCRYPTION = "the S3 bucket logs has no server-side encryption configuration with a default algorithm";
        const NO_BLOCK = "the S3 bucket logs needs a public access block with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true";

        it("a configuration refers to its bucket by name, ARN, URN or the bucket's own unknown ID", () => {
            for (const reference of ["acme-logs", "arn:aws:s3:::acme-logs", named.urn, "(known after deploy: logs.id)"]) {
                expect(messages([named, encryption(reference), block(reference)]), reference).toEqual([]);
            }
        });

        it("not by another name, an empty or a non-string reference, or another resource's unknown value", () => {
            for (const reference of ["other-logs", "", 7, undefined, "(known after deploy: other.bucket)"]) {
                expect(messages([named, encryption(reference), block(reference)]), String(reference)).toEqual([NO_ENCRYPTION, NO_BLOCK]);
            }
            const unknownName = stackResource("aws:s3/bucket:Bucket", "logs", { bucket: "(known after deploy: other.bucket)" });
            expect(messages([unknownName, encryption("(known after deploy: other.bucket)"), block("(known after deploy: other.bucket)")])).toEqual([NO_ENCRYPTION, NO_BLOCK]);
        });

        it("one complete public access block of several is enough; one open flag is not", () => {
            expect(messages([named, encryption("acme-logs"), block("acme-logs", true), block("acme-logs")])).toEqual([]);
            expect(messages([named, encryption("acme-logs"), block("acme-logs", true)])).toEqual([NO_BLOCK]);
            expect(messages([named, encryption("acme-logs"), block("other", false), block("acme-logs", true)])).toEqual([NO_BLOCK]);
        });

        it("judges the log bucket of internet-facing Ingresses only", () => {
            const internal = stackResource(appIngress.type, "internal", {
                ...appIngress.props,
                metadata: {
                    ...(appIngress.props.metadata as object),
                    annotations: { ...(appIngress.props.metadata as { annotations: object }).annotations, "alb.ingress.kubernetes.io/scheme": "internal" },
                },
            });
            expect(messages([internal])).toEqual([]);
            expect(messages([appIngress])).toHaveLength(1);
        });
    });
});
