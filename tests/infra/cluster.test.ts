import { beforeAll, describe, expect, it } from "vitest";
import { accessEntryKey, CONTROL_PLANE_LOG_TYPES, withoutCreatorAdmin } from "../../infra/cluster";
import { EKS_ADDONS } from "../../infra/versions";
import { at, byName, childrenOf, editJson, OfflinePlan, planOffline, planStack, policyOf, readStackFile, resourcesOfType, TYPES } from "../helpers";

let dev: OfflinePlan;
let prod: OfflinePlan;
let twoAdmins: OfflinePlan;
/** dev with the cluster settings changed by `--set`. */
let tuned: OfflinePlan;

beforeAll(async () => {
    dev = await planStack("dev");
    prod = await planStack("prod");
    // The appmesh router pinned: its Envoy role is the one IRSA role in the app namespace.
    tuned = await planStack("dev", ["cluster.nodes.desired=3", "cluster.nodes.max=5", "cluster.nodeDiskGiB=80", "namespace=apps", "router=appmesh"]);
    twoAdmins = await planOffline(
        "dev",
        editJson(readStackFile("dev").config, "eks-canary:cluster", (cluster) => {
            cluster.adminPrincipalArns = ["arn:aws:iam::111122223333:role/eks-canary-deployer", "arn:aws:iam::111122223333:role/platform-admin"];
        }),
    );
});

