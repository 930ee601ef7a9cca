/**
 * The eks-canary guard rails as Pulumi policies. This module only registers them: `../index.ts`
 * wraps them in a PolicyPack (which starts the analyzer's gRPC server when loaded), the tests import
 * them from here and feed them plain resources. The rules themselves live one concern a file
 * beside it; the names re-exported at the end are the pack's public surface.
 *
 * Every rule is a pure function of a resource's properties (or of the stack's resources) that
 * returns its violations as messages; the policies below only pick the resources and report.
 *
 * Values that are only known after a deploy (IDs, ARNs, a KMS key's ARN) and secrets count as
 * present: a rule asks "is it set?", never "what is it?", of such a value. Under `pulumi preview`
 * an unknown value that a rule has to read makes that policy advisory for the resource (the
 * `@pulumi/policy` runtime's own behaviour); the offline plan shows such values as
 * `(known after deploy: <resource>.<property>)`.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { accessLogBucketViolations } from "./access-logs";
import { albAccessLogViolations, albProductionDeletionProtectionViolations, albTlsViolations } from "./alb";
import { CanaryWeightsConfig, canaryWeightViolations } from "./canary-weights";
import {
    awsEksClusterViolations,
    eksAuthenticationViolations,
    eksControlPlaneLogViolations,
    eksEndpointViolations,
    eksSecretsEncryptionViolations,
    kmsKeyRotationViolations,
    nodeGroupRemoteAccessViolations,
    nodeMetadataViolations,
    nodeVolumeEncryptionViolations,
} from "./eks";
import { iamWildcardViolations, serviceAccountTrustViolations } from "./iam";
import { reservedNamespaceViolations, vpcRangeViolations } from "./network";
import { resourceClassesPolicy, resourceOptionsPolicy, resourcePolicy, stackPolicy, workloadPolicy } from "./policies";
import {
    MIN_BACKUP_RETENTION_DAYS,
    rdsBackupViolations,
    rdsEncryptionViolations,
    rdsIamAuthenticationViolations,
    rdsMinorVersionUpgradeViolations,
    rdsProductionViolations,
    rdsProtectViolations,
    rdsPublicAccessViolations,
} from "./rds";
import { containerResourceViolations, readinessProbeViolations, secretEnvViolations, stablePdbViolations, zoneSpreadViolations } from "./workloads";

export const resourcePolicies: ResourceValidationPolicy[] = [
    resourcePolicy(
        "eks-private-endpoint",
        "The EKS API endpoint is private; a public endpoint only for explicit public CIDRs of at most a /16 each.",
        eks.Cluster,
        eksEndpointViolations,
    ),
    resourcePolicy("eks-secrets-encryption", "Kubernetes Secrets are envelope-encrypted with a customer managed KMS key.", eks.Cluster, eksSecretsEncryptionViolations),
    resourcePolicy("eks-control-plane-logs", "All five EKS control plane log types are enabled.", eks.Cluster, eksControlPlaneLogViolations),
    resourcePolicy("eks-api-authentication", "EKS authenticates with access entries only (authenticationMode API).", eks.Cluster, eksAuthenticationViolations),
    resourcePolicy(
        "eks-cluster-resource",
        "The aws.eks.Cluster resource: private endpoint, encrypted Secrets, all logs, API authentication, no implicit admin for its creator.",
        aws.eks.Cluster,
        awsEksClusterViolations,
    ),
    resourcePolicy("kms-key-rotation", "Customer managed KMS keys rotate automatically.", aws.kms.Key, kmsKeyRotationViolations),
    resourcePolicy("node-imdsv2", "Nodes require IMDSv2 with a hop limit of 1.", aws.ec2.LaunchTemplate, nodeMetadataViolations),
    resourcePolicy("node-volume-encryption", "Every node volume is encrypted.", aws.ec2.LaunchTemplate, nodeVolumeEncryptionViolations),
    resourcePolicy("nodegroup-no-ssh", "Managed node groups allow no SSH (no remoteAccess).", aws.eks.NodeGroup, nodeGroupRemoteAccessViolations),
    resourcePolicy(
        "irsa-trust-scoped",
        "A role trusted by an OIDC provider is bound with StringEquals to exactly one service account and the sts.amazonaws.com audience.",
        aws.iam.Role,
        serviceAccountTrustViolations,
    ),
    resourceClassesPolicy(
        "iam-no-wildcard-actions",
        "No IAM policy allows * or <service>:* on every resource, except a statement that is exactly an upstream project's recommended one.",
        [aws.iam.RolePolicy, aws.iam.UserPolicy, aws.iam.Policy],
        iamWildcardViolations,
    ),
    resourcePolicy("rds-encryption", "RDS storage is encrypted with a customer managed KMS key.", aws.rds.Instance, rdsEncryptionViolations),
    resourcePolicy("rds-not-public", "RDS instances are not publicly accessible.", aws.rds.Instance, rdsPublicAccessViolations),
    resourcePolicy("rds-backups", `RDS backups are kept ${MIN_BACKUP_RETENTION_DAYS} days or more, set explicitly.`, aws.rds.Instance, rdsBackupViolations),
    resourcePolicy("rds-iam-authentication", "RDS IAM database authentication is enabled.", aws.rds.Instance, rdsIamAuthenticationViolations),
    resourcePolicy("rds-minor-version-upgrades", "RDS applies minor version upgrades automatically.", aws.rds.Instance, rdsMinorVersionUpgradeViolations),
    resourceOptionsPolicy("rds-protected", "RDS instances are declared with protect: no update or destroy removes them without an explicit unprotect.", aws.rds.Instance, (opts) =>
        rdsProtectViolations(opts.protect),
    ),
    resourcePolicy(
        "rds-production",
        "Prod RDS instances (tag stack=prod) are multi-AZ, deletion-protected and keep a named final snapshot.",
        aws.rds.Instance,
        rdsProductionViolations,
    ),
    workloadPolicy("k8s-resource-limits", "Every container and init container has cpu and memory requests and limits.", containerResourceViolations),
    workloadPolicy("k8s-readiness-probes", "Every container that serves a port has a readiness probe.", readinessProbeViolations),
    workloadPolicy("k8s-secrets-from-secret-refs", "Credentials (PASSWORD, SECRET, TOKEN, KEY variables) come from Secrets, never plain values.", secretEnvViolations),
    resourcePolicy("k8s-stable-zone-spread", "Stable Deployments spread their pods across availability zones.", k8s.apps.v1.Deployment, zoneSpreadViolations),
    resourcePolicy(
        "alb-tls",
        "Internet-facing ALBs serve HTTPS with an ACM certificate and a TLS 1.2+ policy, and redirect HTTP to 443.",
        k8s.networking.v1.Ingress,
        albTlsViolations,
    ),
    resourcePolicy("alb-access-logs", "Internet-facing ALBs write access logs to an S3 bucket.", k8s.networking.v1.Ingress, albAccessLogViolations),
];

export const stackPolicies: StackValidationPolicy[] = [
    stackPolicy("vpc-private-range", "VPC ranges are private (RFC 1918), /16 to /20, network addresses.", (resources) => vpcRangeViolations(resources)),
    stackPolicy("no-reserved-namespaces", "The stack creates no system or controller namespace.", (resources) => reservedNamespaceViolations(resources)),
    stackPolicy("k8s-stable-pdb", "Every stable Deployment has a PodDisruptionBudget.", stablePdbViolations),
    stackPolicy("alb-prod-deletion-protection", "In prod, internet-facing ALBs have deletion protection.", albProductionDeletionProtectionViolations),
    stackPolicy("alb-access-log-bucket", "The ALB access-log bucket (and every S3 bucket) is encrypted and blocks all public access.", accessLogBucketViolations),
    {
        ...stackPolicy(
            "canary-weights",
            "Canary router weights are integers 0..100 that sum to 100, and on the schedule when one is configured (canarySteps).",
            (resources, args) => canaryWeightViolations(resources, args.getConfig<CanaryWeightsConfig>()),
        ),
        configSchema: {
            properties: {
                canarySteps: { type: "array", items: { type: "integer", minimum: 0, maximum: 100 }, description: "The weights a canary may take, e.g. [0, 10, 25, 50, 100]" },
            },
        },
    },
];

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [...resourcePolicies, ...stackPolicies];

// The pack's public surface, for the tests and tools: every rule and the constants it names. The
// readers of values.ts and the ALB annotation prefix stay internal.
export * from "./access-logs";
export {
    albAccessLogViolations,
    albProductionDeletionProtectionViolations,
    albTlsViolations,
    isInternetFacing,
    isProductionStack,
    loadBalancerAttributes,
    MODERN_SSL_POLICIES,
} from "./alb";
export * from "./canary-weights";
export * from "./eks";
export * from "./iam";
export * from "./network";
export * from "./rds";
export { TYPES } from "./types";
export { isAfterDeploy, isSet } from "./values";
export type { Props, StackResource, StackViolation } from "./values";
export * from "./workloads";
