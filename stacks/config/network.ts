/**
 * `eks-canary:network`: the VPC's range, zones and NAT gateways. Every key has a default, so a
 * stack may leave the whole object out.
 */
import { Checker, childKey, Json } from "../checks";
import { IPV4_CIDR, vpcCidrProblem } from "../networks";
import { NAT_STRATEGIES, NatStrategy, NetworkConfig } from "./types";

export function parseNetwork(check: Checker, key: string, value: Json | undefined): NetworkConfig {
    const raw = check.object(key, value, ["cidrBlock", "availabilityZones", "natGateways"]) ?? {};
    let cidrBlock = check.string(childKey(key, "cidrBlock"), raw.cidrBlock, { pattern: IPV4_CIDR, expected: "an IPv4 CIDR such as 10.0.0.0/16" });
    const cidrProblem = cidrBlock === undefined ? undefined : vpcCidrProblem(cidrBlock);
    if (cidrProblem !== undefined) {
        check.report(childKey(key, "cidrBlock"), cidrProblem);
        cidrBlock = undefined;
    }
    return {
        cidrBlock: cidrBlock ?? "10.0.0.0/16",
        availabilityZones: check.integer(childKey(key, "availabilityZones"), raw.availabilityZones, { min: 2, max: 6 }) ?? 3,
        natGateways: (check.string(childKey(key, "natGateways"), raw.natGateways, { oneOf: NAT_STRATEGIES }) as NatStrategy | undefined) ?? "onePerAz",
    };
}
