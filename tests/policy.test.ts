/**
 * The policy pack (policy/rules.ts): each rule against a violating and a compliant resource, then
 * every rule against every resource the dev and prod stacks declare under mocks.
 */
import { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it, vi } from "vitest";
import gatewayControllerPolicy from "../infra/policies/aws-gateway-controller.json";
import loadBalancerControllerPolicy from "../infra/policies/aws-load-balancer-controller.json";
import appMeshControllerPolicy from "../infra/policies/appmesh-controller.json";
import { eksEndpointViolations, reservedNamespaceViolations, vpcRangeViolations } from "../policy/rules";
import {
    iamWildcardViolations,
    isSensitiveEnvName,
    MODERN_SSL_POLICIES,
    policies,
    Props,
    resourcePolicies,
    stackPolicies,
    StackResource,
    TYPES,
    UPSTREAM_WILDCARD_STATEMENTS,
} from "../policy/rules";
import { DeclaredResource, OfflinePlan, planOffline } from "../tools/offline";
import { readStackFile } from "../tools/stackfile";

// ---------------------------------------------------------------------------------------------
// Running a policy the way the analyzer does, on plain objects

class NotApplicable extends Error {}

interface Run {
    protect?: boolean;
    config?: Record<string, unknown>;
}

function pulumiTypeOf(resourceClass: unknown): string | undefined {
    return (resourceClass as { __pulumiType?: string }).__pulumiType;
}

function resourceArgs(type: string, name: string, props: Props, run: Run = {}): ResourceValidationArgs {
    const args = {
        type,
        props,
        urn: `urn:pulumi:test::eks-canary::${type}::${name}`,
        name,
        opts: {
            protect: run.protect ?? false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
        },
        stackTags: new Map<string, string>(),
        isType: (resourceClass: unknown) => pulumiTypeOf(resourceClass) === type,
        asType: (resourceClass: unknown) => (pulumiTypeOf(resourceClass) === type ? props : undefined),
        getConfig: () => run.config ?? {},
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    return args as unknown as ResourceValidationArgs;
}

/** The messages `policy` reports for one resource. */
async function validateResource(policy: ResourceValidationPolicy, type: string, props: Props, run: Run = {}, name = "subject"): Promise<string[]> {
    const reportViolation = vi.fn<(message: string, urn?: string) => void>();
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource === undefined ? [] : [policy.validateResource];
    for (const validation of validations) {
        try {
            await validation(resourceArgs(type, name, props, run), reportViolation);
        } catch (error) {
            if (!(error instanceof NotApplicable)) {
                throw error;
            }
        }
    }
    return reportViolation.mock.calls.map(([message]) => message);
}

function stackArgs(resources: readonly StackResource[], config: Record<string, unknown> = {}): StackValidationArgs {
    const policyResources = resources.map(
        (resource) =>
            ({
                ...resource,
                opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
                dependencies: [],
                propertyDependencies: {},
                isType: (resourceClass: unknown) => pulumiTypeOf(resourceClass) === resource.type,
                asType: (resourceClass: unknown) => (pulumiTypeOf(resourceClass) === resource.type ? resource.props : undefined),
            }) as unknown as PolicyResource,
    );
    return {
        resources: policyResources,
        stackTags: new Map<string, string>(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** The messages `policy` reports for a stack of resources. */
async function validateStack(policy: StackValidationPolicy, resources: readonly StackResource[], config: Record<string, unknown> = {}): Promise<{ message: string; urn?: string }[]> {
    const reportViolation = vi.fn<(message: string, urn?: string) => void>();
    try {
        await policy.validateStack(stackArgs(resources, config), reportViolation);
    } catch (error) {
        if (!(error instanceof NotApplicable)) {
            throw error;
        }
    }
    return reportViolation.mock.calls.map(([message, urn]) => ({ message, ...(urn === undefined ? {} : { urn }) }));
}

function resourcePolicy(name: string): ResourceValidationPolicy {
    const found = resourcePolicies.find((policy) => policy.name === name);
    if (found === undefined) {
        throw new Error(`no resource policy ${name}`);
    }
    return found;
}

function stackPolicy(name: string): StackValidationPolicy {
    const found = stackPolicies.find((policy) => policy.name === name);
    if (found === undefined) {
        throw new Error(`no stack policy ${name}`);
    }
    return found;
}

function stackResource(type: string, name: string, props: Props): StackResource {
    return { type, name, urn: `urn:pulumi:test::eks-canary::${type}::${name}`, props };
}

// ---------------------------------------------------------------------------------------------
// Compliant resources, each rule's violating variants derive from

const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";

const goodCluster: Props = {
    endpointPrivateAccess: true,
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.0/24"],
    encryptionConfigKeyArn: "(known after deploy: cluster-secrets.arn)",
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    authenticationMode: "API",
};

const goodAwsCluster: Props = {
    vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["subnet-1"] },
    encryptionConfig: { provider: { keyArn: "arn:aws:kms:eu-west-1:111122223333:key/1" }, resources: ["secrets"] },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
};

const goodLaunchTemplate: Props = {
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3", volumeSize: 30 } }],
};

function trust(condition: Record<string, Record<string, unknown>>): Props {
    return {
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Federated: "(known after deploy: cluster-eks.oidcProviderArn)" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
        }),
    };
}

const goodTrust = trust({ StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:kube-system:external-dns", [`${ISSUER}:aud`]: "sts.amazonaws.com" } });

function iamPolicy(...statements: Record<string, unknown>[]): Props {
    return { policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) };
}

const goodRds: Props = {
    storageEncrypted: true,
    kmsKeyId: "(known after deploy: database-key.arn)",
    publiclyAccessible: false,
    backupRetentionPeriod: 7,
    iamDatabaseAuthenticationEnabled: true,
    autoMinorVersionUpgrade: true,
    tags: { project: "eks-canary", stack: "dev" },
};

const goodProdRds: Props = { ...goodRds, tags: { stack: "prod" }, multiAz: true, deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "eks-canary-prod-final" };

const RESOURCES = { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "512Mi" } };

function workload(pod: Record<string, unknown>, labels: Record<string, string> = { app: "notification", version: "v1", track: "stable" }, replicas = 2): Props {
    return {
        metadata: { name: `${labels.app}-${labels.version ?? "x"}`, namespace: "eks-canary", labels },
        spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: pod } },
    };
}

