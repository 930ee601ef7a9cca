/**
 * The eks-canary guard rails as Pulumi policies. This module only declares them: `index.ts` wraps
 * them in a PolicyPack (which starts the analyzer's gRPC server when loaded), the tests import
 * them from here and feed them plain resources.
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
import { isReservedNamespace, publicAccessCidrProblem, vpcCidrProblem } from "../../stacks/networks";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import { Resource } from "@pulumi/pulumi";
import {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import { RESOURCE_TYPES } from "../../infra/resource-types";
import { isAfterDeploy, SECRET } from "../../stacks/markers";

/** Resource properties as the rules read them: untyped, possibly partial. */
export type Props = Record<string, unknown>;

/** A resource of the stack, as the stack-level rules read it. */
export interface StackResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Props;
}

export interface StackViolation {
    readonly message: string;
    /** The resource in violation; none: the stack as a whole. */
    readonly urn?: string;
}

/** Policy config of `canary-weights`: the schedule a canary weight must be a step of. */
export interface CanaryWeightsConfig {
    readonly canarySteps?: number[];
}

/** The resource types the rules read: the stack's one table, plus the bucket types' old names. */
export const TYPES = {
    ...RESOURCE_TYPES,
    buckets: [RESOURCE_TYPES.bucket, RESOURCE_TYPES.bucketV2],
    bucketEncryption: [RESOURCE_TYPES.bucketEncryption, RESOURCE_TYPES.bucketEncryptionV2],
    bucketPublicAccessBlock: [RESOURCE_TYPES.bucketPublicAccessBlock],
} as const;

// ---------------------------------------------------------------------------------------------
// Reading values

/** Set: not undefined, null or empty. Secrets and values known after deploy are set. */
export function isSet(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);
}

export { isAfterDeploy };

function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

function isFalse(value: unknown): boolean {
    return value === false || value === "false";
}

function asRecord(value: unknown): Props {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Props) : {};
}

function asArray(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function asStringList(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    return asArray(value).filter((item): item is string => typeof item === "string");
}

function asNumber(value: unknown): number | undefined {
    if (typeof value === "number") {
        return value;
    }
    if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) {
        return Number(value);
    }
    return undefined;
}

function at(value: unknown, ...path: string[]): unknown {
    let node = value;
    for (const segment of path) {
        node = asRecord(node)[segment];
    }
    return node;
}

