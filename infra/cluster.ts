import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn, OidcProvider, partitionOf } from "./iam";

/** EKS access policy of a cluster administrator. */
export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

/** The ARN of an EKS cluster access policy in the region's partition. */
export function clusterAccessPolicyArn(region: string, policy: string): string {
    return `arn:${partitionOf(region)}:eks::aws:cluster-access-policy/${policy}`;
}

/**
 * The key of a principal's access entry: derived from its ARN, so adding, removing or reordering
 * admins never moves another admin's entry.
 */
export function accessEntryKey(principalArn: string): string {
    return `admin-${createHash("sha256").update(principalArn).digest("hex").slice(0, 12)}`;
}

/** An access entry that makes `principalArn` cluster admin, in access-entry API terms. */
export function clusterAdminAccessEntry(region: string, principalArn: pulumi.Input<string>): eks.types.input.AccessEntryArgs {
    return {
        principalArn,
        accessPolicies: { admin: { policyArn: clusterAccessPolicyArn(region, CLUSTER_ADMIN_POLICY), accessScope: { type: "cluster" } } },
    };
}

/**
 * A transform for the EKS cluster that @pulumi/eks creates: the creator of a cluster gets no
 * implicit, invisible admin access entry (`bootstrapClusterCreatorAdminPermissions`); the admins
 * are the explicit access entries of `cluster.adminPrincipalArns`.
 */
export function withoutCreatorAdmin(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
    if (args.type !== "aws:eks/cluster:Cluster") {
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

        // Envelope encryption of Kubernetes Secrets with a key of the account's own, rotated yearly.
        const secretsKey = new aws.kms.Key(
            `${name}-secrets`,
            { description: `Kubernetes Secrets of EKS cluster ${args.clusterName}`, enableKeyRotation: true, deletionWindowInDays: 30, tags: args.tags },
            { parent: this },
        );
        new aws.kms.Alias(`${name}-secrets`, { name: `alias/${args.clusterName}-secrets`, targetKeyId: secretsKey.keyId }, { parent: this });

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
                accessEntries: Object.fromEntries(args.adminPrincipalArns.map((principal) => [accessEntryKey(principal), clusterAdminAccessEntry(args.region, principal)])),
                tags: args.tags,
            },
            { parent: this, transforms: [withoutCreatorAdmin] },
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
                blockDeviceMappings: [
                    { deviceName: "/dev/xvda", ebs: { volumeSize: args.nodeDiskGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
                ],
                tagSpecifications: [{ resourceType: "instance", tags: { ...args.tags, Name: `${args.clusterName}-node` } }],
                updateDefaultVersion: true,
                tags: args.tags,
            },
            { parent: this },
        );

        new aws.eks.NodeGroup(
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

        // The name is fixed, but whoever reads it (Helm values, outputs) should wait for the cluster.
        this.clusterName = controlPlane.oidcProviderArn.apply(() => args.clusterName);
        this.kubeconfig = pulumi.secret(controlPlane.kubeconfigJson);
        this.oidcProvider = { arn: controlPlane.oidcProviderArn, issuer: controlPlane.oidcIssuer };
        this.nodeSecurityGroupId = controlPlane.nodeSecurityGroupId;
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this });

        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProvider.arn,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
        });
    }
}
