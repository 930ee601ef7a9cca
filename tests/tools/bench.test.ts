/**
 * The pure parts of `npm run bench`: the statistics, the generated scaling stacks, the table, the
 * targets, how each runtime is launched and which one Pulumi.yaml selects. Nothing here is timed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../../stacks/config";
import { parseBenchArgs, UsageError } from "../../tools/bench";
import { RESULT_PREFIX } from "../../tools/bench/child";
import { RESULT_PREFIX as PROBE_PREFIX } from "../../tools/bench/probe";
import { evaluateTargets, Measurement, renderTable, tableRows } from "../../tools/bench/report";
import { childCommand, ProjectRuntime, RUNTIME_IDS, runtimeOfProject } from "../../tools/bench/runtimes";
import { SCALING_SERVICES } from "../../tools/bench/run";
import { serviceName, withServices } from "../../tools/bench/scaling";
import { linearFit, median, summarize } from "../../tools/bench/stats";
import { readStackFile, REPO_ROOT } from "../../tools/stackfile";

describe("statistics", () => {
    it("takes the middle value, or the mean of the two middle ones", () => {
        expect(median([3, 1, 2])).toBe(2);
        expect(median([4, 1, 3, 2])).toBe(2.5);
        expect(median([7])).toBe(7);
    });

    it("summarizes without reordering the samples it was given", () => {
        const samples = [1200, 900, 1000, 1500, 950];
        expect(summarize(samples)).toEqual({ median: 1000, min: 900, max: 1500, runs: 5 });
        expect(samples).toEqual([1200, 900, 1000, 1500, 950]);
    });

    it("refuses no samples and non-numbers", () => {
        expect(() => summarize([])).toThrow("no samples");
        expect(() => median([1, Number.NaN])).toThrow("finite");
    });

    it("recognizes a count that grows by the same number per service", () => {
        expect(linearFit([1, 10, 50], [87, 204, 724])).toEqual({ linear: true, base: 74, perService: 13 });
        expect(linearFit([1, 10, 50], [87, 204, 730]).linear).toBe(false);
    });
});

describe("generated scaling stacks", () => {
    const dev = readStackFile("dev").config;

    it.each(SCALING_SERVICES.map((count) => [count]))("%i services parse as that many canaried services", (count) => {
        const config = parseStackConfig(withServices(dev, count), "dev");
        expect(config.services.map((service) => service.name)).toEqual(Array.from({ length: count }, (_, index) => serviceName(index + 1)));
        expect(config.services.every((service) => service.canary !== undefined)).toBe(true);
        expect(config.usermgmt.calls).toBe("svc-1");
        expect(new Set(config.services.map((service) => service.tracingName)).size).toBe(count);
    });

    it("copies the template service's shape", () => {
        const template = parseStackConfig(dev, "dev").services[0];
        const [copy] = parseStackConfig(withServices(dev, 1), "dev").services;
        expect({ ...copy, name: template.name, tracingName: template.tracingName }).toEqual(template);
    });

    it("leaves the rest of the config and its input alone", () => {
        const before = JSON.stringify(dev);
        const generated = withServices(dev, 3);
        expect(JSON.stringify(dev)).toBe(before);
        for (const key of Object.keys(dev).filter((key) => !key.endsWith(":services") && !key.endsWith(":usermgmt"))) {
            expect(generated[key], key).toBe(dev[key]);
        }
    });

    it("refuses a count that is not a positive integer", () => {
        expect(() => withServices(dev, 0)).toThrow("positive integer");
        expect(() => withServices(dev, 1.5)).toThrow("positive integer");
    });
});

describe("the table", () => {
    it("pads columns and right-aligns the numeric ones", () => {
        const table = renderTable(
            ["Name", "Time"],
            [
                ["floor", "0.78 s"],
                ["prod", "12.50 s"],
            ],
            [1],
        );
        expect(table.split("\n")).toEqual(["| Name  |    Time |", "|-------|--------:|", "| floor |  0.78 s |", "| prod  | 12.50 s |"]);
    });

    const timed = (id: string, medianMs: number, extra: Partial<Measurement> = {}): Measurement => ({
        id,
        group: "evaluation",
        label: id,
        readyMs: { median: medianMs, min: medianMs - 10, max: medianMs + 10, runs: 5 },
        maxRssKiB: { median: 200 * 1024, min: 200 * 1024, max: 200 * 1024, runs: 5 },
        ...extra,
    });
    const measurements: Measurement[] = [
        timed("floor", 800, { group: "floor" }),
        timed("eval:prod", 1000, { runtime: "js", stack: "prod", resources: 72 }),
        timed("runtime:prod:ts-node-check", 10000, { group: "runtime", runtime: "ts-node-check", stack: "prod", resources: 72 }),
        timed("scaling:1", 1000, { group: "scaling", runtime: "js", services: 1, resources: 87 }),
        timed("scaling:10", 1200, { group: "scaling", runtime: "js", services: 10, resources: 204 }),
        timed("scaling:50", 2000, { group: "scaling", runtime: "js", services: 50, resources: 724 }),
        {
            id: "blast:alb",
            group: "blast",
            label: "step alb",
            runtime: "js",
            blastRadius: 2,
            changed: ["~ Dashboard notification-monitor-dashboard", "~ Ingress notification-canary"],
        },
        { id: "blast:replicas", group: "blast", label: "step replicas", runtime: "js", blastRadius: 3, changed: [] },
        { id: "runtime:prod:tsx", group: "runtime", label: "prod tsx", runtime: "tsx", stack: "prod", error: "exit 1: boom\nmore" },
    ];

    it("shows ratios to the floor, to the baseline and to one service, and failures", () => {
        const rows = tableRows({ measurements });
        const row = (label: string): string[] => rows.find((cells) => cells[0] === label) as string[];
        expect(row("eval:prod").slice(2, 7)).toEqual(["72", "1.00 s", "0.99 s – 1.01 s", "1.25×", "200 MiB"]);
        expect(row("eval:prod")[7]).toContain("10.0× faster than ts-node type-checked");
        expect(row("scaling:50")[7]).toContain("2.00× the time of 1 service");
        expect(row("step alb")[2]).toBe("2 changed");
        expect(row("prod tsx")[7]).toBe("FAILED: exit 1: boom");
    });

    it("checks the issue's targets", () => {
        const targets = evaluateTargets(measurements, "js");
        expect(targets.map((target) => target.met)).toEqual([true, true, true, true, true]);
        expect(targets[3].detail).toContain("= 74 + 13 per service");
        const slow = evaluateTargets(
            measurements.map((measurement) => (measurement.id === "eval:prod" ? timed("eval:prod", 2500, { runtime: "js", stack: "prod" }) : measurement)),
            "js",
        );
        expect(slow[0]).toMatchObject({ met: false, detail: expect.stringContaining("3.13×") });
        expect(slow[1].met).toBe(false);
    });

    it("cannot check a target whose measurement failed", () => {
        const targets = evaluateTargets(
            measurements.filter((measurement) => measurement.id !== "floor"),
            "js",
        );
        expect(targets[0].met).toBeUndefined();
    });
});

describe("runtimes", () => {
    const entries = { ts: "/repo/tools/bench/probe.ts", js: "/repo/build/tools/bench/probe.js" };

    it("loads the probe with a plain require, as Pulumi's runner loads main", () => {
        for (const runtime of RUNTIME_IDS) {
            const { args } = childCommand(runtime, entries);
            const code = args[args.length - 1];
            expect(args[args.length - 2]).toBe("-e");
            expect(code.trimEnd().endsWith(`require(${JSON.stringify(runtime === "js" ? entries.js : entries.ts)});`), runtime).toBe(true);
        }
        expect(childCommand("tsx", entries).args.slice(0, 2)).toEqual(["--require", "tsx/cjs"]);
        expect(childCommand("ts-node-check", entries).args[1]).toContain("transpileOnly: false");
        expect(childCommand("ts-node-transpile", entries).args[1]).toContain("transpileOnly: true");
    });

    it.each<[string, ProjectRuntime, string | undefined]>([
        ["Pulumi's default", { runtime: "nodejs", main: "stacks/index.ts" }, "ts-node-check"],
        ["typescript true", { runtime: { name: "nodejs", options: { typescript: true } } }, "ts-node-check"],
        ["compiled main", { runtime: { name: "nodejs", options: { typescript: false } }, main: "bin/stacks/index.js" }, "js"],
        ["tsx through nodeargs", { runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--require tsx/cjs" } }, main: "stacks/index.ts" }, "tsx"],
        ["tsx imported", { runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } }, main: "stacks/index.ts" }, "tsx"],
        ["TypeScript without a loader", { runtime: { name: "nodejs", options: { typescript: false } }, main: "stacks/index.ts" }, undefined],
    ])("reads %s from Pulumi.yaml", (_, project, expected) => {
        expect(runtimeOfProject(project)).toBe(expected);
    });

    it("reads the line the probe prints", () => {
        expect(RESULT_PREFIX).toBe(PROBE_PREFIX);
    });

    it("knows how this project's Pulumi.yaml loads the program", () => {
        const project = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as ProjectRuntime;
        expect(runtimeOfProject(project)).toBeDefined();
    });
});

describe("arguments", () => {
    it("defaults to 5 runs and 3 baseline runs, printing a table", () => {
        expect(parseBenchArgs([])).toEqual({ runs: 5, baselineRuns: 3, json: false, out: undefined, walksOnly: false, help: false });
    });

    it("reads counts, --json and --out", () => {
        expect(parseBenchArgs(["--runs", "7", "--baseline-runs=2", "--json", "--out", "bench.json", "--walks-only"])).toEqual({
            runs: 7,
            baselineRuns: 2,
            json: true,
            out: "bench.json",
            walksOnly: true,
            help: false,
        });
    });

    it("refuses an --out it could not write, before the run", () => {
        expect(() => parseBenchArgs(["--out", "/nonexistent/x.json"])).toThrow("--out /nonexistent/x.json: cannot write a file there");
        expect(() => parseBenchArgs(["--out", "tests"])).toThrow("cannot write a file there");
    });

    it.each([["--runs", "0"], ["--runs", "x"], ["--runs"], ["--nope"]])("refuses %s %s", (...argv) => {
        expect(() => parseBenchArgs(argv)).toThrow(UsageError);
    });
});
