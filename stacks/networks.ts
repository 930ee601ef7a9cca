/**
 * Facts about addresses and places the config checks against: the AWS regions, the IPv4 ranges
 * that are private or not routable on the internet, and the namespaces the stack must not own.
 */

/** AWS regions (commercial, China, GovCloud) as of late 2026. */
export const AWS_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "ca-central-1", "ca-west-1", "mx-central-1", "sa-east-1",
    "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
    "il-central-1", "me-south-1", "me-central-1", "af-south-1",
    "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1",
] as const;

/** An IPv4 CIDR as its first address (a 32-bit number) and prefix length. */
export interface Ipv4Block {
    readonly base: number;
    readonly prefix: number;
}

/** Parses `a.b.c.d/n` (the caller checked its form). */
export function ipv4Block(cidr: string): Ipv4Block {
    const [address, prefix] = cidr.split("/");
    const base = address.split(".").reduce((total, octet) => total * 256 + Number(octet), 0);
    return { base, prefix: Number(prefix) };
}

/** The block's address count. */
export function blockSize(block: Ipv4Block): number {
    return 2 ** (32 - block.prefix);
}

/** True when the address has bits set past the prefix (`10.0.0.1/16`): AWS expects the network address. */
export function hasHostBits(block: Ipv4Block): boolean {
    return block.base % blockSize(block) !== 0;
}

/** True when `inner` lies inside `outer`. */
export function within(inner: Ipv4Block, outer: Ipv4Block): boolean {
    return inner.prefix >= outer.prefix && Math.floor(inner.base / blockSize(outer)) === Math.floor(outer.base / blockSize(outer));
}

/** True when the two blocks share an address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
    return within(a, b) || within(b, a);
}

/** RFC 1918: the ranges a VPC's own CIDR must come from. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(ipv4Block);

/** Ranges no deployer's public egress address is in: private, shared, loopback, link-local, multicast, reserved. */
export const NOT_PUBLIC_RANGES = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"].map(ipv4Block);

/** The widest public block a deployer's egress may be: 65,536 addresses. */
export const WIDEST_PUBLIC_PREFIX = 16;

/** Namespaces the stack must not create or own: Kubernetes' own, and those of the controllers it installs. */
export const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "appmesh-system", "flagger-system", "aws-application-networking-system", "amazon-cloudwatch"] as const;
