/**
 * The monthly on-demand cost of a stack's billable items (inventory.ts), from a dated price table
 * in the repo (`prices/<region>.json`: the date and source print with every figure). Without a
 * table for the stack's region the plan prints the quantities alone and says so: no figure is
 * ever made up. Free tiers are not subtracted.
 */
import * as fs from "fs";
import * as path from "path";
import type { BillableItem } from "./inventory";

export interface PriceTable {
    readonly region: string;
    /** When the prices were read, `YYYY-MM-DD`. */
    readonly date: string;
    /** Where they were read from, e.g. the AWS Price List Query API. */
    readonly source: string;
    readonly currency: "USD";
    /** Unit prices by BillableItem.priceKey. */
    readonly prices: Readonly<Record<string, number>>;
}

export interface CostLine extends BillableItem {
    /** Undefined when the table has no price for the item. */
    readonly monthly?: number;
}

export interface CostReport {
    readonly region: string;
    readonly lines: readonly CostLine[];
    /** The sum of the priced lines; null without a table. */
    readonly monthlyTotal: number | null;
    /** Price keys the table lacks (the total leaves them out). */
    readonly unpriced: readonly string[];
    readonly table?: Pick<PriceTable, "date" | "source" | "currency">;
    /** Why there is no figure, when there is none. */
    readonly note?: string;
}

export const PRICES_DIR = path.join(__dirname, "..", "..", "prices");

/** Reads and checks `prices/<region>.json`; undefined when there is none. */
export function loadPriceTable(region: string, dir = PRICES_DIR): PriceTable | undefined {
    const file = path.join(dir, `${region}.json`);
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region) || !fs.existsSync(file)) {
        return undefined;
    }
    const table = JSON.parse(fs.readFileSync(file, "utf8")) as PriceTable;
    const wellFormed =
        table.region === region &&
        /^\d{4}-\d{2}-\d{2}$/.test(table.date) &&
        typeof table.source === "string" &&
        table.currency === "USD" &&
        Object.values(table.prices ?? {}).every((price) => typeof price === "number" && price >= 0);
    if (!wellFormed) {
        throw new Error(`${file}: a price table needs region ${region}, date YYYY-MM-DD, source, currency USD and non-negative prices`);
    }
    return table;
}

export function estimate(region: string, items: readonly BillableItem[], table: PriceTable | undefined): CostReport {
    if (table === undefined) {
        return {
            region,
            lines: items,
            monthlyTotal: null,
            unpriced: [...new Set(items.map((item) => item.priceKey))],
            note: `no price table for ${region} in prices/ (AWS's price list was not reachable when this was built): quantities only`,
        };
    }
    const lines = items.map((item): CostLine => {
        const price = table.prices[item.priceKey];
        return price === undefined ? item : { ...item, monthly: Math.round(price * item.quantity * 100) / 100 };
    });
    const unpriced = lines.filter((line) => line.monthly === undefined).map((line) => line.priceKey);
    const monthlyTotal = Math.round(lines.reduce((sum, line) => sum + (line.monthly ?? 0), 0) * 100) / 100;
    return { region, lines, monthlyTotal, unpriced, table: { date: table.date, source: table.source, currency: table.currency } };
}

/** The report as the plan prints it. */
export function renderCost(report: CostReport): string[] {
    if (report.lines.length === 0) {
        return ["Monthly cost in AWS", "  nothing billable: the stack runs on an existing cluster and creates nothing in AWS"];
    }
    const lines = [`Monthly cost, on demand (${report.region})`];
    for (const line of report.lines) {
        const figure = line.monthly === undefined ? "      -" : `$${line.monthly.toFixed(2)}`.padStart(9);
        lines.push(
            `  ${figure}  ${line.item}: ${line.quantity} ${line.unit}${line.quantity === 1 || line.unit === "million requests" ? "" : "s"}${line.assumption === undefined ? "" : ` (assumes ${line.assumption})`}`,
        );
    }
    if (report.table === undefined || report.monthlyTotal === null) {
        lines.push(`  total not estimated: ${report.note ?? "no price table"}`);
    } else {
        lines.push(
            `  $${report.monthlyTotal.toFixed(2)} a month${report.unpriced.length > 0 ? ` without ${report.unpriced.join(", ")} (not in the table)` : ""}; prices of ${report.table.date}, ${report.table.source}; free tiers not subtracted`,
        );
    }
    return lines;
}