function show(value: unknown): string {
    return value === undefined ? "unset" : JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// EKS

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

function endpointViolations(privateAccess: unknown, publicAccess: unknown, publicAccessCidrs: unknown): string[] {
    const found: string[] = [];
    if (!isTrue(privateAccess)) {
        found.push(`the API endpoint must be reachable privately from the VPC: endpointPrivateAccess is ${show(privateAccess)}, must be true`);
    }
    // EKS opens the public endpoint unless told not to.
    if (!isFalse(publicAccess)) {
        const cidrs = asStringList(publicAccessCidrs);
        if (cidrs.length === 0) {
            found.push("the public API endpoint is open to the internet: set publicAccessCidrs to your deployers' ranges, or endpointPublicAccess false");
        }
        // The same rule as stack config: each a public block of at most a /16.
        for (const cidr of cidrs) {
            const problem = publicAccessCidrProblem(cidr.trim());
            if (problem !== undefined) {
                found.push(`publicAccessCidrs: ${problem}`);
            }
        }
    }
    return found;
}

function logTypeViolations(logTypes: unknown): string[] {
    const enabled = asStringList(logTypes);
    const missing = CONTROL_PLANE_LOG_TYPES.filter((type) => !enabled.includes(type));
    return missing.length === 0 ? [] : [`control plane log types missing: ${missing.join(", ")}; all of ${CONTROL_PLANE_LOG_TYPES.join(", ")} must be enabled`];
}

/** eks.Cluster: private endpoint; public endpoint only for explicit CIDRs, never 0.0.0.0/0. */
export function eksEndpointViolations(props: Props): string[] {
    return endpointViolations(props.endpointPrivateAccess, props.endpointPublicAccess, props.publicAccessCidrs);
}

/** eks.Cluster: Kubernetes Secrets envelope-encrypted with a customer KMS key. */
export function eksSecretsEncryptionViolations(props: Props): string[] {
    return isSet(props.encryptionConfigKeyArn) ? [] : ["Kubernetes Secrets are not envelope-encrypted: set encryptionConfigKeyArn to a customer managed KMS key"];
}

/** eks.Cluster: all five control plane log types. */
export function eksControlPlaneLogViolations(props: Props): string[] {
    return logTypeViolations(props.enabledClusterLogTypes);
}

/** eks.Cluster: access entries (API) only, no aws-auth ConfigMap. */
export function eksAuthenticationViolations(props: Props): string[] {
    return props.authenticationMode === "API" ? [] : [`authenticationMode is ${show(props.authenticationMode)}; must be "API" (access entries only, no aws-auth ConfigMap)`];
}

/**
 * aws.eks.Cluster, the cluster resource itself (under `pulumi preview` the eks.Cluster component
 * registers it): the same guarantees as the component's inputs, plus no implicit admin access
 * entry for the identity that creates the cluster.
 */
export function awsEksClusterViolations(props: Props): string[] {
    const vpcConfig = asRecord(props.vpcConfig);
    const found = endpointViolations(vpcConfig.endpointPrivateAccess, vpcConfig.endpointPublicAccess, vpcConfig.publicAccessCidrs);
    const encryption = asRecord(props.encryptionConfig);
    if (!isSet(at(encryption, "provider", "keyArn")) || !asStringList(encryption.resources).includes("secrets")) {
        found.push("Kubernetes Secrets are not envelope-encrypted: encryptionConfig needs provider.keyArn and resources [secrets]");
    }
    found.push(...logTypeViolations(props.enabledClusterLogTypes));
    const access = asRecord(props.accessConfig);
    if (access.authenticationMode !== "API") {
        found.push(`accessConfig.authenticationMode is ${show(access.authenticationMode)}; must be "API"`);
    }
    if (!isFalse(access.bootstrapClusterCreatorAdminPermissions)) {
        found.push("the cluster creator gets an implicit admin access entry: accessConfig.bootstrapClusterCreatorAdminPermissions must be false");
    }
    return found;
}

/** aws.kms.Key: yearly automatic rotation. */
export function kmsKeyRotationViolations(props: Props): string[] {
    return isTrue(props.enableKeyRotation) ? [] : [`enableKeyRotation is ${show(props.enableKeyRotation)}; customer managed keys must rotate (true)`];
}

/** Node launch templates: IMDSv2 only, and a hop limit of 1 so that pods cannot reach the node's credentials. */
export function nodeMetadataViolations(props: Props): string[] {
    const options = asRecord(props.metadataOptions);
    const found: string[] = [];
    if (options.httpTokens !== "required") {
        found.push(`metadataOptions.httpTokens is ${show(options.httpTokens)}; must be "required" (IMDSv2 only)`);
    }
    if (asNumber(options.httpPutResponseHopLimit) !== 1) {
        found.push(`metadataOptions.httpPutResponseHopLimit is ${show(options.httpPutResponseHopLimit)}; must be 1 so that pods cannot read the node role's credentials`);
    }
    return found;
}

/** Node launch templates: every EBS volume encrypted (and the root volume declared, so it is one of them). */
export function nodeVolumeEncryptionViolations(props: Props): string[] {
    const mappings = asArray(props.blockDeviceMappings);
    if (mappings.length === 0) {
        return ["no blockDeviceMappings: declare the root volume with ebs.encrypted true"];
    }
    return mappings
        .map((mapping) => asRecord(mapping))
        .filter((mapping) => !isTrue(at(mapping, "ebs", "encrypted")))
        .map((mapping) => `the volume ${show(mapping.deviceName)} is not encrypted: set ebs.encrypted "true"`);
}

/** Managed node groups: no SSH access. */
export function nodeGroupRemoteAccessViolations(props: Props): string[] {
    return isSet(props.remoteAccess) ? ["remoteAccess opens SSH to the nodes; remove it (use SSM Session Manager if a shell is ever needed)"] : [];
}

// ---------------------------------------------------------------------------------------------
// IAM

interface Statement {
    Sid?: string;
    Effect?: string;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    Principal?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}

/** A policy document input: JSON text or an object. Undefined when it cannot be read yet. */
function policyDocument(value: unknown): { Statement: Statement[] } | "unreadable" | undefined {
    let document: unknown = value;
    if (typeof value === "string") {
        try {
            document = JSON.parse(value);
        } catch {
            // Wholly unknown until deploy (e.g. built from outputs): nothing to judge yet.
            return isAfterDeploy(value) || value === SECRET ? undefined : "unreadable";
        }
    }
    if (typeof document !== "object" || document === null) {
        return "unreadable";
    }
    const statement = (document as { Statement?: unknown }).Statement;
    return { Statement: (Array.isArray(statement) ? statement : statement === undefined ? [] : [statement]).map((item) => asRecord(item) as Statement) };
}

const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9.]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
export const STS_AUDIENCE = "sts.amazonaws.com";

/**
 * aws.iam.Role: a role that an OIDC provider's tokens may assume (IRSA) is bound, with
 * StringEquals, to exactly one service account `system:serviceaccount:<ns>:<name>` and to the STS
 * audience.
 */