describe("Cluster: the EKS control plane", () => {
    it("is parented by the Cluster component and named after the stack", () => {
        const eks = byName(dev, "cluster-eks");
        expect(eks.type).toBe(TYPES.eksCluster);
        expect(eks.parent).toBe("cluster");
        expect(eks.inputs.name).toBe("eks-canary-dev");
        expect(byName(prod, "cluster-eks").inputs.name).toBe("eks-canary-prod");
    });

    it("runs the Kubernetes version from config", () => {
        expect(byName(dev, "cluster-eks").inputs.version).toBe("1.35");
    });

    it("manages the VPC CNI, kube-proxy and CoreDNS as EKS add-ons pinned for that version", () => {
        const inputs = byName(dev, "cluster-eks").inputs;
        const pins = EKS_ADDONS["1.35"];
        expect(inputs.vpcCniOptions).toEqual({ addonVersion: pins.vpcCni, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" });
        expect(inputs.kubeProxyAddonOptions).toEqual({ version: pins.kubeProxy, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" });
        // Not the component's own CoreDNS, which would be created before there are nodes to run it.
        expect(inputs.corednsAddonOptions).toMatchObject({ enabled: false });
        const coredns = byName(dev, "cluster-coredns", "aws:eks/addon:Addon");
        expect(coredns.inputs).toMatchObject({ clusterName: "eks-canary-dev", addonName: "coredns", addonVersion: pins.coredns, resolveConflictsOnUpdate: "OVERWRITE" });
        expect(coredns.dependsOn).toEqual(["cluster-nodes"]);
    });

    it("creates no in-cluster resource before the node group and CoreDNS: the Kubernetes provider waits for both", () => {
        const provider = byName(dev, "cluster-k8s");
        expect(provider.dependsOn.sort()).toEqual(["cluster-coredns", "cluster-nodes"]);
        for (const plan of [dev, prod, tuned]) {
            const inCluster = plan.resources.filter((resource) => resource.custom && resource.type.startsWith("kubernetes:"));
            expect(inCluster.length).toBeGreaterThan(20);
            for (const resource of inCluster) {
                expect(resource.provider, `${resource.type} ${resource.name}`).toBe("cluster-k8s");
            }
        }
    });

    it("has an OIDC provider, no default node group, API authentication", () => {
        const inputs = byName(dev, "cluster-eks").inputs;
        expect(inputs.createOidcProvider).toBe(true);
        expect(inputs.skipDefaultNodeGroup).toBe(true);
        expect(inputs.skipDefaultSecurityGroups).toBe(true);
        expect(inputs.authenticationMode).toBe("API");
        expect(inputs.nodeAssociatePublicIpAddress).toBe(false);
    });

    it("sends all five control plane log types", () => {
        expect(byName(dev, "cluster-eks").inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
        expect(CONTROL_PLANE_LOG_TYPES).toHaveLength(5);
    });

    it.each(["dev", "prod"])("%s: a private endpoint, and a public one only for the deployer's CIDRs", (stack) => {
        const inputs = byName(stack === "dev" ? dev : prod, "cluster-eks").inputs;
        expect(inputs.endpointPrivateAccess).toBe(true);
        expect(inputs.endpointPublicAccess).toBe(true);
        expect(inputs.publicAccessCidrs).toEqual(["203.0.113.10/32"]);
    });

    it("gives the in-cluster resources a Kubernetes provider with the secret kubeconfig", () => {
        const provider = byName(dev, "cluster-k8s");
        expect(provider.type).toBe("pulumi:providers:kubernetes");
        expect(provider.parent).toBe("cluster");
        expect(provider.inputs.kubeconfig).toBe("[secret]");
        expect(provider.inputs.enableServerSideApply).toBe("true");
    });
});

describe("Cluster: the managed node group", () => {
    it.each([
        ["dev", ["t3.large"], { minSize: 2, desiredSize: 2, maxSize: 4 }],
        ["prod", ["m6i.large"], { minSize: 3, desiredSize: 3, maxSize: 6 }],
    ])("%s: runs the config's instance types and scaling in the private subnets", (stack, instanceTypes, scaling) => {
        const plan = stack === "dev" ? dev : prod;
        const groups = resourcesOfType(plan, TYPES.nodeGroup);
        expect(groups).toHaveLength(1);
        const inputs = groups[0].inputs;
        expect(groups[0].parent).toBe("cluster");
        expect(inputs.clusterName).toBe(`eks-canary-${stack}`);
        expect(inputs.instanceTypes).toEqual(instanceTypes);
        expect(inputs.scalingConfig).toEqual(scaling);
        const zones = stack === "dev" ? 2 : 3;
        expect(inputs.subnetIds).toEqual(Array.from({ length: zones }, (_, zone) => `(known after deploy: network-vpc.privateSubnetIds[${zone}])`));
        expect(inputs.capacityType).toBe("ON_DEMAND");
        expect(inputs.amiType).toBe("AL2023_x86_64_STANDARD");
    });

    it("uses the node role and the launch template's latest version", () => {
        const inputs = byName(dev, "cluster-nodes").inputs;
        expect(inputs.nodeRoleArn).toBe("(known after deploy: cluster-node.arn)");
        expect(inputs.launchTemplate).toEqual({ id: "(known after deploy: cluster-node.id)", version: "1" });
    });

    it("follows a --set override of the node counts", () => {
        expect(byName(tuned, "cluster-nodes").inputs.scalingConfig).toEqual({ minSize: 2, desiredSize: 3, maxSize: 5 });
    });
});

describe("Cluster: the node launch template", () => {
    it("requires IMDSv2 with a hop limit of 1", () => {
        const template = byName(dev, "cluster-node", TYPES.launchTemplate);
        expect(template.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
    });

    it("gives nodes an encrypted gp3 root volume of the configured size", () => {
        const mappings = byName(dev, "cluster-node", TYPES.launchTemplate).inputs.blockDeviceMappings as { deviceName: string; ebs: Record<string, unknown> }[];
        expect(mappings).toHaveLength(1);
        expect(mappings[0].deviceName).toBe("/dev/xvda");
        expect(mappings[0].ebs).toMatchObject({ volumeType: "gp3", encrypted: "true", volumeSize: 30 });
    });

    it("follows nodeDiskGiB", () => {
        expect(at(byName(tuned, "cluster-node", TYPES.launchTemplate).inputs, "blockDeviceMappings", 0, "ebs", "volumeSize")).toBe(80);
    });
});

describe("Cluster: the node role", () => {
    it("is assumable by EC2 only", () => {
        const trust = policyOf(byName(dev, "cluster-node", TYPES.role).inputs.assumeRolePolicy);
        expect(trust.Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    });

    it("has exactly the worker, CNI and registry pull managed policies", () => {
        const attachments = childrenOf(dev, "cluster").filter((resource) => resource.type === TYPES.rolePolicyAttachment && resource.name.startsWith("cluster-node-"));
        expect(attachments.map((attachment) => attachment.inputs.policyArn).sort()).toEqual(
            ["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy"].map((name) => `arn:aws:iam::aws:policy/${name}`),
        );
        for (const attachment of attachments) {
            expect(attachment.inputs.role).toBe("(known after deploy: cluster-node.name)");
        }
    });
});

describe("IRSA: the trust policy of every ServiceAccountRole's role", () => {
    /** The cluster agents' roles, in every stack whatever its router. */
    const agents: Record<string, string> = {
        "aws-load-balancer-controller-irsa": "system:serviceaccount:kube-system:aws-load-balancer-controller",
        "external-dns-irsa": "system:serviceaccount:kube-system:external-dns",
        "xray-irsa": "system:serviceaccount:kube-system:adot-collector",
    };
    /** dev's: the agents' and its lattice router's (the controller's, and the private zone's ExternalDNS). */
    const expected: Record<string, string> = {
        ...agents,
        "lattice-controller-irsa": "system:serviceaccount:aws-application-networking-system:gateway-api-controller",
        "lattice-dns-irsa": "system:serviceaccount:kube-system:external-dns-lattice",
    };

    it("every ServiceAccountRole declares one IAM role, and no other role trusts the OIDC provider", () => {
        const components = resourcesOfType(dev, TYPES.serviceAccountRole).map((component) => component.name);
        expect(components.sort()).toEqual(Object.keys(expected).sort());
        const irsaRoles = resourcesOfType(dev, TYPES.role).filter((role) =>
            policyOf(role.inputs.assumeRolePolicy).Statement.some((statement) => statement.Principal?.Federated !== undefined),
        );
        expect(irsaRoles.map((role) => role.name).sort()).toEqual(Object.keys(expected).sort());
        for (const name of components) {
            expect(
                childrenOf(dev, name)
                    .filter((child) => child.type === TYPES.role)
                    .map((role) => role.name),
            ).toEqual([name]);
        }
    });

    it.each(Object.entries(expected))("%s binds the token subject to %s and the STS audience", (name, subject) => {
        const role = byName(dev, name, TYPES.role);
        expect(role.parent).toBe(name);
        const trust = policyOf(role.inputs.assumeRolePolicy);
        expect(trust.Version).toBe("2012-10-17");
        expect(trust.Statement).toHaveLength(1);
        const [statement] = trust.Statement;
        expect(statement.Effect).toBe("Allow");
        expect(statement.Action).toBe("sts:AssumeRoleWithWebIdentity");
        expect(statement.Principal).toEqual({ Federated: "(known after deploy: cluster-eks.oidcProviderArn)" });
        // The issuer is only known after deploy: the condition keys are `<issuer>:sub` and `<issuer>:aud`.
        const issuer = "(known after deploy: cluster-eks.oidcIssuer)";
        expect(statement.Condition).toEqual({ StringEquals: { [`${issuer}:sub`]: subject, [`${issuer}:aud`]: "sts.amazonaws.com" } });
    });

    it("prod (the alb router) has the agents' roles only", () => {
        expect(
            resourcesOfType(prod, TYPES.serviceAccountRole)
                .map((component) => component.name)
                .sort(),
        ).toEqual(Object.keys(agents).sort());
    });

    it("follows the configured namespace for the app's service accounts, not for the cluster agents'", () => {
        const subjects = (name: string): string[] => Object.values(policyOf(byName(tuned, name, TYPES.role).inputs.assumeRolePolicy).Statement[0].Condition?.StringEquals ?? {});
        expect(subjects("appmesh-envoy-irsa")).toContain("system:serviceaccount:apps:appmesh-envoy");
        expect(subjects("xray-irsa")).toContain("system:serviceaccount:kube-system:adot-collector");
    });
});

describe("Cluster: secrets encryption and access", () => {
    it("envelope-encrypts Secrets with a customer KMS key that rotates", () => {
        const key = byName(dev, "cluster-secrets", "aws:kms/key:Key");
        expect(key.parent).toBe("cluster");
        expect(key.inputs.enableKeyRotation).toBe(true);
        expect(byName(dev, "cluster-eks").inputs.encryptionConfigKeyArn).toBe("(known after deploy: cluster-secrets.arn)");
    });

    it("makes exactly the configured principals cluster admin, and the preview roles read-only, through explicit access entries", () => {
        const entries = byName(dev, "cluster-eks").inputs.accessEntries as Record<string, { principalArn: string; accessPolicies: Record<string, unknown> }>;
        const deployer = "arn:aws:iam::111122223333:role/eks-canary-deployer";
        const preview = "arn:aws:iam::111122223333:role/eks-canary-preview";
        expect(entries).toEqual({
            [accessEntryKey(deployer)]: {
                principalArn: deployer,
                accessPolicies: { admin: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } } },
            },
            [accessEntryKey(preview, "view")]: {
                principalArn: preview,
                accessPolicies: { view: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", accessScope: { type: "cluster" } } },
            },
        });
    });

    it("runs the control plane as its own role, with the EKS cluster policy", () => {
        expect(byName(dev, "cluster-eks").inputs.serviceRole).toMatch(/cluster-control-plane$/);
        expect(byName(dev, "cluster-control-plane-AmazonEKSClusterPolicy").inputs).toMatchObject({
            policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
            role: "(known after deploy: cluster-control-plane.name)",
        });
    });

    it("lets the admins administer the Secrets key and use it only through EKS, and the cluster role use it", () => {
        const policy = JSON.parse(String(byName(dev, "cluster-secrets", "aws:kms/key:Key").inputs.policy)) as {
            Statement: { Sid: string; Principal: unknown; Action: string[]; Condition?: unknown }[];
        };
        const admins = { AWS: ["arn:aws:iam::111122223333:role/eks-canary-deployer"] };
        expect(policy.Statement.map((statement) => [statement.Sid, statement.Principal])).toEqual([
            ["EKSServiceRole", { AWS: "(known after deploy: cluster-control-plane.arn)" }],
            ["AdministerTheKey", admins],
            ["UseOnlyThroughEKS", admins],
        ]);
        // No data access and no grants for the admins outside EKS; no account-root statement.
        expect(policy.Statement[1].Action).not.toContain("kms:Create*");
        expect(policy.Statement[1].Action).not.toContain("kms:CreateGrant");
        expect(JSON.stringify(policy)).not.toContain(":root");
        expect(policy.Statement[2].Condition).toEqual({
            StringEquals: { "kms:ViaService": "eks.eu-west-1.amazonaws.com", "kms:CallerAccount": "(known after deploy: aws.accountId)" },
        });
    });

    it("keys each entry by its principal, so adding an admin leaves the others' entries alone", () => {
        const entries = byName(twoAdmins, "cluster-eks").inputs.accessEntries as Record<string, { principalArn: string }>;
        const admins = ["arn:aws:iam::111122223333:role/eks-canary-deployer", "arn:aws:iam::111122223333:role/platform-admin"];
        const preview = "arn:aws:iam::111122223333:role/eks-canary-preview";
        expect(Object.fromEntries(Object.entries(entries).map(([key, entry]) => [key, entry.principalArn]))).toEqual({
            ...Object.fromEntries(admins.map((admin) => [accessEntryKey(admin), admin])),
            [accessEntryKey(preview, "view")]: preview,
        });
        expect(accessEntryKey(admins[0])).toMatch(/^admin-[0-9a-f]{12}$/);
    });

    it("withoutCreatorAdmin turns off the creator's implicit admin on the EKS cluster only", () => {
        const cluster = withoutCreatorAdmin({
            type: "aws:eks/cluster:Cluster",
            name: "c",
            custom: true,
            props: { accessConfig: { authenticationMode: "API" }, name: "c" },
            opts: {},
        });
        expect(cluster?.props).toEqual({ name: "c", accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false } });
        expect(withoutCreatorAdmin({ type: "aws:iam/role:Role", name: "r", custom: true, props: {}, opts: {} })).toBeUndefined();
    });
});
