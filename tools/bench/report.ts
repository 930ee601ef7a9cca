/**
 * What `npm run bench` reports: the JSON document (`--json`), the one table, and the issue's
 * targets checked against the figures. Pure: figures in, text out.
 */
import { RUNTIMES, RuntimeId } from "./runtimes";
import { linearFit, Summary } from "./stats";

import { renderWalks, WalkFigure } from "./walk";
import { isRouterKind, routerPlugin } from "../../infra/routers/registry";

export const REPORT_SCHEMA = "eks-canary-bench/1";

export type MeasurementGroup = "floor" | "evaluation" | "runtime" | "scaling" | "blast" | "build";

export interface Measurement {
    /** Stable key, e.g. `eval:prod`, `runtime:prod:tsx`, `scaling:50`, `blast:alb`. */
    readonly id: string;
    readonly group: MeasurementGroup;
    readonly label: string;
    readonly runtime?: RuntimeId;
    readonly stack?: string;
    /** Canaried services in the stack (scaling rows). */
    readonly services?: number;
    /** Resources registered (custom and component). */
    readonly resources?: number;
    /** Milliseconds from process start to the last resource registered (floor: to the last import). */
    readonly readyMs?: Summary;
    /** Milliseconds from spawn to exit, measured by the parent. */
    readonly wallMs?: Summary;
    readonly maxRssKiB?: Summary;
    readonly samples?: { readonly readyMs: number[]; readonly wallMs: number[]; readonly maxRssKiB: number[] };
    /** Step rows: resources added, removed or changed between the two weights, and which. */
    readonly blastRadius?: number;
    readonly changed?: string[];
    readonly note?: string;
    /** Set when the measurement failed: the first lines of what went wrong. */
    readonly error?: string;
}

export interface Target {
    readonly name: string;
    /** undefined: could not be checked (a measurement it needs failed). */
    readonly met: boolean | undefined;
    readonly detail: string;
}

export interface BenchReport {
    readonly schema: typeof REPORT_SCHEMA;
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly machine: {
        readonly cpus: number;
        readonly cpuModel: string;
        readonly memoryMiB: number;
        readonly node: string;
        readonly platform: string;
        /** 1-minute load averages when the bench started and ended: other work skews the figures. */
        readonly loadAverageStart: number;
        readonly loadAverageEnd: number;
    };
    readonly options: { readonly runs: number; readonly baselineRuns: number; readonly warmupRuns: number };
    /** How Pulumi.yaml makes `pulumi up` load the program. */
    readonly configuredRuntime: RuntimeId | undefined;
    readonly measurements: Measurement[];
    readonly targets: Target[];
    /** The walk simulation: the canary command's walk and Flagger's loop on the same traffic. */
    readonly walks?: WalkFigure[];
}

