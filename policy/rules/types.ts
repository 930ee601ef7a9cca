import { RESOURCE_TYPES } from "../../infra/resource-types";

/** The resource types the rules read: the stack's one table, plus the bucket types' old names. */
export const TYPES = {
    ...RESOURCE_TYPES,
    buckets: [RESOURCE_TYPES.bucket, RESOURCE_TYPES.bucketV2],
    bucketEncryption: [RESOURCE_TYPES.bucketEncryption, RESOURCE_TYPES.bucketEncryptionV2],
    bucketPublicAccessBlock: [RESOURCE_TYPES.bucketPublicAccessBlock],
} as const;