export function serviceAccountTrustViolations(props: Props): string[] {
    const document = policyDocument(props.assumeRolePolicy);
    if (document === undefined) {
        return [];
    }
    if (document === "unreadable") {
        return ["assumeRolePolicy is not a readable policy document"];
    }
    const found: string[] = [];
    for (const [index, statement] of document.Statement.entries()) {
        const actions = asStringList(statement.Action);
        const webIdentity = actions.some((action) => ["sts:AssumeRoleWithWebIdentity", "sts:*", "*"].includes(action)) || isSet(at(statement.Principal, "Federated"));
        if (!webIdentity || statement.Effect === "Deny") {
            continue;
        }
        const label = `trust statement ${statement.Sid ?? index}`;
        const conditions = asRecord(statement.Condition);
        for (const operator of Object.keys(conditions).filter((name) => name !== "StringEquals")) {
            const keys = Object.keys(asRecord(conditions[operator])).filter((key) => key.endsWith(":sub") || key.endsWith(":aud"));
            if (keys.length > 0) {
                found.push(`${label} matches ${keys.join(", ")} with ${operator}; only StringEquals binds one service account and audience`);
            }
        }
        const equals = asRecord(conditions.StringEquals);
        const subjects = Object.entries(equals).filter(([key]) => key.endsWith(":sub"));
        const audiences = Object.entries(equals).filter(([key]) => key.endsWith(":aud"));
        if (subjects.length !== 1) {
            found.push(`${label} must bind StringEquals <issuer>:sub to exactly one service account; found ${subjects.length} :sub conditions`);
        } else {
            const values = asStringList(subjects[0][1]);
            if (values.length !== 1 || !SERVICE_ACCOUNT_SUBJECT.test(values[0])) {
                found.push(`${label} binds ${subjects[0][0]} to ${show(subjects[0][1])}; must be exactly one system:serviceaccount:<namespace>:<name>, without wildcards`);
            }
        }
        if (audiences.length !== 1) {
            found.push(`${label} must bind StringEquals <issuer>:aud to ${STS_AUDIENCE}; found ${audiences.length} :aud conditions`);
        } else {
            const values = asStringList(audiences[0][1]);
            if (values.length !== 1 || values[0] !== STS_AUDIENCE) {
                found.push(`${label} binds ${audiences[0][0]} to ${show(audiences[0][1])}; must be ${STS_AUDIENCE}`);
            }
        }
        if (subjects.length === 1 && audiences.length === 1 && subjects[0][0].slice(0, -4) !== audiences[0][0].slice(0, -4)) {
            found.push(`${label} binds :sub and :aud of different issuers (${subjects[0][0]}, ${audiences[0][0]})`);
        }
    }
    return found;
}

/**
 * Statements with a service wildcard on every resource that an upstream project's recommended
 * policy has, exactly as upstream lists them: the one exception to `iam-no-wildcard-actions`.
 * A statement is exempt only when its actions are exactly these (none added, none removed).
 */
export const UPSTREAM_WILDCARD_STATEMENTS: readonly { readonly source: string; readonly actions: readonly string[] }[] = [
    {
        // infra/policies/aws-gateway-controller.json; upgrade both together.
        source: "aws/aws-application-networking-k8s v2.1.3, files/controller-installation/recommended-inline-policy.json (AWS Gateway API Controller for VPC Lattice)",
        actions: [
            "vpc-lattice:*",
            "ec2:DescribeVpcs",
            "ec2:DescribeSubnets",
            "ec2:DescribeTags",
            "ec2:DescribeSecurityGroups",
            "logs:CreateLogDelivery",
            "logs:GetLogDelivery",
            "logs:DescribeLogGroups",
            "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies",
            "logs:UpdateLogDelivery",
            "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries",
            "tag:GetResources",
            "firehose:TagDeliveryStream",
            "s3:GetBucketPolicy",
            "s3:PutBucketPolicy",
            "tag:TagResources",
            "tag:UntagResources",
            "acm:ListCertificates",
        ],
    },
];

function isUpstreamStatement(actions: readonly string[]): boolean {
    const mine = [...new Set(actions)].sort();
    return UPSTREAM_WILDCARD_STATEMENTS.some((upstream) => {
        const theirs = [...upstream.actions].sort();
        return theirs.length === mine.length && theirs.every((action, index) => action === mine[index]);
    });
}

/**
 * IAM policies (role, user and managed): no Allow statement grants `*` or `<service>:*` on every
 * resource (`*`), nor uses NotAction, except a statement that is exactly an upstream project's
 * recommended one (UPSTREAM_WILDCARD_STATEMENTS).
 */
export function iamWildcardViolations(props: Props): string[] {
    const document = policyDocument(props.policy);
    if (document === undefined) {
        return [];
    }
    if (document === "unreadable") {
        return ["policy is not a readable policy document"];
    }
    const found: string[] = [];
    for (const [index, statement] of document.Statement.entries()) {
        if (statement.Effect !== "Allow") {
            continue;
        }
        const label = `statement ${statement.Sid ?? index}`;
        if (isSet(statement.NotAction)) {
            found.push(`${label} allows NotAction ${show(statement.NotAction)}: everything but a list is wider than any upstream policy`);
        }
        const resources = asStringList(statement.Resource);
        if (!resources.includes("*")) {
            continue;
        }
        const actions = asStringList(statement.Action);
        const wildcards = actions.filter((action) => action === "*" || /^[A-Za-z0-9-]+:\*$/.test(action));
        if (wildcards.length > 0 && !isUpstreamStatement(actions)) {
            found.push(`${label} allows ${wildcards.join(", ")} on Resource "*"; list the actions the workload needs (exactly what its upstream docs list)`);
        }
    }
    return found;
}

// ---------------------------------------------------------------------------------------------
// RDS

export function rdsEncryptionViolations(props: Props): string[] {
    const found: string[] = [];
    if (!isTrue(props.storageEncrypted)) {
        found.push(`storageEncrypted is ${show(props.storageEncrypted)}; must be true`);
    }
    if (!isSet(props.kmsKeyId)) {
        found.push("kmsKeyId is unset: encrypt the storage with a customer managed KMS key");
    }
    return found;
}

export function rdsPublicAccessViolations(props: Props): string[] {
    return isFalse(props.publiclyAccessible) ? [] : [`publiclyAccessible is ${show(props.publiclyAccessible)}; must be false (explicitly)`];
}

export const MIN_BACKUP_RETENTION_DAYS = 7;

