import { beforeAll, describe, expect, it } from "vitest";
import { subnetMasks } from "../../infra/network";
import { at, byName, OfflinePlan, planStack, resourcesOfType, TYPES } from "../helpers";

interface SubnetSpec {
    type: string;
    name: string;
    cidrMask: number;
    tags?: Record<string, string>;
}

function vpcOf(plan: OfflinePlan): Record<string, unknown> {
    const vpcs = resourcesOfType(plan, TYPES.vpc);
    expect(vpcs).toHaveLength(1);
    expect(vpcs[0].parent).toBe("network");
    return vpcs[0].inputs;
}

function subnetSpecs(plan: OfflinePlan): Record<string, SubnetSpec> {
    const specs = vpcOf(plan).subnetSpecs as SubnetSpec[];
    expect(specs.map((spec) => spec.type)).toEqual(["Public", "Private", "Isolated"]);
    return Object.fromEntries(specs.map((spec) => [spec.type, spec]));
}

let dev: OfflinePlan;
let prod: OfflinePlan;
let narrow: OfflinePlan;

beforeAll(async () => {
    dev = await planStack("dev");
    prod = await planStack("prod");
    narrow = await planStack("dev", ["network.cidrBlock=10.40.0.0/18", "network.availabilityZones=6"]);
});

describe("Network: the awsx VPC", () => {
    it("spans 2 zones with one NAT gateway in dev", () => {
        const vpc = vpcOf(dev);
        expect(vpc.cidrBlock).toBe("10.20.0.0/16");
        expect(vpc.numberOfAvailabilityZones).toBe(2);
        expect(vpc.natGateways).toEqual({ strategy: "Single" });
    });

    it("spans 3 zones with a NAT gateway per zone in prod", () => {
        const vpc = vpcOf(prod);
        expect(vpc.cidrBlock).toBe("10.30.0.0/16");
        expect(vpc.numberOfAvailabilityZones).toBe(3);
        expect(vpc.natGateways).toEqual({ strategy: "OnePerAz" });
    });

    it("resolves DNS names and is named after the cluster", () => {
        for (const [plan, stack] of [
            [dev, "dev"],
            [prod, "prod"],
        ] as const) {
            const vpc = vpcOf(plan);
            expect(vpc.enableDnsHostnames).toBe(true);
            expect(vpc.enableDnsSupport).toBe(true);
            expect(vpc.subnetStrategy).toBe("Auto");
            expect(vpc.tags).toEqual({ project: "eks-canary", stack, Name: `eks-canary-${stack}-vpc` });
        }
    });

    it.each(["dev", "prod"])("%s: public subnets are tagged for internet-facing load balancers of the cluster", (stack) => {
        const { Public } = subnetSpecs(stack === "dev" ? dev : prod);
        expect(Public.name).toBe("public");
        expect(Public.tags).toEqual({ [`kubernetes.io/cluster/eks-canary-${stack}`]: "shared", "kubernetes.io/role/elb": "1" });
    });

    it.each(["dev", "prod"])("%s: private subnets are tagged for internal load balancers of the cluster", (stack) => {
        const { Private } = subnetSpecs(stack === "dev" ? dev : prod);
        expect(Private.name).toBe("private");
        expect(Private.tags).toEqual({ [`kubernetes.io/cluster/eks-canary-${stack}`]: "shared", "kubernetes.io/role/internal-elb": "1" });
    });

    it("isolated subnets carry no load balancer tags", () => {
        const { Isolated } = subnetSpecs(dev);
        expect(Isolated.name).toBe("isolated");
        expect(Isolated.tags ?? {}).toEqual({});
    });

    it("sizes the subnets from the /16: public /22, private /20, isolated /24", () => {
        const specs = subnetSpecs(dev);
        expect(subnetMasks("10.20.0.0/16")).toEqual({ public: 22, private: 20, isolated: 24 });
        expect([specs.Public.cidrMask, specs.Private.cidrMask, specs.Isolated.cidrMask]).toEqual([22, 20, 24]);
    });

    it("sizes the subnets relative to a smaller block, six zones of each fitting", () => {
        const vpc = vpcOf(narrow);
        expect(vpc.cidrBlock).toBe("10.40.0.0/18");
        expect(vpc.numberOfAvailabilityZones).toBe(6);
        const masks = subnetMasks("10.40.0.0/18");
        expect(masks).toEqual({ public: 24, private: 22, isolated: 26 });
        const specs = subnetSpecs(narrow);
        expect({ public: specs.Public.cidrMask, private: specs.Private.cidrMask, isolated: specs.Isolated.cidrMask }).toEqual(masks);
        // Six zones of each tier use at most the whole block.
        const addresses = (mask: number): number => 2 ** (32 - mask);
        expect(6 * (addresses(masks.public) + addresses(masks.private) + addresses(masks.isolated))).toBeLessThanOrEqual(addresses(18));
    });

    it.each(["10.0.0.0/15", "10.0.0.0/21", "10.0.0.0"])("subnetMasks rejects %s", (cidr) => {
        expect(() => subnetMasks(cidr)).toThrow(RangeError);
    });
});

describe("Network: its subnets feed the tiers", () => {
    it("the cluster gets one public and one private subnet per zone", () => {
        const cluster = byName(prod, "cluster-eks").inputs;
        expect(cluster.publicSubnetIds).toEqual([0, 1, 2].map((zone) => `(known after deploy: network-vpc.publicSubnetIds[${zone}])`));
        expect(cluster.privateSubnetIds).toEqual([0, 1, 2].map((zone) => `(known after deploy: network-vpc.privateSubnetIds[${zone}])`));
        expect(cluster.vpcId).toBe("(known after deploy: network-vpc.vpcId)");
    });

    it("the nodes run in the private subnets", () => {
        expect(at(byName(dev, "cluster-nodes").inputs, "subnetIds")).toEqual([0, 1].map((zone) => `(known after deploy: network-vpc.privateSubnetIds[${zone}])`));
    });

    it("the database runs in the isolated subnets", () => {
        expect(at(byName(dev, "database-subnets").inputs, "subnetIds")).toEqual([0, 1].map((zone) => `(known after deploy: network-vpc.isolatedSubnetIds[${zone}])`));
    });
});