const ZONE_SPREAD = [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "notification" } } }];

const goodContainer = {
    name: "notification",
    image: "example/notification:1.0.0",
    ports: [{ name: "http", containerPort: 8096 }],
    readinessProbe: { httpGet: { path: "/health", port: "http" } },
    resources: RESOURCES,
    env: [
        { name: "AWS_MAIL_SERVER_PASSWORD", valueFrom: { secretKeyRef: { name: "smtp-credentials", key: "password" } } },
        { name: "AWS_XRAY_TRACING_NAME", value: "V1-Notification" },
    ],
};

const goodWorkload = workload({ containers: [goodContainer], initContainers: [{ name: "wait", image: "busybox:1.36", resources: RESOURCES }], topologySpreadConstraints: ZONE_SPREAD });

const ALB = "alb.ingress.kubernetes.io/";

function ingress(annotations: Record<string, string>, name = "app-ingress", labels: Record<string, string> = {}): Props {
    return { metadata: { name, namespace: "eks-canary", annotations, labels }, spec: { ingressClassName: "alb" } };
}

const goodIngressAnnotations = {
    [`${ALB}scheme`]: "internet-facing",
    [`${ALB}certificate-arn`]: "arn:aws:acm:eu-west-1:111122223333:certificate/0f1e2d3c-4b5a-4987-8654-3210fedcba98",
    [`${ALB}ssl-redirect`]: "443",
    [`${ALB}ssl-policy`]: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    [`${ALB}load-balancer-attributes`]: "access_logs.s3.enabled=true,access_logs.s3.bucket=(known after deploy: access-logs.bucket),access_logs.s3.prefix=dev",
};

function without(props: Props, key: string): Props {
    return Object.fromEntries(Object.entries(props).filter(([name]) => name !== key));
}

// ---------------------------------------------------------------------------------------------
// Each resource rule: a violating resource is reported, the compliant one is not

interface ResourceCase {
    readonly policy: string;
    readonly type: string;
    readonly good: Props;
    readonly bad: Props;
    /** The violation's message matches this. */
    readonly message: RegExp;
    readonly run?: Run;
    readonly badRun?: Run;
}

