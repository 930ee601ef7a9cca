import { beforeAll, describe, expect, it } from "vitest";
import { gatewayapi } from "../../../infra/crds";
import latticePolicyFile from "../../../infra/addons/gateway-controller/aws-gateway-controller.json";
import {
    appObjectsOfType,
    at,
    byName,
    changedInputs,
    childrenOf,
    DeclaredResource,
    envOf,
    k8sObject,
    mainContainer,
    metadata,
    OfflinePlan,
    planRouter,
    policyOf,
    replicasOf,
    resourcesOfType,
    splitOf,
    TYPES,
    typeNameClashes,
    workloadSpec,
} from "../../helpers";

const TYPE = {
    release: TYPES.helmRelease,
    configFile: "kubernetes:yaml/v2:ConfigFile",
    gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    targetGroupPolicy: "kubernetes:application-networking.k8s.aws/v1alpha1:TargetGroupPolicy",
    serviceNetwork: "aws:vpclattice/serviceNetwork:ServiceNetwork",
    vpcAssociation: "aws:vpclattice/serviceNetworkVpcAssociation:ServiceNetworkVpcAssociation",
    zone: "aws:route53/zone:Zone",
} as const;
const VPC_ID = "(known after deploy: network-vpc.vpcId)";
const NODE_SG = "(known after deploy: cluster-eks.nodeSecurityGroupId)";
const ZONE = "eks-canary-dev.internal";
const HOST = `notification.${ZONE}`;

let at25: OfflinePlan;
let at50: OfflinePlan;
let noCanary: OfflinePlan;

beforeAll(async () => {
    at25 = await planRouter("lattice", 25);
    at50 = await planRouter("lattice", 50);
    noCanary = await planRouter("lattice", "none");
});

interface BackendRef {
    name: string;
    kind?: string;
    port?: number;
    weight?: number;
}

function routeSpec(plan: OfflinePlan): { hostnames: string[]; parentRefs: Record<string, unknown>[]; rules: { backendRefs: BackendRef[] }[] } {
    return at(byName(plan, "notification", TYPE.httpRoute).inputs, "spec") as ReturnType<typeof routeSpec>;
}

function values(resource: DeclaredResource): Record<string, unknown> {
    return resource.inputs.values as Record<string, unknown>;
}

describe("LatticeRouter: the AWS Gateway API Controller", () => {
    it("installs the pinned OCI chart into its own namespace", () => {
        const release = byName(at25, "lattice-controller", TYPE.release);
        expect(release.parent).toBe("lattice");
        expect(release.inputs.chart).toBe("oci://public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller-chart");
        expect(release.inputs.version).toBe("v2.1.3");
        expect(release.inputs.repositoryOpts).toBeUndefined();
        expect(release.inputs.namespace).toBe("aws-application-networking-system");
        expect(release.inputs.createNamespace).toBe(true);
    });

    it("is told what it cannot read from instance metadata, and runs as its IRSA service account", () => {
        expect(values(byName(at25, "lattice-controller", TYPE.release))).toEqual({
            serviceAccount: { create: true, name: "gateway-api-controller", annotations: { "eks.amazonaws.com/role-arn": "(known after deploy: lattice-controller-irsa.arn)" } },
            awsRegion: "eu-west-1",
            awsAccountId: "(known after deploy: aws.accountId)",
            clusterVpcId: VPC_ID,
            clusterName: "eks-canary-dev",
            log: { level: "info" },
            // The ExternalDNS chart brings the DNSEndpoint CRD.
            installExternalDNSCRD: false,
        });
    });

    it("its role trusts only the controller's service account and carries exactly the recommended inline policy", () => {
        const role = byName(at25, "lattice-controller-irsa", TYPES.role);
        const trust = policyOf(role.inputs.assumeRolePolicy);
        expect(JSON.stringify(trust.Statement[0].Condition)).toContain("system:serviceaccount:aws-application-networking-system:gateway-api-controller");
        expect(policyOf(byName(at25, "lattice-controller-irsa", TYPES.rolePolicy).inputs.policy)).toEqual(latticePolicyFile);
        expect(
            childrenOf(at25, "lattice-controller-irsa")
                .map((child) => child.type)
                .sort(),
        ).toEqual([TYPES.role, TYPES.rolePolicy].sort());
    });
});

describe("LatticeRouter: Gateway API", () => {
    it("installs the standard-channel CRDs of the release the typed classes come from", () => {
        const crds = byName(at25, "lattice-gateway-api-crds", TYPE.configFile);
        expect(crds.parent).toBe("lattice");
        expect(crds.inputs.file).toBe("https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml");
    });

    it("declares the amazon-vpc-lattice GatewayClass for the controller", () => {
        const gatewayClass = byName(at25, "lattice-gateway-class", TYPE.gatewayClass);
        expect(metadata(gatewayClass).name).toBe("amazon-vpc-lattice");
        expect(gatewayClass.inputs.spec).toEqual({ controllerName: "application-networking.k8s.aws/gateway-api-controller" });
    });

    it("declares a Gateway named like the service network, with one HTTP listener on port 80", () => {
        const gateway = byName(at25, "lattice-gateway", TYPE.gateway);
        expect(metadata(gateway)).toMatchObject({ name: "eks-canary-dev", namespace: "eks-canary" });
        expect(gateway.inputs.spec).toEqual({ gatewayClassName: "amazon-vpc-lattice", listeners: [{ name: "http", protocol: "HTTP", port: 80 }] });
    });
});