export function rdsBackupViolations(props: Props): string[] {
    const days = asNumber(props.backupRetentionPeriod);
    return days !== undefined && days >= MIN_BACKUP_RETENTION_DAYS
        ? []
        : [`backupRetentionPeriod is ${show(props.backupRetentionPeriod)}; must be set explicitly to ${MIN_BACKUP_RETENTION_DAYS} days or more`];
}

export function rdsIamAuthenticationViolations(props: Props): string[] {
    return isTrue(props.iamDatabaseAuthenticationEnabled) ? [] : [`iamDatabaseAuthenticationEnabled is ${show(props.iamDatabaseAuthenticationEnabled)}; must be true`];
}

export function rdsMinorVersionUpgradeViolations(props: Props): string[] {
    return isTrue(props.autoMinorVersionUpgrade) ? [] : [`autoMinorVersionUpgrade is ${show(props.autoMinorVersionUpgrade)}; must be true (explicitly)`];
}

/** The instance is `protect`ed: no update or destroy removes it without `pulumi state unprotect`. */
export function rdsProtectViolations(protect: boolean): string[] {
    return protect ? [] : ["the instance is not protected: declare it with the resource option protect: true"];
}

function tagsOf(props: Props): Record<string, unknown> {
    return asRecord(props.tags);
}

/** Production instances (tag stack=prod): multi-AZ, deletion protection, a named final snapshot. */
export function rdsProductionViolations(props: Props): string[] {
    if (tagsOf(props).stack !== "prod") {
        return [];
    }
    const found: string[] = [];
    if (!isTrue(props.multiAz)) {
        found.push(`multiAz is ${show(props.multiAz)}; a prod database must be multi-AZ`);
    }
    if (!isTrue(props.deletionProtection)) {
        found.push(`deletionProtection is ${show(props.deletionProtection)}; must be true in prod`);
    }
    if (!isFalse(props.skipFinalSnapshot)) {
        found.push(`skipFinalSnapshot is ${show(props.skipFinalSnapshot)}; must be false in prod`);
    }
    if (!isSet(props.finalSnapshotIdentifier)) {
        found.push("finalSnapshotIdentifier is unset; a prod database needs a final snapshot name");
    }
    return found;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes workloads

interface Container {
    name?: string;
    ports?: unknown[];
    env?: unknown[];
    resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
    readinessProbe?: unknown;
}

function podSpec(props: Props): Props {
    return asRecord(at(props, "spec", "template", "spec"));
}

function containersOf(props: Props): { container: Container; init: boolean }[] {
    const spec = podSpec(props);
    return [
        ...asArray(spec.initContainers).map((container) => ({ container: asRecord(container) as Container, init: true })),
        ...asArray(spec.containers).map((container) => ({ container: asRecord(container) as Container, init: false })),
    ];
}

function containerLabel(container: Container, init: boolean): string {
    return `${init ? "init container" : "container"} ${show(container.name)}`;
}

/** Deployments and DaemonSets: cpu and memory requests and limits on every container and init container. */
export function containerResourceViolations(props: Props): string[] {
    const found: string[] = [];
    for (const { container, init } of containersOf(props)) {
        const missing: string[] = [];
        for (const kind of ["requests", "limits"] as const) {
            for (const resource of ["cpu", "memory"]) {
                if (!isSet(asRecord(asRecord(container.resources)[kind])[resource])) {
                    missing.push(`${kind}.${resource}`);
                }
            }
        }
        if (missing.length > 0) {
            found.push(`${containerLabel(container, init)} has no ${missing.join(", ")}`);
        }
    }
    if (asArray(podSpec(props).containers).length === 0) {
        found.push("the pod template declares no containers");
    }
    return found;
}

/** Deployments and DaemonSets: every container that serves a port has a readiness probe. */
export function readinessProbeViolations(props: Props): string[] {
    return containersOf(props)
        .filter(({ container, init }) => !init && asArray(container.ports).length > 0 && !isSet(container.readinessProbe))
        .map(({ container, init }) => `${containerLabel(container, init)} serves ports but has no readinessProbe`);
}

/**
 * Names of environment variables that hold credentials: a word (split at `_`, `-`, `.`) that is
 * or ends with PASSWORD, PASSWD, SECRET, TOKEN or KEY, case-insensitive: DB_PASSWORD, API_TOKEN,
 * AWS_SECRET_ACCESS_KEY, APIKEY, and also AWS_ACCESS_KEY_ID (the key's ID travels with its secret,
 * from the same Secret). Not KEYCLOAK_URL or MONKEY_MODE: KEY must end a word that is not longer
 * than a credential name ("APIKEY", "PRIVATEKEY") — see SENSITIVE_WORD.
 */
export const SENSITIVE_WORD = /^(.*PASSWORD|.*PASSWD|.*SECRET|.*TOKEN|KEY|APIKEY|PRIVATEKEY|ACCESSKEY|SECRETKEY|SIGNINGKEY|ENCRYPTIONKEY|MASTERKEY)S?$/i;

export function isSensitiveEnvName(name: string): boolean {
    return name.split(/[_.-]/).some((word) => SENSITIVE_WORD.test(word));
}

/** Deployments and DaemonSets: credentials only from Secrets (`valueFrom.secretKeyRef`), never as `value`. */
export function secretEnvViolations(props: Props): string[] {
    const found: string[] = [];
    for (const { container, init } of containersOf(props)) {
        for (const variable of asArray(container.env).map((item) => asRecord(item))) {
            const name = typeof variable.name === "string" ? variable.name : "";
            if (!isSensitiveEnvName(name)) {
                continue;
            }
            if (variable.value !== undefined || !isSet(at(variable, "valueFrom", "secretKeyRef", "name"))) {
                found.push(`${containerLabel(container, init)} sets ${name} ${variable.value !== undefined ? "as a plain value" : "not from a Secret"}; use valueFrom.secretKeyRef`);
            }
        }
    }
    return found;
}

function labelsOf(props: Props): Record<string, unknown> {
    return { ...asRecord(at(props, "spec", "template", "metadata", "labels")), ...asRecord(at(props, "metadata", "labels")) };
}

export const ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone";

/** Stable Deployments (label track: stable): pods spread across availability zones. */
export function zoneSpreadViolations(props: Props): string[] {
    if (labelsOf(props).track !== "stable") {
        return [];
    }
    const spread = asArray(podSpec(props).topologySpreadConstraints).some((constraint) => asRecord(constraint).topologyKey === ZONE_TOPOLOGY_KEY);
    return spread ? [] : [`a stable Deployment must spread its pods across zones: add a topologySpreadConstraint on ${ZONE_TOPOLOGY_KEY}`];
}

// ---------------------------------------------------------------------------------------------
// ALB (AWS Load Balancer Controller Ingress annotations)

const ANNOTATION = "alb.ingress.kubernetes.io/";

/** TLS 1.2+ policies of Application Load Balancers (forward secrecy, no CBC-only legacy sets). */
export const MODERN_SSL_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
] as const;