const RESOURCE_CASES: readonly (ResourceCase & { readonly title: string })[] = [
    { title: "no private endpoint", policy: "eks-private-endpoint", type: TYPES.eksCluster, good: goodCluster, bad: { ...goodCluster, endpointPrivateAccess: false }, message: /endpointPrivateAccess/ },
    { title: "public endpoint open to 0.0.0.0/0", policy: "eks-private-endpoint", type: TYPES.eksCluster, good: goodCluster, bad: { ...goodCluster, publicAccessCidrs: ["0.0.0.0/0"] }, message: /0\.0\.0\.0\/0/ },
    {
        title: "public endpoint (by default) without CIDRs",
        policy: "eks-private-endpoint",
        type: TYPES.eksCluster,
        good: { ...without(goodCluster, "publicAccessCidrs"), endpointPublicAccess: false },
        bad: without(without(goodCluster, "publicAccessCidrs"), "endpointPublicAccess"),
        message: /publicAccessCidrs/,
    },
    { title: "no secrets encryption key", policy: "eks-secrets-encryption", type: TYPES.eksCluster, good: goodCluster, bad: without(goodCluster, "encryptionConfigKeyArn"), message: /encryptionConfigKeyArn/ },
    { title: "a log type missing", policy: "eks-control-plane-logs", type: TYPES.eksCluster, good: goodCluster, bad: { ...goodCluster, enabledClusterLogTypes: ["api", "audit"] }, message: /authenticator, controllerManager, scheduler/ },
    { title: "aws-auth ConfigMap", policy: "eks-api-authentication", type: TYPES.eksCluster, good: goodCluster, bad: { ...goodCluster, authenticationMode: "API_AND_CONFIG_MAP" }, message: /authenticationMode/ },
    {
        title: "implicit admin for the creator",
        policy: "eks-cluster-resource",
        type: TYPES.awsEksCluster,
        good: goodAwsCluster,
        bad: { ...goodAwsCluster, accessConfig: { authenticationMode: "API" } },
        message: /bootstrapClusterCreatorAdminPermissions/,
    },
    {
        title: "the cluster resource without secrets encryption",
        policy: "eks-cluster-resource",
        type: TYPES.awsEksCluster,
        good: goodAwsCluster,
        bad: without(goodAwsCluster, "encryptionConfig"),
        message: /envelope-encrypted/,
    },
    { title: "no rotation", policy: "kms-key-rotation", type: TYPES.kmsKey, good: { enableKeyRotation: true, description: "secrets" }, bad: { description: "secrets" }, message: /enableKeyRotation/ },
    {
        title: "IMDSv1 allowed",
        policy: "node-imdsv2",
        type: TYPES.launchTemplate,
        good: goodLaunchTemplate,
        bad: { ...goodLaunchTemplate, metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } },
        message: /httpTokens/,
    },
    {
        title: "hop limit 2",
        policy: "node-imdsv2",
        type: TYPES.launchTemplate,
        good: goodLaunchTemplate,
        bad: { ...goodLaunchTemplate, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } },
        message: /httpPutResponseHopLimit/,
    },
    {
        title: "an unencrypted volume",
        policy: "node-volume-encryption",
        type: TYPES.launchTemplate,
        good: goodLaunchTemplate,
        bad: { ...goodLaunchTemplate, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] },
        message: /\/dev\/xvda.*not encrypted/,
    },
    { title: "no volume declared", policy: "node-volume-encryption", type: TYPES.launchTemplate, good: goodLaunchTemplate, bad: without(goodLaunchTemplate, "blockDeviceMappings"), message: /blockDeviceMappings/ },
    {
        title: "SSH access",
        policy: "nodegroup-no-ssh",
        type: TYPES.nodeGroup,
        good: { clusterName: "eks-canary-dev" },
        bad: { clusterName: "eks-canary-dev", remoteAccess: { ec2SshKey: "ops" } },
        message: /SSH/,
    },
    {
        title: "a wildcard service account",
        policy: "irsa-trust-scoped",
        type: TYPES.role,
        good: goodTrust,
        bad: trust({ StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:kube-system:*", [`${ISSUER}:aud`]: "sts.amazonaws.com" } }),
        message: /exactly one system:serviceaccount/,
    },
    {
        title: "StringLike on the subject",
        policy: "irsa-trust-scoped",
        type: TYPES.role,
        good: goodTrust,
        bad: trust({ StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:*:*" } }),
        message: /StringLike/,
    },
    {
        title: "no audience",
        policy: "irsa-trust-scoped",
        type: TYPES.role,
        good: goodTrust,
        bad: trust({ StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:kube-system:external-dns" } }),
        message: /:aud/,
    },
    {
        title: "two service accounts",
        policy: "irsa-trust-scoped",
        type: TYPES.role,
        good: goodTrust,
        bad: trust({ StringEquals: { [`${ISSUER}:sub`]: ["system:serviceaccount:a:b", "system:serviceaccount:c:d"], [`${ISSUER}:aud`]: "sts.amazonaws.com" } }),
        message: /exactly one/,
    },
    {
        title: "no condition at all",
        policy: "irsa-trust-scoped",
        type: TYPES.role,
        good: goodTrust,
        bad: trust({}),
        message: /exactly one service account/,
    },
    {
        title: "Action * on *",
        policy: "iam-no-wildcard-actions",
        type: TYPES.rolePolicy,
        good: iamPolicy({ Effect: "Allow", Action: ["route53:ChangeResourceRecordSets"], Resource: "arn:aws:route53:::hostedzone/Z1" }),
        bad: iamPolicy({ Effect: "Allow", Action: "*", Resource: "*" }),
        message: /allows \*/,
    },
    {
        title: "a service wildcard on * (user policy)",
        policy: "iam-no-wildcard-actions",
        type: TYPES.userPolicy,
        good: iamPolicy({ Effect: "Allow", Action: "ses:SendRawEmail", Resource: "*", Condition: { StringEquals: { "ses:FromAddress": "a@example.com" } } }),
        bad: iamPolicy({ Effect: "Allow", Action: ["ses:*"], Resource: "*" }),
        message: /ses:\*/,
    },
    {
        title: "vpc-lattice:* widened beyond the upstream statement",
        policy: "iam-no-wildcard-actions",
        type: TYPES.rolePolicy,
        good: iamPolicy({ Effect: "Allow", Action: [...UPSTREAM_WILDCARD_STATEMENTS[0].actions], Resource: "*" }),
        bad: iamPolicy({ Effect: "Allow", Action: [...UPSTREAM_WILDCARD_STATEMENTS[0].actions, "ec2:*"], Resource: "*" }),
        message: /vpc-lattice:\*, ec2:\*/,
    },
    { title: "not encrypted", policy: "rds-encryption", type: TYPES.rdsInstance, good: goodRds, bad: { ...goodRds, storageEncrypted: false }, message: /storageEncrypted/ },
    { title: "no customer KMS key", policy: "rds-encryption", type: TYPES.rdsInstance, good: goodRds, bad: without(goodRds, "kmsKeyId"), message: /kmsKeyId/ },
    { title: "public", policy: "rds-not-public", type: TYPES.rdsInstance, good: goodRds, bad: { ...goodRds, publiclyAccessible: true }, message: /publiclyAccessible/ },
    { title: "backups of 1 day", policy: "rds-backups", type: TYPES.rdsInstance, good: goodRds, bad: { ...goodRds, backupRetentionPeriod: 1 }, message: /backupRetentionPeriod is 1/ },
    { title: "backups left to the default", policy: "rds-backups", type: TYPES.rdsInstance, good: goodRds, bad: without(goodRds, "backupRetentionPeriod"), message: /explicitly/ },
    { title: "no IAM authentication", policy: "rds-iam-authentication", type: TYPES.rdsInstance, good: goodRds, bad: without(goodRds, "iamDatabaseAuthenticationEnabled"), message: /iamDatabaseAuthenticationEnabled/ },
    { title: "minor upgrades off", policy: "rds-minor-version-upgrades", type: TYPES.rdsInstance, good: goodRds, bad: { ...goodRds, autoMinorVersionUpgrade: false }, message: /autoMinorVersionUpgrade/ },
    { title: "not protected", policy: "rds-protected", type: TYPES.rdsInstance, good: goodRds, bad: goodRds, run: { protect: true }, badRun: { protect: false }, message: /protect/ },
    { title: "prod single-AZ", policy: "rds-production", type: TYPES.rdsInstance, good: goodProdRds, bad: { ...goodProdRds, multiAz: false }, message: /multiAz/ },
    { title: "prod without deletion protection", policy: "rds-production", type: TYPES.rdsInstance, good: goodProdRds, bad: { ...goodProdRds, deletionProtection: false }, message: /deletionProtection/ },
    {
        title: "prod without a final snapshot",
        policy: "rds-production",
        type: TYPES.rdsInstance,
        good: goodProdRds,
        bad: { ...without(goodProdRds, "finalSnapshotIdentifier"), skipFinalSnapshot: true },
        message: /skipFinalSnapshot.*|finalSnapshotIdentifier/,
    },
    {
        title: "a container without limits",
        policy: "k8s-resource-limits",
        type: TYPES.deployment,
        good: goodWorkload,
        bad: workload({ containers: [{ ...goodContainer, resources: { requests: RESOURCES.requests } }], topologySpreadConstraints: ZONE_SPREAD }),
        message: /limits\.cpu, limits\.memory/,
    },
    {
        title: "an init container without requests (DaemonSet)",
        policy: "k8s-resource-limits",
        type: TYPES.daemonSet,
        good: goodWorkload,
        bad: workload({ containers: [goodContainer], initContainers: [{ name: "wait", image: "busybox:1.36", resources: { limits: RESOURCES.limits } }] }),
        message: /init container "wait" has no requests\.cpu, requests\.memory/,
    },
    {
        title: "a served port without a readiness probe",
        policy: "k8s-readiness-probes",
        type: TYPES.deployment,
        good: goodWorkload,
        bad: workload({ containers: [without(goodContainer, "readinessProbe")], topologySpreadConstraints: ZONE_SPREAD }),
        message: /readinessProbe/,
    },
    {
        title: "a password as a plain value",
        policy: "k8s-secrets-from-secret-refs",
        type: TYPES.deployment,
        good: goodWorkload,
        bad: workload({ containers: [{ ...goodContainer, env: [{ name: "DB_PASSWORD", value: "hunter2" }] }], topologySpreadConstraints: ZONE_SPREAD }),
        message: /DB_PASSWORD as a plain value/,
    },
    {
        title: "a token from a ConfigMap (DaemonSet)",
        policy: "k8s-secrets-from-secret-refs",
        type: TYPES.daemonSet,
        good: goodWorkload,
        bad: workload({ containers: [{ ...goodContainer, env: [{ name: "api_token", valueFrom: { configMapKeyRef: { name: "c", key: "t" } } }] }] }),
        message: /api_token not from a Secret/,
    },
    {
        title: "a stable Deployment in one zone",
        policy: "k8s-stable-zone-spread",
        type: TYPES.deployment,
        good: goodWorkload,
        bad: workload({ containers: [goodContainer] }),
        message: /topology\.kubernetes\.io\/zone/,
    },
    {
        title: "an internet-facing ALB without TLS",
        policy: "alb-tls",
        type: TYPES.ingress,
        good: ingress(goodIngressAnnotations),
        bad: ingress({ [`${ALB}scheme`]: "internet-facing" }),
        message: /certificate-arn/,
    },
    {
        title: "an old TLS policy",
        policy: "alb-tls",
        type: TYPES.ingress,
        good: ingress(goodIngressAnnotations),
        bad: ingress({ ...goodIngressAnnotations, [`${ALB}ssl-policy`]: "ELBSecurityPolicy-2016-08" }),
        message: /ssl-policy is "ELBSecurityPolicy-2016-08"/,
    },
    {
        title: "HTTP not redirected",
        policy: "alb-tls",
        type: TYPES.ingress,
        good: ingress(goodIngressAnnotations),
        bad: ingress(without(goodIngressAnnotations, `${ALB}ssl-redirect`) as Record<string, string>),
        message: /ssl-redirect/,
    },
    {
        title: "no access logs",
        policy: "alb-access-logs",
        type: TYPES.ingress,
        good: ingress(goodIngressAnnotations),
        bad: ingress({ ...goodIngressAnnotations, [`${ALB}load-balancer-attributes`]: "idle_timeout.timeout_seconds=60" }),
        message: /access_logs\.s3\.enabled=true/,
    },
    {
        title: "access logs to no bucket",
        policy: "alb-access-logs",
        type: TYPES.ingress,
        good: ingress(goodIngressAnnotations),
        bad: ingress({ ...goodIngressAnnotations, [`${ALB}load-balancer-attributes`]: "access_logs.s3.enabled=true" }),
        message: /access_logs\.s3\.bucket/,
    },
];

describe("resource policies", () => {
    it.each(RESOURCE_CASES)("$policy reports $title", async ({ policy, type, bad, message, badRun }) => {
        const found = await validateResource(resourcePolicy(policy), type, bad, badRun ?? { protect: true });
        expect(found.length, JSON.stringify(found)).toBeGreaterThan(0);
        expect(found.join("\n")).toMatch(message);
    });

    it.each(RESOURCE_CASES)("$policy passes the compliant resource of: $title", async ({ policy, type, good, run }) => {
        expect(await validateResource(resourcePolicy(policy), type, good, run ?? { protect: true })).toEqual([]);
    });

    it("leaves other resource types alone", async () => {
        for (const policy of resourcePolicies) {
            expect(await validateResource(policy, "aws:s3/bucket:Bucket", { acl: "public-read" }), policy.name).toEqual([]);
        }
    });

    it("checks internal ALBs for neither TLS nor access logs", async () => {
        const internal = ingress({ [`${ALB}scheme`]: "internal" });
        expect(await validateResource(resourcePolicy("alb-tls"), TYPES.ingress, internal)).toEqual([]);
        expect(await validateResource(resourcePolicy("alb-access-logs"), TYPES.ingress, internal)).toEqual([]);
    });

    it("lists only TLS 1.2+ security policies", () => {
        expect(MODERN_SSL_POLICIES).not.toContain("ELBSecurityPolicy-2016-08");
        expect(MODERN_SSL_POLICIES.every((name) => /TLS13|TLS-1-2|FS-1-2/.test(name))).toBe(true);
    });

    it("checks prod database settings only for resources tagged stack=prod", async () => {
        expect(await validateResource(resourcePolicy("rds-production"), TYPES.rdsInstance, { ...goodRds, multiAz: false })).toEqual([]);
    });

    it("treats PASSWORD/SECRET/TOKEN/KEY words as credentials, including KEY_ID, but not KEY inside a longer word", () => {
        for (const name of ["DB_PASSWORD", "db_password", "AWS_MAIL_SERVER_PASSWORD", "CLIENT_SECRET", "GITHUB_TOKEN", "API_KEY", "APIKEY", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "signing.key"]) {
            expect(isSensitiveEnvName(name), name).toBe(true);
        }
        for (const name of ["AWS_MAIL_SERVER_USERNAME", "KEYCLOAK_URL", "MONKEY_MODE", "DB_HOSTNAME", "AWS_XRAY_TRACING_NAME", "MY_POD_NAME"]) {
            expect(isSensitiveEnvName(name), name).toBe(false);
        }
    });

    it("allows the upstream controller policies the program ships, and nothing wider", () => {
        for (const document of [gatewayControllerPolicy, loadBalancerControllerPolicy, appMeshControllerPolicy]) {
            expect(iamWildcardViolations({ policy: JSON.stringify(document) })).toEqual([]);
        }
        expect(iamWildcardViolations(iamPolicy({ Effect: "Allow", Action: ["vpc-lattice:*"], Resource: "*" }))).toHaveLength(1);
        // A Deny with a wildcard narrows, it does not grant.
        expect(iamWildcardViolations(iamPolicy({ Effect: "Deny", Action: "s3:*", Resource: "*" }))).toEqual([]);
        expect(iamWildcardViolations(iamPolicy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })).join()).toMatch(/NotAction/);
    });

    it("judges no trust or policy document that is only known after deploy", () => {
        expect(iamWildcardViolations({ policy: "(known after deploy: x.json)" })).toEqual([]);
        expect(iamWildcardViolations({ policy: "{not json" })).toEqual(["policy is not a readable policy document"]);
    });
});

// ---------------------------------------------------------------------------------------------
// Each stack rule

function deploymentResource(name: string, labels: Record<string, string>, replicas: number, namespace = "eks-canary"): StackResource {
    const props = workload({ containers: [goodContainer] }, labels, replicas);
    return stackResource(TYPES.deployment, name, { ...props, metadata: { ...(props.metadata as object), namespace } });
}

function pdbResource(name: string, matchLabels: Record<string, string>, namespace = "eks-canary"): StackResource {
    return stackResource(TYPES.pdb, name, { metadata: { name, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels } } });
}

const stable = { app: "notification", version: "v1", track: "stable" };
const canary = { app: "notification", version: "v2", track: "canary" };

function virtualRouter(weights: unknown[]): StackResource {
    return stackResource(TYPES.virtualRouter, "notification-router", {
        metadata: { name: "notification-router", namespace: "eks-canary", labels: { app: "notification" } },
        spec: {
            routes: [
                {
                    name: "weighted",
                    httpRoute: {
                        match: { prefix: "/" },
                        action: { weightedTargets: weights.map((weight, index) => ({ virtualNodeRef: { name: `notification-v${index + 1}` }, weight })) },
                    },
                },
            ],
        },
    });
}

function albRouter(weights: number[]): StackResource {
    const targetGroups = weights.map((weight, index) => ({ serviceName: `notification-v${index + 1}`, servicePort: 8096, weight }));
    return stackResource(TYPES.ingress, "notification-canary", {
        metadata: {
            name: "notification-canary",
            namespace: "eks-canary",
            labels: { app: "notification" },
            annotations: { [`${ALB}scheme`]: "internal", [`${ALB}actions.weighted-forward`]: JSON.stringify({ type: "forward", forwardConfig: { targetGroups } }) },
        },
    });
}

function httpRoute(weights: (number | undefined)[]): StackResource {
    return stackResource(TYPES.httpRoute, "notification-route", {
        metadata: { name: "notification", namespace: "eks-canary", labels: { app: "notification" } },
        spec: { rules: [{ backendRefs: weights.map((weight, index) => ({ name: `notification-v${index + 1}`, kind: "Service", port: 8096, ...(weight === undefined ? {} : { weight }) })) }] },
    });
}

const appIngress = stackResource(TYPES.ingress, "app-ingress", ingress(goodIngressAnnotations));
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
const prodTagged = stackResource(TYPES.rdsInstance, "database-mysql", goodProdRds);

describe("stack policies", () => {
    it("k8s-stable-pdb: a stable Deployment needs a PodDisruptionBudget selecting its pods", async () => {
        const policy = stackPolicy("k8s-stable-pdb");
        const deployments = [deploymentResource("notification-v1", stable, 2), deploymentResource("notification-v2", canary, 2)];
        const missing = await validateStack(policy, deployments);
        expect(missing).toEqual([{ message: expect.stringMatching(/"notification-v1" has no PodDisruptionBudget/), urn: deployments[0].urn }]);
        // A budget of another namespace, or one selecting other pods, does not count.
        expect(await validateStack(policy, [...deployments, pdbResource("other", stable, "default"), pdbResource("v2", canary)])).toHaveLength(1);
        expect(await validateStack(policy, [...deployments, pdbResource("notification-v1", stable)])).toEqual([]);
        // A stable Deployment scaled to zero has no pods to protect.
        expect(await validateStack(policy, [deploymentResource("notification-v1", stable, 0)])).toEqual([]);
    });

    it("alb-prod-deletion-protection: in a prod stack the internet-facing ALB needs deletion protection", async () => {
        const policy = stackPolicy("alb-prod-deletion-protection");
        expect(await validateStack(policy, [appIngress, prodTagged])).toEqual([{ message: expect.stringMatching(/deletion_protection\.enabled=true/), urn: appIngress.urn }]);
        // Prod is also recognised by the ALB's own tags.
        const taggedIngress = stackResource(TYPES.ingress, "app-ingress", ingress({ ...goodIngressAnnotations, [`${ALB}tags`]: "project=eks-canary,stack=prod" }));
        expect(await validateStack(policy, [taggedIngress])).toHaveLength(1);
        const attributes = `${goodIngressAnnotations[`${ALB}load-balancer-attributes`]},deletion_protection.enabled=true`;
        const protectedIngress = stackResource(TYPES.ingress, "app-ingress", ingress({ ...goodIngressAnnotations, [`${ALB}load-balancer-attributes`]: attributes }));
        expect(await validateStack(policy, [protectedIngress, prodTagged])).toEqual([]);
        // Not prod: no requirement.
        expect(await validateStack(policy, [appIngress, stackResource(TYPES.rdsInstance, "database-mysql", goodRds)])).toEqual([]);
    });

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

    it("canary-weights: App Mesh, ALB and Gateway API splits are integers 0..100 summing to 100", async () => {
        const policy = stackPolicy("canary-weights");
        for (const router of [virtualRouter([75, 25]), albRouter([75, 25]), httpRoute([75, 25]), virtualRouter([100])]) {
            expect(await validateStack(policy, [router]), router.type).toEqual([]);
        }
        for (const router of [virtualRouter([75, 50]), albRouter([60, 30]), httpRoute([90, 20])]) {
            expect((await validateStack(policy, [router])).map((violation) => violation.message).join(), router.type).toMatch(/sum to 1[0-9]0|sum to 90/);
        }
        expect((await validateStack(policy, [virtualRouter([150, -50])])).map((violation) => violation.message).join()).toMatch(/150.*0\.\.100/);
        expect((await validateStack(policy, [virtualRouter([50.5, 49.5])])).map((violation) => violation.message).join()).toMatch(/integer/);
        // Gateway API defaults a missing weight to 1: the split must say what it means.
        expect((await validateStack(policy, [httpRoute([100, undefined])])).map((violation) => violation.message).join()).toMatch(/unset/);
    });

    it("canary-weights: with canarySteps the canary's weight is a step of the schedule", async () => {
        const policy = stackPolicy("canary-weights");
        const steps = { canarySteps: [0, 10, 25, 50, 100] };
        expect(await validateStack(policy, [albRouter([75, 25])], steps)).toEqual([]);
        const off = await validateStack(policy, [albRouter([70, 30])], steps);
        expect(off).toEqual([{ message: expect.stringMatching(/notification-v2 takes 30%, not a step/), urn: albRouter([70, 30]).urn }]);
        // Without a schedule any weight 0..100 goes.
        expect(await validateStack(policy, [albRouter([70, 30])])).toEqual([]);
        // The replicas router: the canary's share of the pods.
        const pods = (v1: number, v2: number): StackResource[] => [deploymentResource("notification-v1", stable, v1), deploymentResource("notification-v2", canary, v2)];
        expect(await validateStack(policy, pods(2, 1), steps)).toHaveLength(1);
        expect(await validateStack(policy, pods(3, 1), { canarySteps: [0, 25, 50, 75, 100] })).toEqual([]);
        // A service with a weighted router is judged by the router, not by its pods.
        expect(await validateStack(policy, [...pods(3, 3), albRouter([75, 25])], steps)).toEqual([]);
    });
});

describe("the pack", () => {
    it("has unique names, a description and mandatory enforcement for every policy", () => {
        const names = policies.map((policy) => policy.name);
        expect(new Set(names).size).toBe(names.length);
        for (const policy of policies) {
            expect(policy.enforcementLevel, policy.name).toBe("mandatory");
            expect(policy.description.length, policy.name).toBeGreaterThan(10);
        }
    });

    it("has a violating-resource test for every policy", () => {
        const tested = new Set([...RESOURCE_CASES.map((testCase) => testCase.policy), ...stackPolicies.map((policy) => policy.name)]);
        expect(policies.map((policy) => policy.name).filter((name) => !tested.has(name))).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------
// The stacks: every rule, every declared resource

function asStackResource(resource: DeclaredResource): StackResource {
    return { type: resource.type, name: resource.name, urn: resource.urn, props: resource.inputs };
}

/** Every violation of the pack in a plan, one line each: `<policy> <resource>: <message>`. */
async function violationsOf(plan: OfflinePlan, config: Record<string, Record<string, unknown>> = {}): Promise<string[]> {
    const found: string[] = [];
    for (const resource of plan.resources) {
        for (const policy of resourcePolicies) {
            for (const message of await validateResource(policy, resource.type, resource.inputs, { protect: resource.protect, config: config[policy.name] }, resource.name)) {
                found.push(`${policy.name} ${resource.type} ${resource.name}: ${message}`);
            }
        }
    }
    const resources = plan.resources.map(asStackResource);
    for (const policy of stackPolicies) {
        for (const violation of await validateStack(policy, resources, config[policy.name])) {
            const resource = plan.resources.find((item) => item.urn === violation.urn);
            found.push(`${policy.name} ${resource === undefined ? "(stack)" : `${resource.type} ${resource.name}`}: ${violation.message}`);
        }
    }
    return found;
}

/** The schedule of a stack file, as a user passes it to the pack's policy config. */
function canaryStepsOf(stack: string): Record<string, Record<string, unknown>> {
    const raw = readStackFile(stack).config["eks-canary:canary"];
    const steps = raw === undefined ? undefined : (JSON.parse(raw) as { steps?: number[] }).steps;
    return steps === undefined ? {} : { "canary-weights": { canarySteps: steps } };
}

describe.each(["dev", "prod"])("the %s stack", (stack) => {
    let plan: OfflinePlan;

    beforeAll(async () => {
        plan = await planOffline(stack, readStackFile(stack).config);
    });

    it("violates no policy of the pack", async () => {
        expect(await violationsOf(plan, canaryStepsOf(stack))).toEqual([]);
    });
});

describe("the same address and namespace rules as stack config", () => {
    it("refuses public access CIDRs that open the endpoint to much of the internet, even split in halves", () => {
        const halves = eksEndpointViolations({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] });
        expect(halves).toHaveLength(2);
        expect(halves[0]).toContain("addresses of the internet");
        expect(eksEndpointViolations({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/16"] })[0]).toContain("not a public address range");
        expect(eksEndpointViolations({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.10/32"] })).toEqual([]);
    });

    it("refuses a VPC range that is not private", () => {
        expect(vpcRangeViolations([stackResource("awsx:ec2:Vpc", "network-vpc", { cidrBlock: "8.8.0.0/16" })])[0].message).toContain("is not a private range");
        expect(vpcRangeViolations([stackResource("awsx:ec2:Vpc", "network-vpc", { cidrBlock: "10.20.0.0/16" })])).toEqual([]);
    });

    it("refuses a Namespace of Kubernetes or of a controller", () => {
        expect(reservedNamespaceViolations([stackResource("kubernetes:core/v1:Namespace", "apps", { metadata: { name: "kube-system" } })])).toHaveLength(1);
        expect(reservedNamespaceViolations([stackResource("kubernetes:core/v1:Namespace", "apps", { metadata: { name: "eks-canary" } })])).toEqual([]);
    });
});
