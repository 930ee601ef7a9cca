/** S3 buckets: the ALB access-log bucket, and every other bucket, declared, encrypted and private. */
import { isInternetFacing, loadBalancerAttributes } from "./alb";
import { TYPES } from "./types";
import { asArray, at, isAfterDeploy, isSet, isTrue, ofType, show, StackResource, StackViolation } from "./values";

/** Whether `reference` (a bucket input or an annotation value) points at `bucket`. */
function refersTo(reference: unknown, bucket: StackResource): boolean {
    if (typeof reference !== "string" || reference === "") {
        return false;
    }
    const names = [bucket.props.bucket, bucket.props.id, bucket.props.arn].filter((value) => typeof value === "string" && value !== "" && !isAfterDeploy(value));
    return names.includes(reference) || reference.includes(`(known after deploy: ${bucket.name}.`) || reference === bucket.urn;
}

/**
 * The access-log bucket of every internet-facing ALB is declared in the stack, encrypted at rest
 * (a server-side encryption configuration) and private (a public access block with all four
 * flags); so is every other S3 bucket the stack declares.
 */
export function accessLogBucketViolations(resources: readonly StackResource[]): StackViolation[] {
    const buckets = ofType(resources, ...TYPES.buckets);
    const encryptions = ofType(resources, ...TYPES.bucketEncryption);
    const blocks = ofType(resources, ...TYPES.bucketPublicAccessBlock);
    const found: StackViolation[] = [];
    for (const ingress of ofType(resources, TYPES.ingress).filter((item) => isInternetFacing(item.props))) {
        const reference = loadBalancerAttributes(ingress.props).get("access_logs.s3.bucket");
        if (isSet(reference) && !buckets.some((bucket) => refersTo(reference, bucket))) {
            found.push({
                message: `the access-log bucket ${show(reference)} of Ingress ${show(at(ingress.props, "metadata", "name"))} is not declared in this stack, so its encryption and public access block cannot be checked`,
                urn: ingress.urn,
            });
        }
    }
    for (const bucket of buckets) {
        const encryption = encryptions.filter((item) => refersTo(item.props.bucket, bucket));
        const algorithm = encryption.flatMap((item) => asArray(item.props.rules).map((rule) => at(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")));
        if (!algorithm.some((value) => isSet(value))) {
            found.push({ message: `the S3 bucket ${bucket.name} has no server-side encryption configuration with a default algorithm`, urn: bucket.urn });
        }
        const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
        const block = blocks.filter((item) => refersTo(item.props.bucket, bucket));
        if (!block.some((item) => flags.every((flag) => isTrue(item.props[flag])))) {
            found.push({ message: `the S3 bucket ${bucket.name} needs a public access block with ${flags.join(", ")} all true`, urn: bucket.urn });
        }
    }
    return found;
}