function annotationsOf(props: Props): Record<string, unknown> {
    return asRecord(at(props, "metadata", "annotations"));
}

export function isInternetFacing(props: Props): boolean {
    return annotationsOf(props)[`${ANNOTATION}scheme`] === "internet-facing";
}

/** `key=value,key=value` of the load-balancer-attributes annotation. */
export function loadBalancerAttributes(props: Props): Map<string, string> {
    const text = annotationsOf(props)[`${ANNOTATION}load-balancer-attributes`];
    const attributes = new Map<string, string>();
    if (typeof text !== "string") {
        return attributes;
    }
    for (const pair of text.split(",")) {
        const equals = pair.indexOf("=");
        if (equals > 0) {
            attributes.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
        }
    }
    return attributes;
}

/** Internet-facing ALBs: an ACM certificate, HTTP redirected to 443, a TLS 1.2+ security policy. */
export function albTlsViolations(props: Props): string[] {
    if (!isInternetFacing(props)) {
        return [];
    }
    const annotations = annotationsOf(props);
    const found: string[] = [];
    if (!isSet(annotations[`${ANNOTATION}certificate-arn`])) {
        found.push(`${ANNOTATION}certificate-arn is unset: an internet-facing ALB serves HTTPS with an ACM certificate`);
    }
    if (annotations[`${ANNOTATION}ssl-redirect`] !== "443") {
        found.push(`${ANNOTATION}ssl-redirect is ${show(annotations[`${ANNOTATION}ssl-redirect`])}; must be "443" (HTTP redirected to HTTPS)`);
    }
    const policy = annotations[`${ANNOTATION}ssl-policy`];
    if (!(MODERN_SSL_POLICIES as readonly unknown[]).includes(policy)) {
        found.push(`${ANNOTATION}ssl-policy is ${show(policy)}; allowed: ${MODERN_SSL_POLICIES.join(", ")}`);
    }
    return found;
}

/** Internet-facing ALBs: access logs on, to a named bucket. */
export function albAccessLogViolations(props: Props): string[] {
    if (!isInternetFacing(props)) {
        return [];
    }
    const attributes = loadBalancerAttributes(props);
    const found: string[] = [];
    if (attributes.get("access_logs.s3.enabled") !== "true") {
        found.push(`${ANNOTATION}load-balancer-attributes must contain access_logs.s3.enabled=true`);
    }
    if (!isSet(attributes.get("access_logs.s3.bucket"))) {
        found.push(`${ANNOTATION}load-balancer-attributes must name the log bucket: access_logs.s3.bucket=<bucket>`);
    }
    return found;
}

// ---------------------------------------------------------------------------------------------
// Stack-level rules

function ofType(resources: readonly StackResource[], ...types: string[]): StackResource[] {
    return resources.filter((resource) => types.includes(resource.type));
}

function namespaceOf(props: Props): string {
    const namespace = at(props, "metadata", "namespace");
    return typeof namespace === "string" && namespace !== "" ? namespace : "default";
}

interface LabelSelector {
    matchLabels?: Record<string, unknown>;
    matchExpressions?: { key?: string; operator?: string; values?: unknown[] }[];
}

/** Whether a label selector selects pods with `labels`; an empty selector selects every pod (policy/v1). */
export function selects(selector: LabelSelector, labels: Record<string, unknown>): boolean {
    const matchLabels = asRecord(selector.matchLabels);
    const expressions = asArray(selector.matchExpressions).map((item) => asRecord(item));
    if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
        return true;
    }
    if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) {
        return false;
    }
    return expressions.every((expression) => {
        const key = String(expression.key);
        const values = asArray(expression.values);
        switch (expression.operator) {
            case "In":
                return values.includes(labels[key]);
            case "NotIn":
                return !values.includes(labels[key]);
            case "Exists":
                return key in labels;
            case "DoesNotExist":
                return !(key in labels);
            default:
                return false;
        }
    });
}

