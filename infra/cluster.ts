import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn, OidcProvider, partitionOf } from "./iam";
import { serviceKey } from "./kms";
import type { EKS_ADDONS } from "./versions";
import { RESOURCE_TYPES } from "./resource-types";

/** EKS access policy of a cluster administrator. */
export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";
/**
 * EKS access policy of a principal that only previews: read most objects, but not Secrets (a
 * preview has no need to read the database password). Server-side dry runs it may not make fall
 * back to client-side diffs (README, "Deploy").
 */
export const CLUSTER_VIEW_POLICY = "AmazonEKSViewPolicy";

/** The ARN of an EKS cluster access policy in the region's partition. */
export function clusterAccessPolicyArn(region: string, policy: string): string {
    return `arn:${partitionOf(region)}:eks::aws:cluster-access-policy/${policy}`;
}

/** The access a principal gets: `admin` runs `pulumi up`, `view` only previews. */
export type ClusterAccessLevel = "admin" | "view";
const ACCESS_POLICIES: Record<ClusterAccessLevel, string> = { admin: CLUSTER_ADMIN_POLICY, view: CLUSTER_VIEW_POLICY };

/**
 * The key of a principal's access entry: derived from its ARN, so adding, removing or reordering
 * principals never moves another one's entry.
 */
export function accessEntryKey(principalArn: string, level: ClusterAccessLevel = "admin"): string {
    return `${level}-${createHash("sha256").update(principalArn).digest("hex").slice(0, 12)}`;
}

/** An access entry that gives `principalArn` the access policy of `level`, cluster-wide. */
export function clusterAccessEntry(region: string, principalArn: pulumi.Input<string>, level: ClusterAccessLevel): eks.types.input.AccessEntryArgs {
    return {
        principalArn,
        accessPolicies: { [level]: { policyArn: clusterAccessPolicyArn(region, ACCESS_POLICIES[level]), accessScope: { type: "cluster" } } },
    };
}

/**
 * A transform for the EKS cluster that @pulumi/eks creates: the creator of a cluster gets no
 * implicit, invisible admin access entry (`bootstrapClusterCreatorAdminPermissions`); the admins
 * are the explicit access entries of `cluster.adminPrincipalArns`.
 */
export function withoutCreatorAdmin(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
    if (args.type !== RESOURCE_TYPES.awsEksCluster) {
        return undefined;
    }
    const accessConfig = (args.props.accessConfig ?? {}) as Record<string, unknown>;
    return { props: { ...args.props, accessConfig: { ...accessConfig, bootstrapClusterCreatorAdminPermissions: false } }, opts: args.opts };
}

/** All five EKS control plane log types, sent to CloudWatch Logs. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export interface ClusterArgs {
    /** EKS cluster name; also used in subnet tags, so fixed rather than auto-named. */
    clusterName: string;
    /** Kubernetes minor version, e.g. "1.35". */
    kubernetesVersion: string;
    region: string;
    vpcId: pulumi.Input<string>;
    /** Subnets for internet-facing load balancers. */
    publicSubnetIds: pulumi.Input<string[]>;
    /** Subnets of the nodes and pods. */
    privateSubnetIds: pulumi.Input<string[]>;
    instanceTypes: readonly string[];
    nodes: { min: number; desired: number; max: number };
    /** Root volume size of each node, in GiB (encrypted gp3). */
    nodeDiskGiB: number;
    /** CIDRs that may reach the public API endpoint; empty: the endpoint is private only. */
    publicAccessCidrs: readonly string[];
    /**
     * Cluster administrators by IAM principal ARN, and nobody else (the cluster's creator
     * included). The principals that run `pulumi up` must be among them: the Kubernetes provider
     * deploys as they do.
     */
    adminPrincipalArns: readonly string[];
    /** Principals that only run `pulumi preview`: read-only access, no Secrets. */
    previewPrincipalArns: readonly string[];
    /** The EKS add-on versions pinned for `kubernetesVersion`. */
    addons: (typeof EKS_ADDONS)[keyof typeof EKS_ADDONS];
    tags?: Record<string, string>;
}

/**
 * The EKS cluster: control plane with an OIDC provider for IRSA, a managed node group in the
 * private subnets, and the Kubernetes provider every in-cluster resource uses. Components make
 * their service accounts' IAM roles from `oidcProvider` with `ServiceAccountRole` (./iam).
 */