describe("LatticeRouter: the VPC Lattice network", () => {
    it("declares the service network, without auth, and associates it with the cluster VPC", () => {
        const network = byName(at25, "lattice-service-network", TYPE.serviceNetwork);
        expect(network.inputs).toMatchObject({ name: "eks-canary-dev", authType: "NONE" });
        const association = byName(at25, "lattice-vpc-association", TYPE.vpcAssociation);
        expect(association.inputs).toMatchObject({
            serviceNetworkIdentifier: "(known after deploy: lattice-service-network.id)",
            vpcIdentifier: VPC_ID,
            securityGroupIds: [NODE_SG],
        });
    });

    it("lets the VPC Lattice managed prefix list into the node security group, all traffic", () => {
        const rules = resourcesOfType(at25, TYPES.ingressRule).filter((rule) => rule.parent === "lattice");
        expect(rules.map((rule) => rule.inputs)).toEqual([
            expect.objectContaining({
                securityGroupId: NODE_SG,
                prefixListId: "(known after deploy: prefix list com.amazonaws.eu-west-1.vpc-lattice.id)",
                ipProtocol: "-1",
            }),
        ]);
        expect(rules[0].inputs.fromPort).toBeUndefined();
        expect(rules[0].inputs.cidrIpv4).toBeUndefined();
    });
});

describe("LatticeRouter: the custom domain name", () => {
    it("is in a private zone of the cluster VPC", () => {
        const zone = byName(at25, "lattice-zone", TYPE.zone);
        expect(zone.inputs).toMatchObject({ name: ZONE, vpcs: [{ vpcId: VPC_ID, vpcRegion: "eu-west-1" }] });
    });

    it("whose records a second ExternalDNS writes from DNSEndpoints only, into that zone only", () => {
        const release = byName(at25, "lattice-dns", TYPE.release);
        expect(release.inputs.name).toBe("external-dns-lattice");
        expect(release.inputs.namespace).toBe("kube-system");
        const dnsValues = values(release);
        expect(dnsValues).toMatchObject({
            sources: ["crd"],
            domainFilters: [ZONE],
            txtOwnerId: "eks-canary-dev-lattice",
            txtPrefix: "txt.",
            policy: "sync",
            serviceAccount: { create: true, name: "external-dns-lattice", annotations: { "eks.amazonaws.com/role-arn": "(known after deploy: lattice-dns-irsa.arn)" } },
        });
        expect(dnsValues.extraArgs).toEqual([
            "--zone-id-filter=(known after deploy: lattice-zone.zoneId)",
            "--aws-zone-type=private",
            "--crd-source-apiversion=externaldns.k8s.io/v1alpha1",
            "--crd-source-kind=DNSEndpoint",
        ]);
        // The stack's public instance keeps its own release, service account and zone.
        const publicValues = values(byName(at25, "external-dns", TYPE.release));
        expect(byName(at25, "external-dns", TYPE.release).inputs.name).toBe("external-dns");
        expect(publicValues.sources).toEqual(["ingress", "service"]);
        expect(publicValues.extraArgs).toEqual(["--zone-id-filter=Z0123456789ABCDEFGHIJ", "--aws-zone-type=public"]);
    });

    it("its role may change records of the private zone only", () => {
        const policy = policyOf(byName(at25, "lattice-dns-irsa", TYPES.rolePolicy).inputs.policy);
        const changing = policy.Statement.filter((statement) => [statement.Action].flat().includes("route53:ChangeResourceRecordSets"));
        expect(changing.map((statement) => statement.Resource)).toEqual(["arn:aws:route53:::hostedzone/(known after deploy: lattice-zone.zoneId)"]);
        expect(JSON.stringify(policyOf(byName(at25, "lattice-dns-irsa", TYPES.role).inputs.assumeRolePolicy))).toContain("system:serviceaccount:kube-system:external-dns-lattice");
    });

    it("usermgmt calls notification by that name on the listener port", () => {
        const env = envOf(mainContainer(byName(at25, "usermgmt-deployment", TYPES.deployment)));
        expect(env.NOTIFICATION_SERVICE_HOST.value).toBe(HOST);
        expect(env.NOTIFICATION_SERVICE_PORT.value).toBe("80");
    });
});