/** Every stable Deployment (label track: stable, replicas > 0) has a PodDisruptionBudget that selects its pods. */
export function stablePdbViolations(resources: readonly StackResource[]): StackViolation[] {
    const budgets = ofType(resources, TYPES.pdb);
    const found: StackViolation[] = [];
    for (const deployment of ofType(resources, TYPES.deployment)) {
        const props = deployment.props;
        const replicas = asNumber(at(props, "spec", "replicas")) ?? 1;
        if (labelsOf(props).track !== "stable" || replicas <= 0) {
            continue;
        }
        const podLabels = asRecord(at(props, "spec", "template", "metadata", "labels"));
        const covered = budgets.some(
            (budget) => namespaceOf(budget.props) === namespaceOf(props) && selects(asRecord(at(budget.props, "spec", "selector")) as LabelSelector, podLabels),
        );
        if (!covered) {
            found.push({ message: `the stable Deployment ${show(at(props, "metadata", "name"))} has no PodDisruptionBudget selecting its pods`, urn: deployment.urn });
        }
    }
    return found;
}

/**
 * Whether the stack is a production one: an AWS resource tagged stack=prod, or an ALB Ingress
 * whose tags annotation says stack=prod (the stack's name is not on the Kubernetes objects).
 */
export function isProductionStack(resources: readonly StackResource[]): boolean {
    return resources.some((resource) => {
        if (tagsOf(resource.props).stack === "prod") {
            return true;
        }
        const tags = annotationsOf(resource.props)[`${ANNOTATION}tags`];
        return typeof tags === "string" && tags.split(",").some((pair) => pair.trim() === "stack=prod");
    });
}

/** In prod, every internet-facing ALB has deletion protection. */
export function albProductionDeletionProtectionViolations(resources: readonly StackResource[]): StackViolation[] {
    if (!isProductionStack(resources)) {
        return [];
    }
    return ofType(resources, TYPES.ingress)
        .filter((ingress) => isInternetFacing(ingress.props) && loadBalancerAttributes(ingress.props).get("deletion_protection.enabled") !== "true")
        .map((ingress) => ({
            message: `the internet-facing Ingress ${show(at(ingress.props, "metadata", "name"))} of a prod stack needs deletion_protection.enabled=true in ${ANNOTATION}load-balancer-attributes`,
            urn: ingress.urn,
        }));
}

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
            found.push({ message: `the access-log bucket ${show(reference)} of Ingress ${show(at(ingress.props, "metadata", "name"))} is not declared in this stack, so its encryption and public access block cannot be checked`, urn: ingress.urn });
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

/** One weighted target of a canary router. */
export interface WeightedTarget {
    readonly name: string;
    readonly weight: unknown;
}

/** A weighted split a router declares: the targets of one route or action. */
export interface WeightedSplit {
    readonly router: StackResource;
    readonly label: string;
    readonly targets: WeightedTarget[];
}

