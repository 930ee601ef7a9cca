/**
 * Facts about addresses and places the config checks against: the AWS regions, the IPv4 ranges
 * that are private or not routable on the internet, and the namespaces the stack must not own.
 */

/** AWS regions (commercial, China, GovCloud) as of late 2026. */
export const AWS_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "ca-west-1",
    "mx-central-1",
    "sa-east-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-east-1",
    "us-gov-west-1",
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
export const NOT_PUBLIC_RANGES = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"].map(
    ipv4Block,
);

/** The widest public block a deployer's egress may be: 65,536 addresses. */
export const WIDEST_PUBLIC_PREFIX = 16;

/** Namespaces the stack must not create or own: Kubernetes' own, and those of the controllers it installs. */
export const RESERVED_NAMESPACES = [
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "appmesh-system",
    "flagger-system",
    "aws-application-networking-system",
    "amazon-cloudwatch",
    "linkerd",
    "linkerd-viz",
] as const;

/** `10.0.0.1/16` → `10.0.0.0/16`. */
export function networkAddress(cidr: string): string {
    const block = ipv4Block(cidr);
    const base = block.base - (block.base % blockSize(block));
    return `${[24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join(".")}/${block.prefix}`;
}

export const IPV4_CIDR = /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(\d|[12]\d|3[0-2])$/;

/**
 * Why `cidr` may not open the public API endpoint, or undefined: it must be a public block of at
 * most a /16 (65,536 addresses), so no combination of the 40 EKS allows reaches the internet at
 * large; a private block never reaches a public endpoint. One rule for config and the policy pack.
 */
export function publicAccessCidrProblem(cidr: string): string | undefined {
    if (!IPV4_CIDR.test(cidr)) {
        return `${cidr} is not an IPv4 CIDR; allowed: your deployers' egress ranges, such as 203.0.113.10/32`;
    }
    const block = ipv4Block(cidr);
    if (block.prefix < WIDEST_PUBLIC_PREFIX) {
        return `${cidr} opens the Kubernetes API to ${blockSize(block).toLocaleString("en-US")} addresses of the internet; allowed: your deployers' egress ranges, each /${WIDEST_PUBLIC_PREFIX} or narrower, such as 203.0.113.10/32`;
    }
    if (NOT_PUBLIC_RANGES.some((range) => overlaps(block, range))) {
        return `${cidr} is not a public address range, so no deployer's traffic to the public endpoint comes from it (the private endpoint already admits the VPC); allowed: your deployers' public egress ranges`;
    }
    if (hasHostBits(block)) {
        return `${cidr} has host bits set; allowed: the network address, such as ${networkAddress(cidr)}`;
    }
    return undefined;
}

/** Why `cidr` may not be the VPC's range, or undefined: private (RFC 1918), /16 to /20, a network address. */
export function vpcCidrProblem(cidr: string): string | undefined {
    if (!IPV4_CIDR.test(cidr)) {
        return `${cidr} is not an IPv4 CIDR; allowed: a private block such as 10.0.0.0/16`;
    }
    const block = ipv4Block(cidr);
    if (block.prefix < 16 || block.prefix > 20) {
        return `/${block.prefix} is out of range; allowed: a /16 to /20 block (AWS allows /16 at most; smaller than /20 leaves no room for pods)`;
    }
    if (!PRIVATE_RANGES.some((range) => within(block, range))) {
        return `${cidr} is not a private range: the VPC would take addresses that belong to someone on the internet; allowed: a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`;
    }
    if (hasHostBits(block)) {
        return `${cidr} has host bits set; allowed: the network address, such as ${networkAddress(cidr)}`;
    }
    return undefined;
}

/** True when the app namespace must not be `namespace`: Kubernetes' own, or a controller's. */
export function isReservedNamespace(namespace: string): boolean {
    return (RESERVED_NAMESPACES as readonly string[]).includes(namespace) || isKubernetesNamespace(namespace);
}

/** Kubernetes' own namespaces, which the stack never creates. */
export function isKubernetesNamespace(namespace: string): boolean {
    return namespace === "default" || namespace.startsWith("kube-");
}
