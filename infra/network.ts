import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";

export interface NetworkArgs {
    /** IPv4 block of the VPC, /16 to /20. */
    cidrBlock: string;
    /** Availability zones to span (at least 2; EKS requires subnets in two zones). */
    availabilityZones: number;
    /** `single`: one NAT gateway for the VPC (cheap, one zone's failure cuts egress); `onePerAz`: one per zone. */
    natGateways: "single" | "onePerAz";
    /** Name of the EKS cluster that will run in the VPC, for the subnet discovery tags. */
    clusterName: string;
    tags?: Record<string, string>;
}

/**
 * The tags by which the AWS Load Balancer Controller picks subnets: `kubernetes.io/role/elb` for
 * internet-facing load balancers (public subnets), `kubernetes.io/role/internal-elb` for internal
 * ones (private subnets), and the cluster tag marking the subnets as the cluster's.
 */
export function loadBalancerSubnetTags(clusterName: string, scheme: "public" | "private"): Record<string, string> {
    return {
        [`kubernetes.io/cluster/${clusterName}`]: "shared",
        [scheme === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
    };
}

/**
 * Subnet sizes relative to the VPC block, so that six zones of each tier fit any /16 to /20: per
 * zone, a private subnet of 1/16 of the VPC (nodes and pods: the VPC CNI gives every pod a VPC
 * address), a public one of 1/64 and an isolated one of 1/256. A /16 gives /20, /22 and /24.
 */
export function subnetMasks(cidrBlock: string): { public: number; private: number; isolated: number } {
    const prefix = Number(cidrBlock.split("/")[1]);
    if (!Number.isInteger(prefix) || prefix < 16 || prefix > 20) {
        throw new RangeError(`VPC block must be a /16 to /20, got ${cidrBlock}`);
    }
    return { public: prefix + 6, private: prefix + 4, isolated: prefix + 8 };
}

/**
 * The VPC: in each zone a public subnet (load balancers, NAT), a private subnet (nodes and pods,
 * egress through NAT) and an isolated subnet (the database: no route to the internet).
 */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    public readonly isolatedSubnetIds: pulumi.Output<string[]>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:network:Network", name, {}, opts);
        if (args.availabilityZones < 2) {
            throw new Error(`Network ${name}: availabilityZones must be at least 2 (EKS needs subnets in two zones), got ${args.availabilityZones}`);
        }

        const masks = subnetMasks(args.cidrBlock);
        const vpc = new awsx.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: args.cidrBlock,
                numberOfAvailabilityZones: args.availabilityZones,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
                natGateways: {
                    strategy: args.natGateways === "single" ? awsx.ec2.NatGatewayStrategy.Single : awsx.ec2.NatGatewayStrategy.OnePerAz,
                },
                subnetSpecs: [
                    { type: awsx.ec2.SubnetType.Public, name: "public", cidrMask: masks.public, tags: loadBalancerSubnetTags(args.clusterName, "public") },
                    { type: awsx.ec2.SubnetType.Private, name: "private", cidrMask: masks.private, tags: loadBalancerSubnetTags(args.clusterName, "private") },
                    { type: awsx.ec2.SubnetType.Isolated, name: "isolated", cidrMask: masks.isolated },
                ],
                tags: { ...args.tags, Name: `${args.clusterName}-vpc` },
            },
            { parent: this },
        );

        this.vpcId = vpc.vpcId;
        this.publicSubnetIds = vpc.publicSubnetIds;
        this.privateSubnetIds = vpc.privateSubnetIds;
        this.isolatedSubnetIds = vpc.isolatedSubnetIds;
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            isolatedSubnetIds: this.isolatedSubnetIds,
        });
    }
}
