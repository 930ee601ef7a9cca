/**
 * What a stack bills each month, as quantities: the billable items of its offline plan and of the
 * parts of its config the plan cannot show (the packaged VPC and EKS components create their
 * NAT gateways and control plane on deploy). Pure: prices are estimate.ts's.
 */
import { asRecord, at, list } from "../../infra/props";
import { RESOURCE_TYPES } from "../../infra/resource-types";
import type { StackConfig } from "../../stacks/config";
import type { DeclaredResource } from "../offline";

/** Hours AWS bills in a month (the price pages' 730). */
export const HOURS_PER_MONTH = 730;

/** One line of the inventory: `quantity` of `unit` a month, priced by `priceKey` in a region's table. */
export interface BillableItem {
    /** What it is, for a person: `2 × t3.large nodes`. */
    readonly item: string;
    /** The key of its unit price in a price table, e.g. `ec2.t3.large.hour`. */
    readonly priceKey: string;
    readonly quantity: number;
    readonly unit: "hour" | "GB-month" | "item-month" | "LCU-hour" | "million requests";
    /** What the quantity assumes, for usage-priced items (requests, capacity units). */
    readonly assumption?: string;
}

const hours = (count: number): number => count * HOURS_PER_MONTH;

function ofType(resources: readonly DeclaredResource[], type: string): DeclaredResource[] {
    return resources.filter((resource) => resource.type === type);
}

/** ALBs: each Ingress of class alb outside an IngressGroup is a load balancer of its own. */
function loadBalancers(resources: readonly DeclaredResource[]): { internetFacing: number; internal: number } {
    const albs = ofType(resources, RESOURCE_TYPES.ingress).filter((ingress) => at(ingress.inputs, "spec.ingressClassName") === "alb");
    const scheme = (ingress: DeclaredResource): unknown => asRecord(at(ingress.inputs, "metadata.annotations"))["alb.ingress.kubernetes.io/scheme"];
    const internetFacing = albs.filter((ingress) => scheme(ingress) === "internet-facing").length;
    return { internetFacing, internal: albs.length - internetFacing };
}

/** The billable items of a stack on EKS; none on an existing cluster (the stack creates nothing in AWS). */
export function billableItems(config: StackConfig, resources: readonly DeclaredResource[]): BillableItem[] {
    if (config.target !== "eks") {
        return [];
    }
    const items: BillableItem[] = [];
    const { cluster, network, database } = config;
    items.push({ item: "EKS control plane (standard support)", priceKey: "eks.cluster.hour", quantity: hours(1), unit: "hour" });
    const nodeType = cluster.instanceTypes[0];
    items.push({
        item: `${cluster.nodes.desired} × ${nodeType} nodes`,
        priceKey: `ec2.${nodeType}.hour`,
        quantity: hours(cluster.nodes.desired),
        unit: "hour",
        assumption: `the node group's desired size, on demand, Linux${cluster.instanceTypes.length > 1 ? `; ${cluster.instanceTypes.slice(1).join(", ")} priced as ${nodeType}` : ""}`,
    });
    items.push({
        item: `${cluster.nodes.desired} × ${cluster.nodeDiskGiB} GiB gp3 node volumes`,
        priceKey: "ebs.gp3.gb-month",
        quantity: cluster.nodes.desired * cluster.nodeDiskGiB,
        unit: "GB-month",
    });
    const nat = network.natGateways === "single" ? 1 : network.availabilityZones;
    items.push({ item: `${nat} NAT gateway${nat === 1 ? "" : "s"}`, priceKey: "vpc.nat-gateway.hour", quantity: hours(nat), unit: "hour" });
    const albs = loadBalancers(resources);
    // A NAT gateway's Elastic IP, and an internet-facing ALB's address in each zone, are public IPv4 addresses.
    const publicIps = nat + albs.internetFacing * network.availabilityZones;
    items.push({
        item: `${publicIps} public IPv4 addresses (NAT gateways, internet-facing ALB nodes)`,
        priceKey: "vpc.public-ipv4.hour",
        quantity: hours(publicIps),
        unit: "hour",
    });
    const albCount = albs.internetFacing + albs.internal;
    if (albCount > 0) {
        items.push({
            item: `${albCount} ALB${albCount === 1 ? "" : "s"} (${albs.internetFacing} internet-facing, ${albs.internal} internal)`,
            priceKey: "elb.alb.hour",
            quantity: hours(albCount),
            unit: "hour",
        });
        items.push({
            item: "ALB capacity units",
            priceKey: "elb.alb.lcu-hour",
            quantity: hours(albCount),
            unit: "LCU-hour",
            assumption: "1 LCU per ALB all month (light traffic)",
        });
    }
    const rds = ofType(resources, RESOURCE_TYPES.rdsInstance)[0];
    if (rds !== undefined) {
        const deployment = database.multiAz ? "multi-az" : "single-az";
        items.push({
            item: `RDS MySQL ${database.instanceClass} (${deployment})`,
            priceKey: `rds.mysql.${database.instanceClass}.${deployment}.hour`,
            quantity: hours(1),
            unit: "hour",
        });
        items.push({
            item: `RDS ${database.allocatedStorageGiB} GiB gp3 (${deployment})`,
            priceKey: `rds.gp3.${deployment}.gb-month`,
            quantity: database.allocatedStorageGiB,
            unit: "GB-month",
        });
    }
    // An HTTPRoute on a Gateway (not a Service, as a mesh's) is a VPC Lattice service.
    const lattice = ofType(resources, RESOURCE_TYPES.httpRoute).filter((route) =>
        list(at(route.inputs, "spec.parentRefs")).some((ref) => at(ref, "kind") === undefined || at(ref, "kind") === "Gateway"),
    );
    if (lattice.length > 0) {
        items.push({
            item: `${lattice.length} VPC Lattice service${lattice.length === 1 ? "" : "s"}`,
            priceKey: "lattice.service.hour",
            quantity: hours(lattice.length),
            unit: "hour",
        });
        items.push({
            item: "VPC Lattice requests",
            priceKey: "lattice.requests.million",
            quantity: lattice.length,
            unit: "million requests",
            assumption: "1 million requests per service a month",
        });
    }
    const count = (type: string): number => ofType(resources, type).length;
    for (const [type, item, priceKey] of [
        [RESOURCE_TYPES.metricAlarm, "CloudWatch alarm", "cloudwatch.alarm.month"],
        [RESOURCE_TYPES.dashboard, "CloudWatch dashboard", "cloudwatch.dashboard.month"],
        [RESOURCE_TYPES.kmsKey, "KMS key", "kms.key.month"],
        [RESOURCE_TYPES.hostedZone, "Route 53 hosted zone", "route53.zone.month"],
    ] as const) {
        const n = count(type);
        if (n > 0) {
            items.push({ item: `${n} ${item}${n === 1 ? "" : "s"}`, priceKey, quantity: n, unit: "item-month" });
        }
    }
    return items;
}
