/** The offline plan's monthly cost: the billable items of a stack, and their price where the repo has a table for its region. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { estimate, loadPriceTable, PriceTable, renderCost } from "../../tools/cost/estimate";
import { billableItems, BillableItem } from "../../tools/cost/inventory";
import { main } from "../../tools/plan";
import { parseStackConfig } from "../../stacks/config";
import { readStackFile } from "../../tools/stackfile";
import { planStack } from "../helpers";

async function itemsOf(stack: string, overrides: string[] = []): Promise<BillableItem[]> {
    const plan = await planStack(stack, overrides);
    return billableItems(parseStackConfig(readStackFile(stack, overrides).config, stack), plan.resources);
}

const quantity = (items: readonly BillableItem[], key: string): number | undefined => items.find((item) => item.priceKey === key)?.quantity;

describe("billable items", () => {
    it("prod: three NAT gateways (one per zone), three m6i.large nodes, a Multi-AZ database, the public and the alb router's internal ALB", async () => {
        const items = await itemsOf("prod");
        expect(quantity(items, "eks.cluster.hour")).toBe(730);
        expect(quantity(items, "vpc.nat-gateway.hour")).toBe(3 * 730);
        expect(quantity(items, "ec2.m6i.large.hour")).toBe(3 * 730);
        expect(quantity(items, "rds.mysql.db.t4g.medium.multi-az.hour")).toBe(730);
        expect(quantity(items, "rds.gp3.multi-az.gb-month")).toBe(50);
        expect(items.find((item) => item.priceKey === "elb.alb.hour")?.item).toBe("2 ALBs (1 internet-facing, 1 internal)");
        // Three NAT addresses and the public ALB's address in each of three zones.
        expect(quantity(items, "vpc.public-ipv4.hour")).toBe(6 * 730);
    });

    it("dev: one NAT gateway, and the lattice router's VPC Lattice service with its usage assumption", async () => {
        const items = await itemsOf("dev");
        expect(quantity(items, "vpc.nat-gateway.hour")).toBe(730);
        expect(items.find((item) => item.priceKey === "lattice.requests.million")).toMatchObject({ quantity: 1, assumption: "1 million requests per service a month" });
        expect(quantity(items, "lattice.service.hour")).toBe(730);
    });

    it("compares the routers for one canaried service: an internal ALB (alb), a Lattice service (lattice), nothing in AWS (replicas, linkerd)", async () => {
        // The replicas router needs a pod total that carries prod's schedule (0, 10, 25, 50, 100).
        const REPLICAS = ["services.notification.replicas=20"];
        const albs = async (router: string) => quantity(await itemsOf("prod", [`router=${router}`, ...REPLICAS]), "elb.alb.hour");
        expect(await albs("alb")).toBe(2 * 730);
        expect(await albs("replicas")).toBe(730);
        expect(await albs("linkerd")).toBe(730);
        expect(quantity(await itemsOf("prod", ["router=replicas", ...REPLICAS]), "lattice.service.hour")).toBeUndefined();
        expect(quantity(await itemsOf("prod", ["router=lattice"]), "lattice.service.hour")).toBe(730);
    });

    it("follows the config: nodes and NAT gateways", async () => {
        const items = await itemsOf("prod", ["cluster.nodes.desired=5", "cluster.nodes.max=6", "network.natGateways=single"]);
        expect(quantity(items, "ec2.m6i.large.hour")).toBe(5 * 730);
        expect(quantity(items, "vpc.nat-gateway.hour")).toBe(730);
    });
});

describe("the estimate", () => {
    const items: BillableItem[] = [
        { item: "EKS control plane", priceKey: "eks.cluster.hour", quantity: 730, unit: "hour" },
        { item: "2 nodes", priceKey: "ec2.t3.large.hour", quantity: 1460, unit: "hour" },
    ];
    // A fixture table: the arithmetic, not real prices.
    const table: PriceTable = { region: "eu-west-1", date: "2026-01-01", source: "fixture", currency: "USD", prices: { "eks.cluster.hour": 0.1, "ec2.t3.large.hour": 0.05 } };

    it("prices each line and sums them, printing the table's date and source", () => {
        const report = estimate("eu-west-1", items, table);
        expect(report.lines.map((line) => line.monthly)).toEqual([73, 73]);
        expect(report.monthlyTotal).toBe(146);
        expect(renderCost(report).at(-1)).toBe("  $146.00 a month; prices of 2026-01-01, fixture; free tiers not subtracted");
    });

    it("leaves a price the table lacks out of the total, and names it", () => {
        const report = estimate("eu-west-1", items, { ...table, prices: { "eks.cluster.hour": 0.1 } });
        expect(report.monthlyTotal).toBe(73);
        expect(report.unpriced).toEqual(["ec2.t3.large.hour"]);
        expect(renderCost(report).at(-1)).toContain("without ec2.t3.large.hour (not in the table)");
    });

    it("without a table prints quantities and no figure", () => {
        const report = estimate("eu-west-1", items, undefined);
        expect(report.monthlyTotal).toBeNull();
        expect(renderCost(report).at(-1)).toBe(
            "  total not estimated: no price table for eu-west-1 in prices/ (AWS's price list was not reachable when this was built): quantities only",
        );
    });

    it("reads a region's table, and refuses a malformed one", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-"));
        fs.writeFileSync(path.join(dir, "eu-west-1.json"), JSON.stringify(table));
        expect(loadPriceTable("eu-west-1", dir)).toEqual(table);
        expect(loadPriceTable("us-east-1", dir)).toBeUndefined();
        fs.writeFileSync(path.join(dir, "eu-west-1.json"), JSON.stringify({ ...table, prices: { "eks.cluster.hour": -1 } }));
        expect(() => loadPriceTable("eu-west-1", dir)).toThrow("a price table needs region eu-west-1, date YYYY-MM-DD, source, currency USD and non-negative prices");
    });
});

describe("the plan prints it", () => {
    it("in text and as `cost` in the JSON document, for dev and prod", async () => {
        for (const stack of ["dev", "prod"]) {
            const out: string[] = [];
            expect(await main(["--stack", stack], { out: (text) => out.push(text), err: () => undefined })).toBe(0);
            expect(out.join("\n")).toContain("Monthly cost, on demand (eu-west-1)");
            const json: string[] = [];
            await main(["--stack", stack, "--json"], { out: (text) => json.push(text), err: () => undefined });
            const cost = (JSON.parse(json.join("\n")) as { cost: { region: string; monthlyTotal: unknown; lines: unknown[] } }).cost;
            expect(cost.region).toBe("eu-west-1");
            expect(cost.monthlyTotal).toBeNull();
            expect(cost.lines.length).toBeGreaterThan(5);
        }
    });
});