export function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(2)} s`;
}

function ratio(value: number): string {
    return `${value.toFixed(value >= 10 ? 1 : 2)}×`;
}

function find(measurements: readonly Measurement[], id: string): Measurement | undefined {
    return measurements.find((measurement) => measurement.id === id && measurement.error === undefined);
}

/** The prod evaluation loaded by `runtime`: its comparison row, or the evaluation row when Pulumi.yaml selects it. */
function prodVia(measurements: readonly Measurement[], runtime: RuntimeId): Measurement | undefined {
    return measurements.find(
        (measurement) =>
            measurement.stack === "prod" &&
            measurement.runtime === runtime &&
            (measurement.group === "runtime" || measurement.group === "evaluation") &&
            measurement.error === undefined,
    );
}

/** Checks the issue's "done when" figures. */
export function evaluateTargets(measurements: readonly Measurement[], configured: RuntimeId | undefined): Target[] {
    const targets: Target[] = [];
    const floor = find(measurements, "floor")?.readyMs;
    const prod = find(measurements, "eval:prod")?.readyMs;
    const baseline = prodVia(measurements, "ts-node-check")?.readyMs;
    const how = configured === undefined ? "" : ` (${RUNTIMES[configured].label})`;
    if (floor !== undefined && prod !== undefined) {
        const times = prod.median / floor.median;
        targets.push({
            name: "prod evaluation ≤ 2× the import-only floor",
            met: times <= 2,
            detail: `${ratio(times)}: prod${how} ${seconds(prod.median)} vs floor ${seconds(floor.median)} (medians)`,
        });
    } else {
        targets.push({ name: "prod evaluation ≤ 2× the import-only floor", met: undefined, detail: "not measured (a row failed)" });
    }
    if (baseline !== undefined && prod !== undefined) {
        const faster = baseline.median / prod.median;
        targets.push({
            name: "prod evaluation ≥ 5× faster than ts-node with type checking",
            met: faster >= 5,
            detail: `${ratio(faster)} faster: ${seconds(baseline.median)} → ${seconds(prod.median)} (medians)`,
        });
    } else {
        targets.push({ name: "prod evaluation ≥ 5× faster than ts-node with type checking", met: undefined, detail: "not measured (a row failed)" });
    }
    const scaling = measurements
        .filter((measurement) => measurement.group === "scaling" && measurement.error === undefined && measurement.services !== undefined)
        .sort((a, b) => (a.services as number) - (b.services as number));
    const one = scaling.find((measurement) => measurement.services === 1);
    const fifty = scaling.find((measurement) => measurement.services === 50);
    if (one?.readyMs !== undefined && fifty?.readyMs !== undefined) {
        const times = fifty.readyMs.median / one.readyMs.median;
        targets.push({
            name: "50 canaried services ≤ 3× the time of 1",
            met: times <= 3,
            detail: `${ratio(times)}: ${seconds(fifty.readyMs.median)} vs ${seconds(one.readyMs.median)} (medians)`,
        });
    } else {
        targets.push({ name: "50 canaried services ≤ 3× the time of 1", met: undefined, detail: "not measured (a row failed)" });
    }
    const counted = scaling.filter((measurement) => measurement.resources !== undefined);
    if (counted.length >= 2) {
        const fit = linearFit(
            counted.map((measurement) => measurement.services as number),
            counted.map((measurement) => measurement.resources as number),
        );
        targets.push({
            name: "resource count linear in services",
            met: fit.linear,
            detail: `${counted.map((measurement) => `${measurement.services} → ${measurement.resources}`).join(", ")}${fit.linear ? ` = ${fit.base} + ${fit.perService} per service` : ""}`,
        });
    } else {
        targets.push({ name: "resource count linear in services", met: undefined, detail: "not measured (a row failed)" });
    }
    const blast = measurements.filter((measurement) => measurement.group === "blast");
    // A pod-count router changes both Deployments at a step, the others their one routing resource;
    // and the service's dashboard, whose text shows the weight.
    const expected = (router: string): number => (isRouterKind(router) && routerPlugin(router).splits === "pods" ? 2 : 1) + 1;
    const routers = blast.map((measurement) => measurement.id.slice("blast:".length));
    const failed = blast.some((measurement) => measurement.blastRadius === undefined);
    targets.push({
        name: "step blast radius: 2 for appmesh, alb and lattice; 3 for replicas (with the dashboard)",
        met: blast.length === 0 || failed ? undefined : blast.every((measurement, index) => measurement.blastRadius === expected(routers[index])),
        detail: blast.map((measurement, index) => `${routers[index]} ${measurement.blastRadius ?? "failed"}`).join(", ") || "not measured",
    });
    return targets;
}

/** A Markdown table with padded columns: readable in a terminal, pastable into the docs. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string {
    const widths = headers.map((header, column) => Math.max(header.length, 3, ...rows.map((row) => (row[column] ?? "").length)));
    const cell = (text: string, column: number): string => (rightAligned.includes(column) ? text.padStart(widths[column]) : text.padEnd(widths[column]));
    const line = (cells: readonly string[]): string => `| ${headers.map((_, column) => cell(cells[column] ?? "", column)).join(" | ")} |`;
    const rule = `|${widths.map((width, column) => (rightAligned.includes(column) ? `${"-".repeat(width + 1)}:` : "-".repeat(width + 2))).join("|")}|`;
    return [line(headers), rule, ...rows.map(line)].join("\n");
}

const HEADERS = ["Measurement", "Loaded by", "Resources", "Median", "Min – max", "× floor", "Peak RSS", "Notes"];
const RIGHT = [2, 3, 4, 5, 6];

function mib(kib: number): string {
    return `${Math.round(kib / 1024)} MiB`;
}

/** The rows of the one table, in the order the measurements were taken. */
export function tableRows(report: Pick<BenchReport, "measurements">): string[][] {
    const floor = find(report.measurements, "floor")?.readyMs?.median;
    const baseline = prodVia(report.measurements, "ts-node-check")?.readyMs?.median;
    const oneService = report.measurements.find((measurement) => measurement.id === "scaling:1")?.readyMs?.median;
    return report.measurements.map((measurement) => {
        const loadedBy = measurement.runtime === undefined ? (measurement.group === "build" ? "tsc" : "node") : RUNTIMES[measurement.runtime].label;
        if (measurement.error !== undefined) {
            return [measurement.label, loadedBy, "", "", "", "", "", `FAILED: ${measurement.error.split("\n")[0]}`];
        }
        if (measurement.group === "blast") {
            return [measurement.label, loadedBy, `${measurement.blastRadius} changed`, "", "", "", "", (measurement.changed ?? []).join("; ")];
        }
        const time = measurement.readyMs;
        const notes: string[] = [];
        if (measurement.note !== undefined) {
            notes.push(measurement.note);
        }
        if (time !== undefined && baseline !== undefined && measurement.stack === "prod" && measurement.runtime !== "ts-node-check" && measurement.group !== "scaling") {
            notes.push(`${ratio(baseline / time.median)} faster than ts-node type-checked`);
        }
        if (time !== undefined && oneService !== undefined && measurement.group === "scaling") {
            notes.push(`${ratio(time.median / oneService)} the time of 1 service`);
        }
        if (time !== undefined && time.runs < 5) {
            notes.push(`${time.runs} run${time.runs === 1 ? "" : "s"}`);
        }
        return [
            measurement.label,
            loadedBy,
            measurement.resources === undefined ? "" : String(measurement.resources),
            time === undefined ? "" : seconds(time.median),
            time === undefined || time.runs < 2 ? "" : `${seconds(time.min)} – ${seconds(time.max)}`,
            time === undefined || floor === undefined || measurement.group === "build" ? "" : ratio(time.median / floor),
            measurement.maxRssKiB === undefined ? "" : mib(measurement.maxRssKiB.median),
            notes.join("; "),
        ];
    });
}

export function renderReport(report: BenchReport): string {
    const mark = (met: boolean | undefined): string => (met === undefined ? "??" : met ? "ok" : "NOT MET");
    const machine = report.machine;
    return [
        renderTable(HEADERS, tableRows(report), RIGHT),
        "",
        `Times: process start → last resource registered (floor: → last SDK import), median of ${report.options.runs} runs after ${report.options.warmupRuns} warm-up, each in a fresh Node process; ts-node type-checked: ${report.options.baselineRuns} runs.`,
        `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryMiB} MiB, Node ${machine.node} (${machine.platform}); load average ${machine.loadAverageStart.toFixed(2)} at start, ${machine.loadAverageEnd.toFixed(2)} at end.`,
        "",
        "Targets (issue 6):",
        ...report.targets.map((target) => `  [${mark(target.met)}] ${target.name}: ${target.detail}`),
        ...(report.walks === undefined ? [] : ["", ...renderWalks(report.walks)]),
    ].join("\n");
}