export class Cluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    /** Kubeconfig (JSON) that authenticates with `aws eks get-token`; a secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly oidcProvider: OidcProvider;
    /** Security group of the nodes (the EKS cluster security group): the database admits it. */
    public readonly nodeSecurityGroupId: pulumi.Output<string>;
    public readonly provider: k8s.Provider;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:cluster:Cluster", name, {}, opts);

        // The control plane's role, declared here so that the Secrets key can name it.
        const clusterRole = new aws.iam.Role(
            `${name}-control-plane`,
            {
                description: `Control plane of EKS cluster ${args.clusterName}`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
                }),
                tags: args.tags,
            },
            { parent: this },
        );
        const clusterRolePolicy = new aws.iam.RolePolicyAttachment(
            `${name}-control-plane-AmazonEKSClusterPolicy`,
            { role: clusterRole.name, policyArn: managedPolicyArn(args.region, "AmazonEKSClusterPolicy") },
            { parent: this },
        );

        // Envelope encryption of Kubernetes Secrets with a key of the account's own, rotated yearly:
        // the admins use it only through EKS, the cluster role directly.
        const secretsKey = serviceKey(
            `${name}-secrets`,
            `${args.clusterName}-secrets`,
            {
                description: `Kubernetes Secrets of EKS cluster ${args.clusterName}`,
                region: args.region,
                service: "eks",
                adminArns: args.adminPrincipalArns,
                serviceRoleArn: clusterRole.arn,
                ...(args.tags === undefined ? {} : { tags: args.tags }),
            },
            { parent: this },
        );

        const controlPlane = new eks.Cluster(
            `${name}-eks`,
            {
                name: args.clusterName,
                version: args.kubernetesVersion,
                vpcId: args.vpcId,
                publicSubnetIds: args.publicSubnetIds,
                privateSubnetIds: args.privateSubnetIds,
                // Nodes come from the managed node group below; with no default security groups,
                // the control plane and managed nodes share the EKS-created cluster security group.
                serviceRole: clusterRole,
                skipDefaultNodeGroup: true,
                skipDefaultSecurityGroups: true,
                nodeAssociatePublicIpAddress: false,
                createOidcProvider: true,
                authenticationMode: eks.AuthenticationMode.Api,
                endpointPrivateAccess: true,
                endpointPublicAccess: args.publicAccessCidrs.length > 0,
                ...(args.publicAccessCidrs.length > 0 ? { publicAccessCidrs: [...args.publicAccessCidrs] } : {}),
                enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
                encryptionConfigKeyArn: secretsKey.arn,
                accessEntries: Object.fromEntries([
                    ...args.adminPrincipalArns.map((principal) => [accessEntryKey(principal, "admin"), clusterAccessEntry(args.region, principal, "admin")]),
                    ...args.previewPrincipalArns.map((principal) => [accessEntryKey(principal, "view"), clusterAccessEntry(args.region, principal, "view")]),
                ]),
                // The network and proxy add-ons run on every node, so they come first; CoreDNS,
                // whose pods need nodes, is declared below after the node group.
                vpcCniOptions: { addonVersion: args.addons.vpcCni, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" },
                kubeProxyAddonOptions: { version: args.addons.kubeProxy, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" },
                corednsAddonOptions: { enabled: false },
                tags: args.tags,
            },
            { parent: this, transforms: [withoutCreatorAdmin], dependsOn: [clusterRolePolicy] },
        );

        const nodeRole = new aws.iam.Role(
            `${name}-node`,
            {
                description: `Nodes of EKS cluster ${args.clusterName}`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags: args.tags,
            },
            { parent: this },
        );
        const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"];
        const nodePolicyAttachments = nodePolicies.map(
            (policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: nodeRole.name, policyArn: managedPolicyArn(args.region, policy) }, { parent: this }),
        );

        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-node`,
            {
                description: `Nodes of EKS cluster ${args.clusterName}`,
                // IMDSv2 only, and one hop: pods cannot reach the node's instance role; they use IRSA.
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: args.nodeDiskGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
                tagSpecifications: [{ resourceType: "instance", tags: { ...args.tags, Name: `${args.clusterName}-node` } }],
                updateDefaultVersion: true,
                tags: args.tags,
            },
            { parent: this },
        );

        const nodeGroup = new aws.eks.NodeGroup(
            `${name}-nodes`,
            {
                clusterName: args.clusterName,
                nodeRoleArn: nodeRole.arn,
                subnetIds: args.privateSubnetIds,
                amiType: "AL2023_x86_64_STANDARD",
                capacityType: "ON_DEMAND",
                instanceTypes: [...args.instanceTypes],
                scalingConfig: { minSize: args.nodes.min, desiredSize: args.nodes.desired, maxSize: args.nodes.max },
                updateConfig: { maxUnavailable: 1 },
                launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((version) => String(version)) },
                tags: args.tags,
            },
            { parent: this, dependsOn: [controlPlane, ...nodePolicyAttachments] },
        );

        // CoreDNS as a managed add-on at the pinned version, so that it is upgraded with the
        // cluster; it adopts the copy EKS installs itself. Created once there are nodes to run it
        // (an add-on whose pods cannot schedule never becomes active).
        const coredns = new aws.eks.Addon(
            `${name}-coredns`,
            {
                clusterName: args.clusterName,
                addonName: "coredns",
                addonVersion: args.addons.coredns,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags: args.tags,
            },
            { parent: this, dependsOn: [nodeGroup] },
        );

        // The name is fixed, but whoever reads it (Helm values, outputs) should wait for the cluster.
        this.clusterName = controlPlane.oidcProviderArn.apply(() => args.clusterName);
        this.kubeconfig = pulumi.secret(controlPlane.kubeconfigJson);
        this.oidcProvider = { arn: controlPlane.oidcProviderArn, issuer: controlPlane.oidcIssuer };
        this.nodeSecurityGroupId = controlPlane.nodeSecurityGroupId;
        // Every in-cluster resource uses this provider, so none is created before there are nodes
        // and cluster DNS: a Helm release started on a cold cluster would time out and roll back.
        // `clusterIdentifier`: a kubeconfig that changes (a new token format, an unknown value in
        // a preview) updates the provider instead of replacing every resource it manages.
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true, clusterIdentifier: args.clusterName },
            { parent: this, dependsOn: [nodeGroup, coredns] },
        );

        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProvider.arn,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
        });
    }
}