function parseJson(text: unknown): unknown {
    if (typeof text !== "string") {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** The weighted splits of App Mesh VirtualRouters, ALB Ingress forward actions and Gateway API HTTPRoutes. */
export function weightedSplits(resources: readonly StackResource[]): WeightedSplit[] {
    const splits: WeightedSplit[] = [];
    for (const router of ofType(resources, TYPES.virtualRouter)) {
        for (const [index, route] of asArray(at(router.props, "spec", "routes")).entries()) {
            for (const kind of ["httpRoute", "http2Route", "grpcRoute", "tcpRoute"]) {
                const targets = at(route, kind, "action", "weightedTargets");
                if (Array.isArray(targets)) {
                    splits.push({
                        router,
                        label: `VirtualRouter ${show(at(router.props, "metadata", "name"))} route ${show(asRecord(route).name ?? index)}`,
                        targets: targets.map((target) => ({ name: String(at(target, "virtualNodeRef", "name") ?? at(target, "virtualNodeARN") ?? ""), weight: asRecord(target).weight })),
                    });
                }
            }
        }
    }
    for (const router of ofType(resources, TYPES.ingress)) {
        for (const [key, value] of Object.entries(annotationsOf(router.props))) {
            if (!key.startsWith(`${ANNOTATION}actions.`)) {
                continue;
            }
            const groups = at(parseJson(value), "forwardConfig", "targetGroups");
            if (Array.isArray(groups)) {
                splits.push({
                    router,
                    label: `Ingress ${show(at(router.props, "metadata", "name"))} action ${key.slice(`${ANNOTATION}actions.`.length)}`,
                    targets: groups.map((group) => ({ name: String(asRecord(group).serviceName ?? asRecord(group).targetGroupARN ?? asRecord(group).targetGroupName ?? ""), weight: asRecord(group).weight })),
                });
            }
        }
    }
    for (const router of ofType(resources, TYPES.httpRoute)) {
        for (const [index, rule] of asArray(at(router.props, "spec", "rules")).entries()) {
            const refs = asArray(asRecord(rule).backendRefs);
            if (refs.length > 0) {
                splits.push({
                    router,
                    label: `HTTPRoute ${show(at(router.props, "metadata", "name"))} rule ${index}`,
                    targets: refs.map((ref) => ({ name: String(asRecord(ref).name ?? ""), weight: asRecord(ref).weight })),
                });
            }
        }
    }
    return splits;
}

/** The canary (v2) target of a split: by name `<service>-v2...`, or the second of two. */
function canaryTarget(split: WeightedSplit): WeightedTarget | undefined {
    const byName = split.targets.find((target) => /-v2(\b|-|$)/.test(target.name));
    return byName ?? (split.targets.length === 2 ? split.targets[1] : undefined);
}

/**
 * Canary routers: every weight an integer 0..100, the weights of a split sum to 100, and, with a
 * schedule (`canarySteps`), the canary's weight is one of its steps. Under the replicas router
 * (no weighted router for the service) the weight is the canary's share of the pods.
 */
export function canaryWeightViolations(resources: readonly StackResource[], config: CanaryWeightsConfig = {}): StackViolation[] {
    const steps = config.canarySteps;
    const found: StackViolation[] = [];
    const routed = new Set<string>();
    for (const split of weightedSplits(resources)) {
        const app = labelsOf(split.router.props).app;
        if (typeof app === "string") {
            routed.add(app);
        }
        const weights = split.targets.map((target) => target.weight);
        const bad = split.targets.filter((target) => typeof target.weight !== "number" || !Number.isInteger(target.weight) || target.weight < 0 || target.weight > 100);
        for (const target of bad) {
            found.push({ message: `${split.label}: the weight of ${target.name || "a target"} is ${show(target.weight)}; allowed: an integer 0..100`, urn: split.router.urn });
        }
        if (bad.length === 0) {
            const sum = (weights as number[]).reduce((total, weight) => total + weight, 0);
            if (sum !== 100) {
                found.push({ message: `${split.label}: the weights ${JSON.stringify(weights)} sum to ${sum}; they must sum to 100`, urn: split.router.urn });
            }
            const canary = canaryTarget(split);
            if (steps !== undefined && steps.length > 0 && canary !== undefined && !steps.includes(canary.weight as number)) {
                found.push({ message: `${split.label}: the canary ${canary.name} takes ${String(canary.weight)}%, not a step of the schedule ${JSON.stringify(steps)}`, urn: split.router.urn });
            }
        }
    }
    if (steps !== undefined && steps.length > 0) {
        // The replicas router: the weight is v2's share of the service's pods.
        const deployments = ofType(resources, TYPES.deployment);
        const byApp = new Map<string, { stable?: number; canary?: StackResource & { replicas: number } }>();
        for (const deployment of deployments) {
            const labels = labelsOf(deployment.props);
            if (typeof labels.app !== "string" || routed.has(labels.app)) {
                continue;
            }
            const replicas = asNumber(at(deployment.props, "spec", "replicas")) ?? 1;
            const entry = byApp.get(labels.app) ?? {};
            if (labels.version === "v1") {
                entry.stable = replicas;
            } else if (labels.version === "v2") {
                entry.canary = { ...deployment, replicas };
            }
            byApp.set(labels.app, entry);
        }
        for (const [app, entry] of byApp) {
            if (entry.stable === undefined || entry.canary === undefined || entry.stable + entry.canary.replicas === 0) {
                continue;
            }
            const weight = (100 * entry.canary.replicas) / (entry.stable + entry.canary.replicas);
            if (!steps.includes(weight)) {
                found.push({ message: `${app}: the canary runs ${entry.canary.replicas} of ${entry.stable + entry.canary.replicas} pods (${weight.toFixed(1)}%), not a step of the schedule ${JSON.stringify(steps)}`, urn: entry.canary.urn });
            }
        }
    }
    return found;
}

// ---------------------------------------------------------------------------------------------
// The policies

type Check = (props: Props) => string[];

/** A resource class of a provider SDK: `validateResourceOfType` filters by its `__pulumiType`. */
type ResourceClass = new (name: string, args: never, opts?: undefined) => Resource;

function report(violations: readonly string[], reportViolation: ReportViolation): void {
    for (const violation of violations) {
        reportViolation(violation);
    }
}

/** A policy of one resource class whose check reads only the properties. */
function resourcePolicy(name: string, description: string, resourceClass: ResourceClass, check: Check): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(resourceClass, (props, _args, reportViolation) => report(check(props as unknown as Props), reportViolation)),
    };
}

function stackResources(args: StackValidationArgs): StackResource[] {
    return args.resources.map((resource: PolicyResource) => ({ type: resource.type, name: resource.name, urn: resource.urn, props: resource.props }));
}

function stackPolicy(name: string, description: string, check: (resources: StackResource[], args: StackValidationArgs) => StackViolation[]): StackValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            for (const violation of check(stackResources(args), args)) {
                reportViolation(violation.message, violation.urn);
            }
        },
    };
}

