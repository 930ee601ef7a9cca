import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { CanaryDeps, main, parseArgs } from "../tools/canary";
import type { MetricSource } from "../tools/canary/metrics";
import { CloudWatchMetricSource, healthFromResults, metricQuery, resolveTarget } from "../tools/canary/metrics";
import { Health, parseDuration, stateFromConfig, planStep } from "../tools/canary/schedule";
import { findOnPath, PULUMI_INSTALL_URL, stackFileDriver, StackDriver } from "../tools/canary/stack";

const CANARY_IMAGE = "stacksimplify/kube-notifications-microservice:4.0.0-AWS-XRay";
const STABLE_IMAGE = "stacksimplify/kube-notifications-microservice:3.0.0-AWS-XRay";

interface StackOptions {
    router?: string;
    steps?: number[] | undefined;
    weight?: number | undefined;
    canary?: boolean;
    replicas?: number;
    mode?: "manual" | "automated";
    outputs?: Record<string, unknown>;
    upFails?: (message: string) => boolean;
}

/** A stack double: config in memory, every call recorded in order in `log`. */
function fakeStack(options: StackOptions = {}) {
    const log: string[] = [];
    const notification: Record<string, unknown> = {
        port: 8096,
        healthPath: "/notification/health-status",
        replicas: options.replicas ?? 2,
        stable: { image: STABLE_IMAGE },
        ...(options.mode === undefined ? {} : { mode: options.mode }),
    };
    if (options.canary !== false) {
        notification.canary = { image: CANARY_IMAGE, ...(options.weight === undefined ? {} : { weight: options.weight }) };
    }
    const config: Record<string, string> = {
        "aws:region": "eu-west-1",
        "eks-canary:router": options.router ?? "alb",
        "eks-canary:services": JSON.stringify({ notification }),
    };
    if (options.steps !== undefined) {
        config["eks-canary:canary"] = JSON.stringify({ steps: options.steps });
    }
    const driver = {
        readConfig: vi.fn(async () => ({ ...config })),
        setConfig: vi.fn(async (key: string, value: string) => {
            log.push(`set ${key}=${value}`);
        }),
        removeConfig: vi.fn(async (key: string) => {
            log.push(`rm ${key}`);
        }),
        up: vi.fn(async (message: string, onOutput: (text: string) => void) => {
            log.push(`up ${message}`);
            onOutput("Updating (dev)\n");
            if (options.upFails?.(message) === true) {
                throw new Error("code: 255\n stderr: error: update failed");
            }
        }),
        outputs: vi.fn(async () => options.outputs ?? { canaryMetrics: { notification: { targetGroup: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-v2/0123456789abcdef", loadBalancer: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/k8s-notif/fedcba9876543210" } } }),
    } satisfies StackDriver;
    return { driver, log, config };
}

function fakeClock(start = Date.UTC(2026, 0, 1)) {
    let now = start;
    return {
        now: vi.fn(() => now),
        sleep: vi.fn(async (ms: number) => {
            now += ms;
        }),
        elapsed: () => now - start,
    };
}

const healthy: Health = { kind: "ok", requests: 1000, errors5xx: 1, errorRate5xx: 0.001, p99Ms: 250 };

function fakeMetrics(health: Health | ((call: number) => Health)): MetricSource & { canaryHealth: ReturnType<typeof vi.fn> } {
    let calls = 0;
    return {
        description: "fake CloudWatch",
        canaryHealth: vi.fn(async () => {
            calls++;
            return typeof health === "function" ? health(calls) : health;
        }),
    };
}

interface Run {
    code: number;
    out: string;
    err: string;
}