describe("LatticeRouter: the HTTPRoute", () => {
    it("belongs to the service and attaches to the Gateway's http listener with the custom domain name", () => {
        const route = byName(at25, "notification", TYPE.httpRoute);
        expect(route.parent).toBe("notification");
        expect(metadata(route)).toMatchObject({ name: "notification", namespace: "eks-canary" });
        const spec = routeSpec(at25);
        expect(spec.parentRefs).toEqual([{ name: "eks-canary-dev", namespace: "eks-canary", sectionName: "http" }]);
        expect(spec.hostnames).toEqual([HOST]);
        expect(spec.rules).toHaveLength(1);
    });

    it.each([
        [25, 75],
        [50, 50],
    ])("weight %i: v1 %i, v2 the weight", (weight, stable) => {
        const spec = routeSpec(weight === 25 ? at25 : at50);
        expect(spec.rules[0].backendRefs).toEqual([
            { name: "notification-v1", kind: "Service", port: 8096, weight: stable },
            { name: "notification-v2", kind: "Service", port: 8096, weight },
        ]);
    });

    it("each version's Service is health-checked on the service's health path", () => {
        for (const version of ["notification-v1", "notification-v2"]) {
            const policy = k8sObject(at25, TYPE.targetGroupPolicy, version);
            expect(policy.inputs.spec).toEqual({
                targetRef: { group: "", kind: "Service", name: version },
                healthCheck: { enabled: true, path: "/notification/health-status", statusMatch: "200" },
            });
        }
    });
});

describe("LatticeRouter: pods", () => {
    it.each([25, 50])("weight %i: both Deployments keep the 4 pods, on the default service account", (weight) => {
        const plan = weight === 25 ? at25 : at50;
        for (const name of ["notification-v1-deployment", "notification-v2-deployment"]) {
            const spec = workloadSpec(byName(plan, name, TYPES.deployment));
            expect(spec.replicas).toBe(4);
            expect(spec.template.spec.serviceAccountName).toBeUndefined();
        }
        expect(splitOf(plan)).toMatchObject({
            router: "lattice",
            weight,
            traffic: { stable: 100 - weight, canary: weight },
            replicas: { stable: 4, canary: 4 },
        });
    });
});

// That the step changes the HTTPRoute and nothing else is checked for every router in contract.test.ts.
describe("LatticeRouter: moving the weight from 25 to 50", () => {
    it("changes, in the HTTPRoute, only the backend weights", () => {
        // No two resources share a type and a name.
        expect(typeNameClashes(at25)).toEqual([]);
        const { before, after } = changedInputs<{ spec: { rules: { backendRefs: BackendRef[] }[] } }>(at25, at50, TYPE.httpRoute, "notification");
        for (const ref of [...before.spec.rules[0].backendRefs, ...after.spec.rules[0].backendRefs]) {
            delete ref.weight;
        }
        expect(after).toEqual(before);
    });
});

describe("LatticeRouter: a service without a canary block", () => {
    it("routes everything to v1 with one backend of weight 100", () => {
        expect(routeSpec(noCanary).rules[0].backendRefs).toEqual([{ name: "notification-v1", kind: "Service", port: 8096, weight: 100 }]);
        expect(routeSpec(noCanary).hostnames).toEqual([HOST]);
    });

    it("runs v1 only, with all its pods, and health-checks only v1", () => {
        expect(
            appObjectsOfType(noCanary, TYPES.deployment)
                .map((resource) => metadata(resource).name)
                .sort(),
        ).toEqual(["notification-v1", "usermgmt-v1"]);
        expect(replicasOf(noCanary, "notification-v1-deployment")).toBe(4);
        expect(resourcesOfType(noCanary, TYPE.targetGroupPolicy).map((resource) => metadata(resource).name)).toEqual(["notification-v1"]);
    });
});

describe("LatticeRouter: specs are checked against the CRD schemas before registration", () => {
    const backendRefs = (weight: number): gatewayapi.HTTPRouteSpecRuleBackendRef[] => [{ name: "notification-v1", kind: "Service", port: 8096, weight }];

    it("refuses a backend weight over the CRD maximum", () => {
        expect(() => new gatewayapi.HTTPRoute("too-heavy", { spec: { parentRefs: [{ name: "gw" }], rules: [{ backendRefs: backendRefs(1_000_001) }] } })).toThrow(
            /HTTPRoute "too-heavy": spec\.rules\[0\]\.backendRefs\[0\]\.weight/,
        );
    });

    it("refuses a parentRef without its required name", () => {
        expect(() => new gatewayapi.HTTPRoute("no-parent-name", { spec: { parentRefs: [{ sectionName: "http" } as gatewayapi.HTTPRouteSpecParentRef] } })).toThrow(
            /parentRefs\[0\]\.name: required field is missing/,
        );
    });

    it("refuses a Gateway listener without a protocol", () => {
        expect(
            () =>
                new gatewayapi.Gateway("no-protocol", {
                    spec: { gatewayClassName: "amazon-vpc-lattice", listeners: [{ name: "http", port: 80 } as gatewayapi.GatewaySpecListener] },
                }),
        ).toThrow(/listeners\[0\]\.protocol: required field is missing/);
    });
});