export const resourcePolicies: ResourceValidationPolicy[] = [
    resourcePolicy("eks-private-endpoint", "The EKS API endpoint is private; a public endpoint only for explicit public CIDRs of at most a /16 each.", eks.Cluster, eksEndpointViolations),
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
    {
        name: "iam-no-wildcard-actions",
        description: "No IAM policy allows * or <service>:* on every resource, except a statement that is exactly an upstream project's recommended one.",
        enforcementLevel: "mandatory",
        validateResource: ([aws.iam.RolePolicy, aws.iam.UserPolicy, aws.iam.Policy] as ResourceClass[]).map((resourceClass) =>
            validateResourceOfType(resourceClass, (props, _args, reportViolation) => report(iamWildcardViolations(props as unknown as Props), reportViolation)),
        ),
    },
    resourcePolicy("rds-encryption", "RDS storage is encrypted with a customer managed KMS key.", aws.rds.Instance, rdsEncryptionViolations),
    resourcePolicy("rds-not-public", "RDS instances are not publicly accessible.", aws.rds.Instance, rdsPublicAccessViolations),
    resourcePolicy("rds-backups", `RDS backups are kept ${MIN_BACKUP_RETENTION_DAYS} days or more, set explicitly.`, aws.rds.Instance, rdsBackupViolations),
    resourcePolicy("rds-iam-authentication", "RDS IAM database authentication is enabled.", aws.rds.Instance, rdsIamAuthenticationViolations),
    resourcePolicy("rds-minor-version-upgrades", "RDS applies minor version upgrades automatically.", aws.rds.Instance, rdsMinorVersionUpgradeViolations),
    {
        name: "rds-protected",
        description: "RDS instances are declared with protect: no update or destroy removes them without an explicit unprotect.",
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(aws.rds.Instance, (_props, args: ResourceValidationArgs, reportViolation) => report(rdsProtectViolations(args.opts.protect), reportViolation)),
    },
    resourcePolicy("rds-production", "Prod RDS instances (tag stack=prod) are multi-AZ, deletion-protected and keep a named final snapshot.", aws.rds.Instance, rdsProductionViolations),
    workloadPolicy("k8s-resource-limits", "Every container and init container has cpu and memory requests and limits.", containerResourceViolations),
    workloadPolicy("k8s-readiness-probes", "Every container that serves a port has a readiness probe.", readinessProbeViolations),
    workloadPolicy("k8s-secrets-from-secret-refs", "Credentials (PASSWORD, SECRET, TOKEN, KEY variables) come from Secrets, never plain values.", secretEnvViolations),
    resourcePolicy("k8s-stable-zone-spread", "Stable Deployments spread their pods across availability zones.", k8s.apps.v1.Deployment, zoneSpreadViolations),
    resourcePolicy("alb-tls", "Internet-facing ALBs serve HTTPS with an ACM certificate and a TLS 1.2+ policy, and redirect HTTP to 443.", k8s.networking.v1.Ingress, albTlsViolations),
    resourcePolicy("alb-access-logs", "Internet-facing ALBs write access logs to an S3 bucket.", k8s.networking.v1.Ingress, albAccessLogViolations),
];

/** Deployments and DaemonSets. */
function workloadPolicy(name: string, description: string, check: Check): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: ([k8s.apps.v1.Deployment, k8s.apps.v1.DaemonSet] as ResourceClass[]).map((resourceClass) =>
            validateResourceOfType(resourceClass, (props, _args, reportViolation) => report(check(props as unknown as Props), reportViolation)),
        ),
    };
}

/** VPCs (the awsx component and the resource) take a private, aligned /16../20 range: the same rule as stack config. */
export function vpcRangeViolations(resources: readonly StackResource[]): StackViolation[] {
    return resources
        .filter((resource) => resource.type === TYPES.vpc || resource.type === TYPES.ec2Vpc)
        .flatMap((resource) => {
            const cidr = resource.props.cidrBlock;
            const problem = typeof cidr === "string" ? vpcCidrProblem(cidr) : undefined;
            return problem === undefined ? [] : [{ message: `${resource.name}: cidrBlock ${problem}`, urn: resource.urn }];
        });
}

/** No Namespace of Kubernetes' own or of a controller the stack installs is created (and so deleted) by the stack. */
export function reservedNamespaceViolations(resources: readonly StackResource[]): StackViolation[] {
    return resources
        .filter((resource) => resource.type === TYPES.namespace)
        .flatMap((resource) => {
            const name = at(asRecord(resource.props), "metadata", "name");
            return typeof name === "string" && isReservedNamespace(name) ? [{ message: `${resource.name}: the stack would own namespace ${name}, which belongs to Kubernetes or a controller it installs`, urn: resource.urn }] : [];
        });
}

export const stackPolicies: StackValidationPolicy[] = [
    stackPolicy("vpc-private-range", "VPC ranges are private (RFC 1918), /16 to /20, network addresses.", (resources) => vpcRangeViolations(resources)),
    stackPolicy("no-reserved-namespaces", "The stack creates no system or controller namespace.", (resources) => reservedNamespaceViolations(resources)),
    stackPolicy("k8s-stable-pdb", "Every stable Deployment has a PodDisruptionBudget.", stablePdbViolations),
    stackPolicy("alb-prod-deletion-protection", "In prod, internet-facing ALBs have deletion protection.", albProductionDeletionProtectionViolations),
    stackPolicy("alb-access-log-bucket", "The ALB access-log bucket (and every S3 bucket) is encrypted and blocks all public access.", accessLogBucketViolations),
    {
        ...stackPolicy("canary-weights", "Canary router weights are integers 0..100 that sum to 100, and on the schedule when one is configured (canarySteps).", (resources, args) =>
            canaryWeightViolations(resources, args.getConfig<CanaryWeightsConfig>()),
        ),
        configSchema: {
            properties: {
                canarySteps: { type: "array", items: { type: "integer", minimum: 0, maximum: 100 }, description: "The weights a canary may take, e.g. [0, 10, 25, 50, 100]" },
            },
        },
    },
];

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [...resourcePolicies, ...stackPolicies];