async function canary(argv: string[], overrides: Partial<CanaryDeps> & { stack?: StackDriver; metrics?: MetricSource } = {}): Promise<Run & { deps: CanaryDeps }> {
    const out: string[] = [];
    const err: string[] = [];
    const stack = overrides.stack ?? fakeStack().driver;
    const metrics = overrides.metrics ?? fakeMetrics(healthy);
    const deps: CanaryDeps = {
        io: { out: (text) => out.push(text), err: (text) => err.push(text) },
        clock: fakeClock(),
        findPulumi: vi.fn(() => "/usr/local/bin/pulumi"),
        openStack: vi.fn(async () => stack),
        stackFile: vi.fn((name: string) => stackFileDriver(name)),
        metricSource: vi.fn(async () => metrics),
        offlineOutputs: vi.fn(async () => ({})),
        progressEveryMs: 30_000,
        ...overrides,
    };
    const code = await main(argv, deps);
    return { code, out: out.join("\n"), err: err.join("\n"), deps };
}

describe("canary step", () => {
    it("sets the next weight of the stack's schedule, then runs pulumi up with a message naming the step", async () => {
        const { driver, log } = fakeStack({ steps: [0, 10, 25, 50, 100], weight: 10 });
        const run = await canary(["step", "--stack", "prod"], { stack: driver });
        expect(run.code).toBe(0);
        expect(log).toEqual(["set eks-canary:services.notification.canary.weight=25", "up canary: notification 10% -> 25% (step 2/4)"]);
        expect(run.out).toContain("pulumi config set --path 'services.notification.canary.weight' 25");
    });

    it("walks the default schedule 0, 25, 50, 75, 100 when the stack has none", async () => {
        const { driver, log } = fakeStack({ steps: undefined, weight: 0 });
        expect((await canary(["step", "--stack", "dev"], { stack: driver })).code).toBe(0);
        expect(log).toEqual(["set eks-canary:services.notification.canary.weight=25", "up canary: notification 0% -> 25% (step 1/4)"]);
    });

    it("sets --to N when N is on the schedule", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 25 });
        expect((await canary(["step", "--stack", "dev", "--service", "notification", "--to", "75"], { stack: driver })).code).toBe(0);
        expect(log).toEqual(["set eks-canary:services.notification.canary.weight=75", "up canary: notification 25% -> 75% (step 3/4)"]);
    });

    it("refuses a weight off the schedule, and changes nothing", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 25 });
        const run = await canary(["step", "--stack", "dev", "--to", "30"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("--to 30 is not a step of the schedule (eks-canary:canary.steps); allowed: 0, 25, 50, 75, 100");
        expect(log).toEqual([]);
    });

    it("refuses a weight the replicas router cannot express with the pod count", async () => {
        const { driver, log } = fakeStack({ router: "replicas", steps: undefined, weight: 0, replicas: 4 });
        const run = await canary(["step", "--stack", "dev", "--to", "30"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("30% cannot be expressed with 4 replicas");
        expect(log).toEqual([]);
    });

    it("refuses to step past the last weight: the canary is at 100, promote it", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 100 });
        const run = await canary(["step", "--stack", "dev"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("already at 100%, the last step of the schedule");
        expect(run.err).toContain("promote");
        expect(log).toEqual([]);
    });

    it("refuses a service without a canary block, saying how to start one", async () => {
        const { driver, log } = fakeStack({ canary: false });
        const run = await canary(["step", "--stack", "dev"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("notification has no canary to step");
        expect(run.err).toContain("services.notification.canary.image");
        expect(log).toEqual([]);
    });

    it("refuses an unknown service and lists the stack's services", async () => {
        const { driver, log } = fakeStack({ weight: 25 });
        const run = await canary(["step", "--stack", "dev", "--service", "billing"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toBe('unknown service "billing"; services of this stack: notification');
        expect(log).toEqual([]);
    });

    it("reports a failed pulumi up without a stack trace, exit 1", async () => {
        const { driver } = fakeStack({ weight: 25, upFails: () => true });
        const run = await canary(["step", "--stack", "dev"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("pulumi up failed: code: 255");
        expect(run.err).not.toMatch(/\n\s+at /);
    });
});

describe("a service Flagger drives", () => {
    it.each([["step"], ["promote"], ["rollback"], ["run"]])("refuses %s, changes nothing and says why", async (command) => {
        const { driver, log } = fakeStack({ router: "lattice", mode: "automated", weight: 0 });
        const run = await canary([command, "--stack", "dev"], { stack: driver });
        expect(run.code).not.toBe(0);
        expect(run.err).toContain("service notification is in automated mode: Flagger moves its weight");
        expect(log).toEqual([]);
    });
});

describe("canary promote and rollback", () => {
    it("promote: the stable image takes the canary's, the canary block goes, then pulumi up", async () => {
        const { driver, log } = fakeStack({ weight: 100 });
        const run = await canary(["promote", "--stack", "dev"], { stack: driver });
        expect(run.code).toBe(0);
        expect(log).toEqual([
            `set eks-canary:services.notification.stable.image=${CANARY_IMAGE}`,
            "rm eks-canary:services.notification.canary",
            `up canary: promote notification to ${CANARY_IMAGE} (canary was at 100%)`,
        ]);
    });

    it("promote without a canary block is refused", async () => {
        const { driver, log } = fakeStack({ canary: false });
        const run = await canary(["promote", "--stack", "dev"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("notification has no canary to promote");
        expect(log).toEqual([]);
    });

    it("rollback: the weight to 0, then pulumi up", async () => {
        const { driver, log } = fakeStack({ weight: 50 });
        expect((await canary(["rollback", "--stack", "dev"], { stack: driver })).code).toBe(0);
        expect(log).toEqual(["set eks-canary:services.notification.canary.weight=0", "up canary: rollback notification 50% -> 0%"]);
    });

    it("rollback at 0% changes nothing", async () => {
        const { driver, log } = fakeStack({ weight: 0 });
        const run = await canary(["rollback", "--stack", "dev"], { stack: driver });
        expect(run.code).toBe(0);
        expect(run.out).toContain("already at 0%");
        expect(log).toEqual([]);
    });
});

describe("canary run", () => {
    const options = ["run", "--stack", "prod", "--bake", "2m"];

    it("walks the schedule: set, up, bake, check at each weight; stops at 100 without promoting", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 50 });
        const metrics = fakeMetrics(healthy);
        const clock = fakeClock();
        const run = await canary(options, { stack: driver, metrics, clock });
        expect(run.code).toBe(0);
        expect(log).toEqual([
            "set eks-canary:services.notification.canary.weight=75",
            "up canary: notification 50% -> 75% (step 3/4)",
            "set eks-canary:services.notification.canary.weight=100",
            "up canary: notification 75% -> 100% (step 4/4)",
        ]);
        expect(clock.elapsed()).toBe(2 * 2 * 60_000);
        expect(run.out).toContain("1m30s left in the bake; last: 1000 requests, 5xx 1 (0.1%), p99 250 ms");
        expect(run.out).toContain("promote with `npm run canary -- promote --stack prod --service notification`");
        // The final check of a step covers the whole bake.
        const windows = metrics.canaryHealth.mock.calls.map((call) => call[1] as { start: Date; end: Date });
        expect(windows.some((window) => window.end.getTime() - window.start.getTime() === 120_000)).toBe(true);
    });

    it("promotes after the last step with --promote", async () => {
        const { driver, log } = fakeStack({ steps: [0, 50, 100], weight: 50 });
        expect((await canary([...options, "--promote"], { stack: driver })).code).toBe(0);
        expect(log).toEqual([
            "set eks-canary:services.notification.canary.weight=100",
            "up canary: notification 50% -> 100% (step 2/2)",
            `set eks-canary:services.notification.stable.image=${CANARY_IMAGE}`,
            "rm eks-canary:services.notification.canary",
            `up canary: promote notification to ${CANARY_IMAGE} (canary was at 100%)`,
        ]);
    });

    it("rolls back and exits 1 when the canary's 5xx rate is over the threshold", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 50 });
        const metrics = fakeMetrics({ kind: "ok", requests: 1000, errors5xx: 30, errorRate5xx: 0.03, p99Ms: 200 });
        const run = await canary(options, { stack: driver, metrics });
        expect(run.code).toBe(1);
        expect(log).toEqual([
            "set eks-canary:services.notification.canary.weight=75",
            "up canary: notification 50% -> 75% (step 3/4)",
            "set eks-canary:services.notification.canary.weight=0",
            expect.stringMatching(/^up canary: rollback notification 75% -> 0%: 5xx rate 3% > 1% at 75%/),
        ]);
        expect(run.err).toContain("rolled back: notification at 0%");
    });

    it("rolls back when p99 is over --max-p99-ms", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 50 });
        const metrics = fakeMetrics({ kind: "ok", requests: 500, errors5xx: 0, errorRate5xx: 0, p99Ms: 800 });
        const run = await canary([...options, "--max-p99-ms", "500"], { stack: driver, metrics });
        expect(run.code).toBe(1);
        expect(log.at(-1)).toMatch(/^up canary: rollback notification 75% -> 0%: p99 800 ms > 500 ms/);
    });

    it("rolls back as soon as a mid-bake check fails, without waiting for the end of the bake", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 50 });
        const metrics = fakeMetrics((call) => (call === 1 ? healthy : { kind: "ok", requests: 100, errors5xx: 50, errorRate5xx: 0.5, p99Ms: 100 }));
        const clock = fakeClock();
        const run = await canary(["run", "--stack", "prod", "--bake", "10m"], { stack: driver, metrics, clock });
        expect(run.code).toBe(1);
        expect(clock.elapsed()).toBe(60_000);
        expect(log.filter((entry) => entry.startsWith("up "))).toHaveLength(2);
    });

    it("fails closed when the metric query fails: rollback, no further step, exit 1", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 50 });
        const metrics = fakeMetrics({ kind: "error", reason: "AccessDenied: not authorized to perform cloudwatch:GetMetricData" });
        const run = await canary(options, { stack: driver, metrics });
        expect(run.code).toBe(1);
        expect(log).toEqual([
            "set eks-canary:services.notification.canary.weight=75",
            "up canary: notification 50% -> 75% (step 3/4)",
            "set eks-canary:services.notification.canary.weight=0",
            expect.stringContaining("metric query failed at 75% (fail closed): AccessDenied"),
        ]);
    });

    it("fails closed when there is no data: rollback, no further step, exit 1", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 50 });
        const metrics = fakeMetrics({ kind: "no-data", reason: "no requests reached the canary in the window" });
        const run = await canary(options, { stack: driver, metrics });
        expect(run.code).toBe(1);
        expect(log.slice(2)).toEqual(["set eks-canary:services.notification.canary.weight=0", expect.stringContaining("no metric data at 75% (fail closed)")]);
        expect(run.out).toContain("no data: no requests reached the canary");
    });

    it("rolls back when the pulumi up of a step fails", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 50, upFails: (message) => message.includes("-> 75%") && !message.includes("rollback") });
        const run = await canary(options, { stack: driver });
        expect(run.code).toBe(1);
        expect(log.at(-1)).toMatch(/^up canary: rollback notification 75% -> 0%: pulumi up of 50% -> 75% failed/);
    });

    it.each([
        ["appmesh", "Envoy's metrics reach CloudWatch only when exported"],
        ["replicas", "no per-version metrics"],
    ])("refuses to walk the %s router, which has no metrics, before changing anything", async (router, reason) => {
        const { driver, log } = fakeStack({ router, steps: [0, 25, 50, 75, 100], weight: 50, replicas: 4 });
        const run = await canary(options, { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("run refuses to walk without metrics");
        expect(run.err).toContain(reason);
        expect(log).toEqual([]);
    });

    it("refuses to walk when it cannot find the canary's target group, before changing anything", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 50, outputs: {} });
        const run = await canary(options, { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("give --target-group and --load-balancer, or export canaryMetrics.notification");
        expect(log).toEqual([]);
    });

    it("takes the target group from the flags, for the metric source", async () => {
        const { driver } = fakeStack({ router: "lattice", steps: [0, 50, 100], weight: 50, outputs: {} });
        const run = await canary([...options, "--target-group", "tg-0123456789abcdef0"], { stack: driver });
        expect(run.code).toBe(0);
        const factory = run.deps.metricSource as ReturnType<typeof vi.fn>;
        expect(factory).toHaveBeenCalledWith(
            { notification: expect.objectContaining({ namespace: "AWS/VpcLattice", dimensions: [{ Name: "TargetGroup", Value: "tg-0123456789abcdef0" }] }) },
            "eu-west-1",
        );
    });

    it("refuses a canary already at the last step", async () => {
        const { driver, log } = fakeStack({ steps: [0, 25, 50, 75, 100], weight: 100 });
        const run = await canary(options, { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("already at 100%");
        expect(log).toEqual([]);
    });
});

describe("dry runs and the Pulumi CLI", () => {
    it("run --dry-run prints the dev stack's walk from Pulumi.dev.yaml, with no CLI and no cloud", async () => {
        const findPulumi = vi.fn(() => undefined);
        const openStack = vi.fn();
        const run = await canary(["run", "--stack", "dev", "--dry-run"], { findPulumi, openStack });
        expect(run.code).toBe(0);
        expect(openStack).not.toHaveBeenCalled();
        expect(run.out.split("\n")).toEqual([
            "dry run: nothing is changed; no Pulumi CLI, no cloud access.",
            "stack dev, service notification, router lattice, schedule 0, 25, 50, 75, 100 (eks-canary:canary.steps); now at 50%",
            "step 1/2: 50% -> 75%",
            "  pulumi config set --path 'services.notification.canary.weight' 75",
            '  pulumi up --message "canary: notification 50% -> 75% (step 3/4)"',
            "  bake 10m, then check the canary: 5xx rate <= 1%, p99 <= 1000 ms; a failed check, a failed query or no data rolls back to 0% and stops (exit 1)",
            "step 2/2: 75% -> 100%",
            "  pulumi config set --path 'services.notification.canary.weight' 100",
            '  pulumi up --message "canary: notification 75% -> 100% (step 4/4)"',
            "  bake 10m, then check the canary: 5xx rate <= 1%, p99 <= 1000 ms; a failed check, a failed query or no data rolls back to 0% and stops (exit 1)",
            "then stop at 100% (promote with `npm run canary -- promote --stack dev --service notification`, or pass --promote)",
        ]);
    });

    it("step, promote and rollback --dry-run print the changes for prod", async () => {
        const step = await canary(["step", "--stack", "prod", "--dry-run"], { findPulumi: () => undefined });
        expect(step.code).toBe(0);
        expect(step.out).toContain("pulumi config set --path 'services.notification.canary.weight' 50");
        const promote = await canary(["promote", "--stack", "prod", "--dry-run"], { findPulumi: () => undefined });
        expect(promote.out).toContain(`pulumi config set --path 'services.notification.stable.image' ${CANARY_IMAGE}`);
        expect(promote.out).toContain("pulumi config rm --path 'services.notification.canary'");
    });

    it("without the Pulumi CLI, says so with the install link and exits 2, touching nothing", async () => {
        const openStack = vi.fn();
        const run = await canary(["step", "--stack", "dev"], { findPulumi: () => undefined, openStack });
        expect(run.code).toBe(2);
        expect(run.err).toContain("the Pulumi CLI is not on your PATH");
        expect(run.err).toContain(PULUMI_INSTALL_URL);
        expect(openStack).not.toHaveBeenCalled();
    });

    it("an Automation API error prints its message, not a stack trace", async () => {
        const openStack = vi.fn(async () => {
            throw new Error("code: 255\n stderr: error: no stack named 'qa' found");
        });
        const run = await canary(["status", "--stack", "qa"], { openStack });
        expect(run.code).toBe(1);
        expect(run.err).toBe("status failed: code: 255\n stderr: error: no stack named 'qa' found");
    });

    it("findOnPath finds an executable on PATH and nothing elsewhere", () => {
        expect(findOnPath("node", { PATH: path.dirname(process.execPath) }, "linux")).toBe(process.execPath);
        expect(findOnPath("pulumi", { PATH: "/nonexistent" }, "linux")).toBeUndefined();
    });

    it("bad usage exits 2 with the usage", async () => {
        expect((await canary(["run", "--stack", "dev", "--to", "50"])).err).toContain("--to applies to step, not run");
        expect((await canary(["deploy", "--stack", "dev"])).code).toBe(2);
        expect((await canary(["step"])).err).toContain("--stack is required");
        expect((await canary(["run", "--stack", "dev", "--bake", "ten"])).err).toContain("cannot read the duration");
        expect(parseArgs(["run", "--stack=dev", "--max-5xx-rate", "0.05", "--bake", "1m30s"])).toMatchObject({ stack: "dev", max5xxRate: 0.05, bakeMs: 90_000 });
    });
});

describe("canary status", () => {
    const split = { router: "alb", weight: 25, traffic: { stable: 75, canary: 25 }, replicas: { stable: 3, canary: 3 }, images: { stable: STABLE_IMAGE, canary: CANARY_IMAGE } };

    it("prints the split per service from the stack's canary output", async () => {
        const { driver } = fakeStack({ outputs: { canary: { notification: split } } });
        const run = await canary(["status", "--stack", "prod"], { stack: driver });
        expect(run.code).toBe(0);
        // The same rendering as the offline plan's "Canary split".
        expect(run.out).toContain("notification  (router: alb, weight 25)");
        expect(run.out).toMatch(new RegExp(`v1 stable  ${"█".repeat(15)}${"░".repeat(5)}\\s+75%  3 pods  ${STABLE_IMAGE}`));
        expect(run.out).toMatch(new RegExp(`v2 canary  ${"█".repeat(5)}${"░".repeat(15)}\\s+25%  3 pods  ${CANARY_IMAGE}`));
    });

    it("shows an automated service's analysis instead of weights", async () => {
        const analysis = { interval: "1m", threshold: 5, maxWeight: 50, stepWeight: 5, successRateMin: 99, latencyMaxMs: 500, loadTest: { requestsPerSecond: 10, concurrency: 2 } };
        const { driver } = fakeStack({ outputs: { canary: { notification: { ...split, router: "lattice", weight: 0, mode: "automated", analysis } } } });
        const run = await canary(["status", "--stack", "prod"], { stack: driver });
        expect(run.out).toContain("automated by Flagger: step 5% every 1m up to 50%, success ≥ 99%, p99 ≤ 500 ms, rollback after 5 failed checks");
    });

    it("--offline prints it from the offline plan, with no CLI", async () => {
        const offlineOutputs = vi.fn(async () => ({ canary: { notification: { ...split, router: "appmesh", weight: 50 } } }));
        const run = await canary(["status", "--stack", "dev", "--offline"], { findPulumi: () => undefined, offlineOutputs });
        expect(run.code).toBe(0);
        expect(offlineOutputs).toHaveBeenCalledWith("dev");
        expect(run.out).toContain("notification  (router: appmesh, weight 50)");
    });
});

describe("CloudWatch metrics", () => {
    const albTarget = () =>
        resolveTarget("alb", "notification", {}, {
            targetGroup: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-v2/0123456789abcdef",
            loadBalancer: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/k8s-notif/fedcba9876543210",
        });

    it("queries the ALB target group's 5xx count, request count and p99 response time over the bake", () => {
        const window = { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-01-01T00:10:00Z") };
        const input = metricQuery(albTarget(), window);
        expect(input.StartTime).toEqual(window.start);
        expect(input.EndTime).toEqual(window.end);
        const dimensions = [
            { Name: "TargetGroup", Value: "targetgroup/k8s-v2/0123456789abcdef" },
            { Name: "LoadBalancer", Value: "app/k8s-notif/fedcba9876543210" },
        ];
        expect(input.MetricDataQueries?.map((query) => [query.MetricStat?.Metric?.MetricName, query.MetricStat?.Stat, query.MetricStat?.Period])).toEqual([
            ["RequestCount", "Sum", 600],
            ["HTTPCode_Target_5XX_Count", "Sum", 600],
            ["TargetResponseTime", "p99", 600],
        ]);
        for (const query of input.MetricDataQueries ?? []) {
            expect(query.MetricStat?.Metric?.Namespace).toBe("AWS/ApplicationELB");
            expect(query.MetricStat?.Metric?.Dimensions).toEqual(dimensions);
        }
    });

    it("reads the answer: ALB seconds to ms, a missing 5xx count as none, no requests as no data", () => {
        const target = albTarget();
        expect(
            healthFromResults(target, [
                { Id: "requests", Values: [400], StatusCode: "Complete" },
                { Id: "errors", Values: [], StatusCode: "Complete" },
                { Id: "p99", Values: [0.42], StatusCode: "Complete" },
            ]),
        ).toEqual({ kind: "ok", requests: 400, errors5xx: 0, errorRate5xx: 0, p99Ms: 420 });
        expect(healthFromResults(target, [{ Id: "requests", Values: [], StatusCode: "Complete" }]).kind).toBe("no-data");
        expect(
            healthFromResults(target, [
                { Id: "requests", Values: [10], StatusCode: "Complete" },
                { Id: "p99", Values: [], StatusCode: "Complete" },
            ]).kind,
        ).toBe("no-data");
        expect(healthFromResults(target, [{ Id: "requests", StatusCode: "Forbidden", Messages: [{ Code: "Forbidden", Value: "denied" }] }])).toEqual({
            kind: "error",
            reason: "requests: Forbidden (denied)",
        });
    });

    it("uses the VPC Lattice target group metrics, RequestTime in ms", () => {
        const target = resolveTarget("lattice", "notification", { canaryMetrics: { notification: { targetGroup: "tg-0123" } } }, {});
        const input = metricQuery(target, { start: new Date(0), end: new Date(90_000) });
        expect(input.MetricDataQueries?.map((query) => query.MetricStat?.Metric?.MetricName)).toEqual(["TotalRequestCount", "HTTPCode_5XX_Count", "RequestTime"]);
        expect(input.MetricDataQueries?.[0].MetricStat?.Metric?.Namespace).toBe("AWS/VpcLattice");
        expect(input.MetricDataQueries?.[0].MetricStat?.Period).toBe(120);
        expect(
            healthFromResults(target, [
                { Id: "requests", Values: [100] },
                { Id: "errors", Values: [2] },
                { Id: "p99", Values: [350] },
            ]),
        ).toEqual({ kind: "ok", requests: 100, errors5xx: 2, errorRate5xx: 0.02, p99Ms: 350 });
    });

    it("a client error is an error result, never health", async () => {
        const getMetricData = vi.fn(async () => {
            throw Object.assign(new Error("User is not authorized"), { name: "AccessDenied" });
        });
        const source = new CloudWatchMetricSource(getMetricData, { notification: albTarget() });
        expect(await source.canaryHealth("notification", { start: new Date(0), end: new Date(600_000) })).toEqual({ kind: "error", reason: "AccessDenied: User is not authorized" });
    });
});

describe("schedule helpers", () => {
    it("parses durations", () => {
        expect(parseDuration("10m")).toBe(600_000);
        expect(parseDuration("1h30m")).toBe(5_400_000);
        expect(parseDuration("45s")).toBe(45_000);
        expect(() => parseDuration("10")).toThrow(/10m, 90s or 1h30m/);
    });

    it("plans a step from raw config", () => {
        const state = stateFromConfig({
            "eks-canary:canary": JSON.stringify({ steps: [0, 10, 25, 50, 100] }),
            "eks-canary:services": JSON.stringify({ notification: { stable: { image: STABLE_IMAGE }, canary: { image: CANARY_IMAGE, weight: 25 } } }),
        });
        expect(state.router).toBe("replicas");
        expect(planStep(state, undefined, undefined).to).toBe(50);
    });
});
