/**
 * The canary command on test doubles: a stack in memory (config, preview, up, outputs, tags),
 * git, a clock, CloudWatch and the tag lookup. Every walk is checked for what it changed, in order.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../tools/canary";
import { parseArgs } from "../tools/canary/args";
import type { CanaryDeps } from "../tools/canary/deps";
import { changeKey } from "../tools/canary/expected";
import type { Health } from "../tools/canary/gates";
import { GitDriver } from "../tools/canary/git";
import { LEASE_TAG } from "../tools/canary/lease";
import { albTarget, findCanaryTarget, healthFromResults, latticeTarget, metricQuery, MetricSource, ResourceLookup } from "../tools/canary/metrics";
import { findOnPath, parseUrn, PlannedChange, stackFileDriver, StackDriver } from "../tools/canary/stack";
import { readStackFile } from "../tools/stackfile";

const CANARY_IMAGE = "stacksimplify/kube-notifications-microservice:4.0.0-AWS-XRay";
const STABLE_IMAGE = "stacksimplify/kube-notifications-microservice:3.0.0-AWS-XRay";
const INGRESS = changeKey("kubernetes:networking.k8s.io/v1:Ingress", "notification-canary");
const urnOf = (key: string): string => {
    const [type, name] = key.split(" ");
    return `urn:pulumi:prod::eks-canary::eks-canary:canary:CanaryService$${type}::${name}`;
};

interface StackOptions {
    /** Overrides of Pulumi.prod.yaml (alb router, schedule 0, 10, 25, 50, 100, canary at 25 %). */
    overrides?: string[];
    /** The weight the stack runs (its canary output); default: the config's. */
    deployed?: number;
    upFails?: (message: string) => boolean;
    /** Extra changes every preview shows (drift, someone else's pending change). */
    extraPreview?: PlannedChange[];
    lease?: string;
}

/** A stack double on Pulumi.prod.yaml: config in memory, every change recorded in order in `log`. */
function fakeStack(options: StackOptions = {}) {
    const log: string[] = [];
    const config: Record<string, string> = { ...readStackFile("prod", options.overrides ?? []).config };
    const tags: Record<string, string> = options.lease === undefined ? {} : { [LEASE_TAG]: options.lease };
    const services = (): Record<string, Record<string, unknown>> => JSON.parse(config["eks-canary:services"]) as Record<string, Record<string, unknown>>;
    let deployed = options.deployed ?? (services().notification.canary as { weight: number } | undefined)?.weight;
    let deployedStable = (services().notification.stable as { image: string }).image;
    const edit = (key: string, change: (parent: Record<string, unknown>, last: string) => void): void => {
        const [top, ...rest] = key.slice("eks-canary:".length).split(".");
        const value = JSON.parse(config[`eks-canary:${top}`] ?? "{}") as Record<string, unknown>;
        let node = value;
        for (const segment of rest.slice(0, -1)) {
            node = node[segment] as Record<string, unknown>;
        }
        change(node, rest[rest.length - 1]);
        config[`eks-canary:${top}`] = JSON.stringify(value);
    };
    const driver = {
        readConfig: vi.fn(async () => ({ ...config })),
        setConfig: vi.fn(async (key: string, value: string) => {
            log.push(`set ${key}=${value}`);
            edit(key, (parent, last) => {
                parent[last] = /^\d+$/.test(value) ? Number(value) : value;
            });
        }),
        removeConfig: vi.fn(async (key: string) => {
            log.push(`rm ${key}`);
            edit(key, (parent, last) => {
                delete parent[last];
            });
        }),
        preview: vi.fn(async () => {
            log.push("preview");
            const weight = (services().notification.canary as { weight?: number } | undefined)?.weight;
            const stable = (services().notification.stable as { image: string }).image;
            const deployment = changeKey("kubernetes:apps/v1:Deployment", "notification-v1-deployment");
            const changes = [
                ...(weight === deployed ? [] : [{ urn: urnOf(INGRESS), type: INGRESS.split(" ")[0], name: "notification-canary", op: "update" }]),
                ...(stable === deployedStable ? [] : [{ urn: urnOf(deployment), type: deployment.split(" ")[0], name: "notification-v1-deployment", op: "update" }]),
            ];
            return [...changes, ...(options.extraPreview ?? [])];
        }),
        up: vi.fn(async (message: string, targets: readonly string[]) => {
            log.push(`up ${message} [${targets.map((urn) => parseUrn(urn).name).join(", ")}]`);
            // A failed update may still have changed the routing (the annotation written, its wait failed).
            deployed = (services().notification.canary as { weight?: number } | undefined)?.weight ?? 0;
            if (options.upFails?.(message) === true) {
                throw new Error("code: 255\n stderr: error: update failed");
            }
            deployedStable = (services().notification.stable as { image: string }).image;
        }),
        outputs: vi.fn(async () => ({
            clusterName: "eks-canary-prod",
            namespace: "eks-canary",
            kubeconfig: "{}",
            canary: { notification: { router: "alb", weight: deployed, mode: "manual" } },
        })),
        getTag: vi.fn(async (key: string) => tags[key]),
        setTag: vi.fn(async (key: string, value: string) => {
            log.push(`tag ${key}`);
            tags[key] = value;
        }),
        removeTag: vi.fn(async (key: string) => {
            log.push(`untag ${key}`);
            delete tags[key];
        }),
    } satisfies StackDriver;
    return { driver, log, config, tags, services };
}

/** A git double: the stack file is `clean` before the first change, and changed after each deploy (until committed). */
function fakeGit(clean = true) {
    const commits: string[] = [];
    let calls = 0;
    const git: GitDriver & { commits: string[] } = {
        commits,
        isClean: vi.fn(async () => (calls++ === 0 ? clean : false)),
        commit: vi.fn(async (_file: string, message: string) => {
            commits.push(message);
        }),
        push: vi.fn(async () => undefined),
        show: vi.fn(async () => undefined),
    };
    return git;
}

function fakeClock(start = Date.UTC(2026, 0, 1)) {
    let now = start;
    return {
        now: vi.fn(() => now),
        sleep: vi.fn(async (ms: number) => {
            now += ms;
        }),
    };
}

const healthy: Health = { kind: "ok", requests: 1000, target5xx: 1, connectionErrors: 0, p99Ms: 250, loadBalancer: { requests: 4000, elb5xx: 0 } };

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

/** The tags the load balancer controller puts on the canary's target group and load balancer. */
const albLookup: ResourceLookup = async (types) =>
    types[0] === "elasticloadbalancing:targetgroup"
        ? [
              { arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-v1/aaaaaaaaaaaaaaaa", tags: { "ingress.k8s.aws/resource": "eks-canary/notification-canary-notification-v1:8096" } },
              { arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-v2/0123456789abcdef", tags: { "ingress.k8s.aws/resource": "eks-canary/notification-canary-notification-v2:8096" } },
          ]
        : [{ arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/k8s-notif/fedcba9876543210", tags: { "ingress.k8s.aws/resource": "LoadBalancer" } }];

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
        git: fakeGit(),
        // A weight step changes the canary Ingress; a promotion the Deployments too.
        expected: vi.fn(async () => new Set([INGRESS, changeKey("kubernetes:apps/v1:Deployment", "notification-v1-deployment")])),
        lookup: vi.fn(async () => albLookup),
        metricSource: vi.fn(async () => metrics),
        load: vi.fn(async () => undefined),
        offlineOutputs: vi.fn(async () => ({})),
        confirm: undefined,
        abort: new AbortController().signal,
        holder: "tester@host pid 1",
        progressEveryMs: 60_000,
        ...overrides,
    };
    const code = await main(argv, deps);
    return { code, out: out.join("\n"), err: err.join("\n"), deps };
}

describe("canary step", () => {
    it("sets the next weight, previews, runs a targeted pulumi up of what the preview changes, commits the stack file, under the lease", async () => {
        const { driver, log, tags } = fakeStack();
        const git = fakeGit();
        const run = await canary(["step", "--stack", "prod", "--yes"], { stack: driver, git });
        expect(run.code).toBe(0);
        expect(log).toEqual([
            `tag ${LEASE_TAG}`,
            "set eks-canary:services.notification.canary.weight=50",
            "preview",
            "up canary: notification 25% -> 50% (step 3/4) [notification-canary]",
            `untag ${LEASE_TAG}`,
        ]);
        expect(git.commits).toEqual(["canary: notification 25% -> 50% (step 3/4)"]);
        expect(tags).toEqual({});
    });

    it("cannot skip the schedule without --force", async () => {
        const refused = fakeStack();
        const run = await canary(["step", "--stack", "prod", "--yes", "--to", "100"], { stack: refused.driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("--to 100 skips the schedule: from 25% the next step is 50%");
        expect(refused.log.filter((entry) => entry.startsWith("set") || entry.startsWith("up"))).toEqual([]);
        const forced = fakeStack();
        expect((await canary(["step", "--stack", "prod", "--yes", "--to", "100", "--force"], { stack: forced.driver })).code).toBe(0);
        expect(forced.log).toContain("set eks-canary:services.notification.canary.weight=100");
        // Down is never a skip.
        expect((await canary(["step", "--stack", "prod", "--yes", "--to", "0"], { stack: fakeStack().driver })).code).toBe(0);
    });

    it("a preview that would change more than the step stops it: no up, the config put back", async () => {
        const extra = { urn: "urn:pulumi:prod::eks-canary::kubernetes:helm.sh/v3:Release::external-dns", type: "kubernetes:helm.sh/v3:Release", name: "external-dns", op: "update" };
        const { driver, log, services } = fakeStack({ extraPreview: [extra] });
        const run = await canary(["step", "--stack", "prod", "--yes"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("the preview would change more than this step: update kubernetes:helm.sh/v3:Release external-dns");
        expect(log.some((entry) => entry.startsWith("up"))).toBe(false);
        expect((services().notification.canary as { weight: number }).weight).toBe(25);
    });

    it("a failed pulumi up puts the config back and exits 1 without a stack trace", async () => {
        const { driver, services } = fakeStack({ upFails: () => true });
        const git = fakeGit();
        const run = await canary(["step", "--stack", "prod", "--yes"], { stack: driver, git });
        expect(run.code).toBe(1);
        expect(run.err).toContain("pulumi up failed: code: 255");
        expect(run.err).not.toMatch(/\bat .*\.ts:\d+/);
        expect((services().notification.canary as { weight: number }).weight).toBe(25);
        expect(git.commits).toEqual([]);
    });

    it("needs --yes without a terminal, and asks on one", async () => {
        const { driver, log } = fakeStack();
        const refused = await canary(["step", "--stack", "prod"], { stack: driver });
        expect(refused.code).toBe(2);
        expect(refused.err).toContain("pass --yes");
        expect(log).toEqual([]);
        const asked = vi.fn(async () => false);
        expect((await canary(["step", "--stack", "prod"], { stack: driver, confirm: asked })).code).toBe(1);
        expect(asked).toHaveBeenCalled();
        expect(log).toEqual([]);
    });

    it("refuses a stack file with uncommitted changes, before taking the lease", async () => {
        const { driver, log } = fakeStack();
        const run = await canary(["step", "--stack", "prod", "--yes"], { stack: driver, git: fakeGit(false) });
        expect(run.code).toBe(1);
        expect(run.err).toContain("has uncommitted changes");
        expect(log).toEqual([]);
    });

    it("a second walk is refused, naming the holder; nothing changes", async () => {
        const { driver, log } = fakeStack({ lease: JSON.stringify({ holder: "alice@ci pid 7", since: "2026-12-01T10:00:00.000Z" }) });
        const run = await canary(["run", "--stack", "prod", "--yes"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("another walk holds this stack: alice@ci pid 7 since 2026-12-01T10:00:00.000Z");
        expect(log).toEqual([]);
    });
});

describe("canary run", () => {
    const walkedWeights = (log: readonly string[]): string[] => log.filter((entry) => entry.startsWith("set eks-canary:services.notification.canary.weight=")).map((entry) => entry.split("=")[1]);

    it("walks the schedule: bakes the deployed weight again, then step, bake, gate at each weight; stops at 100 without promoting; commits each step", async () => {
        const { driver, log } = fakeStack();
        const git = fakeGit();
        const metrics = fakeMetrics(healthy);
        const run = await canary(["run", "--stack", "prod", "--yes", "--bake", "10m"], { stack: driver, git, metrics });
        expect(run.code).toBe(0);
        expect(walkedWeights(log)).toEqual(["50", "100"]);
        expect(git.commits).toEqual(["canary: notification 25% -> 50% (step 3/4)", "canary: notification 50% -> 100% (step 4/4)"]);
        expect(run.out).toContain("metrics: AWS/ApplicationELB TargetGroup=targetgroup/k8s-v2/0123456789abcdef LoadBalancer=app/k8s-notif/fedcba9876543210");
        expect(run.out).toContain("done: notification at 100%");
    });

    it("rolls back to the last weight that passed when a gate fails", async () => {
        const { driver, log } = fakeStack();
        // Healthy through the bake of the deployed 25 %, 5xx at 50 %.
        const metrics = fakeMetrics((call) => (call <= 10 ? healthy : { ...healthy, target5xx: 80 }));
        const run = await canary(["run", "--stack", "prod", "--yes"], { stack: driver, metrics });
        expect(run.code).toBe(1);
        expect(walkedWeights(log)).toEqual(["50", "25"]);
        expect(run.err).toContain("gate failed at 50%: canary failure rate 8%");
        expect(run.err).toContain("rolled back: notification at 25%");
    });

    it.each([
        ["the ALB's own 5xx (crashing pods: 502)", { ...healthy, loadBalancer: { requests: 4000, elb5xx: 200 } }, "load balancer 5xx rate 5%"],
        ["connection errors (hanging pods)", { ...healthy, connectionErrors: 60 }, "connection errors 60"],
        ["p99 over the limit", { ...healthy, p99Ms: 1500 }, "p99 1500 ms > 1000 ms"],
        ["a failed metric query (fail closed)", { kind: "error", reason: "AccessDenied" } as Health, "metric query failed (fail closed): AccessDenied"],
    ])("fails the gate on %s and rolls back", async (_what, health, reason) => {
        // From 0 %: the first step is 10 %, the last safe weight 0.
        const { driver, log } = fakeStack({ overrides: ["services.notification.canary.weight=0"] });
        const run = await canary(["run", "--stack", "prod", "--yes"], { stack: driver, metrics: fakeMetrics(health) });
        expect(run.code).toBe(1);
        expect(run.err).toContain(reason);
        expect(walkedWeights(log)).toEqual(["10", "0"]);
    });

    it("no traffic holds the step: inconclusive, exit 4, neither promoted nor rolled back", async () => {
        const { driver, log } = fakeStack();
        const run = await canary(["run", "--stack", "prod", "--yes", "--promote"], { stack: driver, metrics: fakeMetrics({ ...healthy, requests: 3, target5xx: 0 }) });
        expect(run.code).toBe(4);
        expect(run.err).toContain("inconclusive at 25%: 3 requests reached the canary, fewer than the 100 needed");
        expect(walkedWeights(log)).toEqual([]);
        expect(log.some((entry) => entry.includes("stable.image"))).toBe(false);
    });

    it("--load sends requests to the service's routed name during each bake", async () => {
        const load = vi.fn(async () => undefined);
        const run = await canary(["run", "--stack", "prod", "--yes", "--load"], { load });
        expect(run.code).toBe(0);
        expect(load).toHaveBeenCalledTimes(3);
        expect(load.mock.calls[0]).toEqual([{ url: "http://notification-clusterip-service.eks-canary.svc.cluster.local:8096/notification/health-status", namespace: "eks-canary" }, 600_000, expect.anything(), expect.anything()]);
    });

    it("Ctrl-C during a bake rolls back to the last weight that passed, exit 130", async () => {
        const { driver, log } = fakeStack();
        const controller = new AbortController();
        const clock = fakeClock();
        clock.sleep.mockImplementation(async () => {
            controller.abort();
        });
        const run = await canary(["run", "--stack", "prod", "--yes"], { stack: driver, clock, abort: controller.signal });
        expect(run.code).toBe(130);
        // Interrupted while baking the deployed 25 %, which this walk had not seen pass: back to 10 %.
        expect(walkedWeights(log)).toEqual(["10"]);
        expect(log[log.length - 1]).toBe(`untag ${LEASE_TAG}`);
    });

    it("a failed pulumi up in a walk rolls back with a real update: the failed one may have moved some weight", async () => {
        const { driver, log } = fakeStack({ upFails: (message) => message.includes("25% -> 50%") });
        const run = await canary(["run", "--stack", "prod", "--yes"], { stack: driver });
        expect(run.code).toBe(1);
        expect(log.filter((entry) => entry.startsWith("up"))).toEqual([expect.stringContaining("25% -> 50%"), expect.stringContaining("rollback notification 50% -> 25%")]);
    });

    it("a failed commit after a deploy warns and goes on: the step is deployed", async () => {
        const git = { ...fakeGit(), commit: vi.fn(async () => Promise.reject(new Error("git commit failed: nothing to commit"))) };
        const run = await canary(["step", "--stack", "prod", "--yes"], { git });
        expect(run.code).toBe(0);
        expect(run.err).toContain("WARNING: deployed, but git commit failed");
    });

    it("--promote needs 100 on the schedule", async () => {
        const { driver, log } = fakeStack({ overrides: ["canary.steps[4]=75", "services.notification.canary.weight=25"] });
        const run = await canary(["run", "--stack", "prod", "--yes", "--promote"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("100 is not a step of the schedule");
        expect(log.filter((entry) => entry.startsWith("up"))).toEqual([]);
    });

    it("resumes from the deployed weight when the config is ahead of it (an interrupted step)", async () => {
        const { driver, log } = fakeStack({ overrides: ["services.notification.canary.weight=50"], deployed: 25 });
        const run = await canary(["run", "--stack", "prod", "--yes"], { stack: driver });
        expect(run.code).toBe(0);
        expect(run.out).toContain("the config says 50% but the stack runs 25%; resuming from 25%");
        expect(walkedWeights(log)).toEqual(["25", "50", "100"]);
    });

    it("--promote promotes in four ups after the last step, none routing to rolling pods", async () => {
        const { driver, log, services } = fakeStack();
        const run = await canary(["run", "--stack", "prod", "--yes", "--promote"], { stack: driver });
        expect(run.code).toBe(0);
        expect(log.filter((entry) => entry.startsWith("up"))).toEqual([
            "up canary: notification 25% -> 50% (step 3/4) [notification-canary]",
            "up canary: notification 50% -> 100% (step 4/4) [notification-canary]",
            // At 100 % the weight is already the canary's: stage 1 has nothing to deploy.
            expect.stringContaining("promote notification 2/4: the stable version takes"),
            expect.stringContaining("promote notification 3/4: all requests back to the stable version"),
            expect.stringContaining("promote notification 4/4: remove the canary version"),
        ]);
        expect(services().notification).toMatchObject({ stable: { image: CANARY_IMAGE } });
        expect(services().notification.canary).toBeUndefined();
    });

    it("refuses routers with no per-version metrics before changing anything", async () => {
        const { driver, log } = fakeStack({ overrides: ["router=replicas", "services.notification.replicas=20"] });
        const run = await canary(["run", "--stack", "prod", "--yes"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("the replicas router has no per-version metrics");
        expect(log).toEqual([]);
    });
});

describe("canary promote", () => {
    it("is refused with the replicas router, whose return to stable would swap every pod at once", async () => {
        const { driver, log } = fakeStack({ overrides: ["router=replicas", "services.notification.replicas=20"] });
        const run = await canary(["promote", "--stack", "prod", "--yes"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toContain("would swap every pod at once");
        expect(log.filter((entry) => entry.startsWith("up"))).toEqual([]);
    });

    it("resumes an interrupted promotion at its stage", async () => {
        // Stage 2 done: the stable version runs the canary's image, the canary still takes all requests.
        const { driver, log } = fakeStack({ overrides: [`services.notification.stable.image=${CANARY_IMAGE}`, "services.notification.canary.weight=100"] });
        const run = await canary(["promote", "--stack", "prod", "--yes"], { stack: driver });
        expect(run.code).toBe(0);
        expect(log.filter((entry) => entry.startsWith("set") || entry.startsWith("rm"))).toEqual(["set eks-canary:services.notification.canary.weight=0", "rm eks-canary:services.notification.canary"]);
    });
});

describe("dry runs", () => {
    it("run --dry-run prints the dev stack's walk from Pulumi.dev.yaml, with no CLI and no cloud", async () => {
        const openStack = vi.fn();
        const run = await canary(["run", "--stack", "dev", "--dry-run"], { findPulumi: () => undefined, openStack });
        expect(run.code).toBe(0);
        expect(openStack).not.toHaveBeenCalled();
        expect(run.out).toContain("stack dev, service notification, router lattice, schedule 0, 25, 50, 75, 100 (eks-canary:canary.steps); now at 50%");
        expect(run.out).toContain("step 2/2: 75% -> 100%");
    });

    it("a dry run on a broken stack file exits 1 with the program's config errors", async () => {
        const stackFile = (): StackDriver => ({ ...stackFileDriver("dev"), readConfig: async () => readStackFile("dev", ["router=istio", "services.notification.canary.weight=150"]).config });
        const run = await canary(["run", "--stack", "dev", "--dry-run"], { stackFile, findPulumi: () => undefined });
        expect(run.code).toBe(1);
        expect(run.err).toContain("eks-canary:router");
        expect(run.err).toContain("istio");
        expect(run.err).toContain("eks-canary:services.notification.canary.weight: 150 is out of range");
    });

    it("step, promote and rollback --dry-run print the change for prod", async () => {
        const step = await canary(["step", "--stack", "prod", "--dry-run"], { findPulumi: () => undefined });
        expect(step.code).toBe(0);
        expect(step.out).toContain("pulumi config set --path 'services.notification.canary.weight' 50");
        const promote = await canary(["promote", "--stack", "prod", "--dry-run"], { findPulumi: () => undefined });
        expect(promote.out).toContain("pulumi config set --path 'services.notification.canary.weight' 100");
        const rollback = await canary(["rollback", "--stack", "prod", "--dry-run"], { findPulumi: () => undefined });
        expect(rollback.out).toContain("pulumi config set --path 'services.notification.canary.weight' 0");
    });

    it("without the Pulumi CLI a real change says so and exits 2, touching nothing", async () => {
        const openStack = vi.fn();
        const run = await canary(["step", "--stack", "prod", "--yes"], { findPulumi: () => undefined, openStack });
        expect(run.code).toBe(2);
        expect(run.err).toContain("https://www.pulumi.com/docs/install/");
        expect(openStack).not.toHaveBeenCalled();
    });

    it("findOnPath finds an executable on PATH and nothing elsewhere", () => {
        expect(findOnPath("node", { PATH: process.env.PATH ?? "" })).toBeDefined();
        expect(findOnPath("definitely-not-a-command-here", { PATH: process.env.PATH ?? "" })).toBeUndefined();
    });

    it("bad usage exits 2 with the usage", async () => {
        for (const argv of [["jump", "--stack", "prod"], ["step"], ["step", "--stack", "prod", "--load"], ["run", "--stack", "prod", "--bake", "10s"]]) {
            expect((await canary(argv)).code).toBe(2);
        }
        expect(() => parseArgs(["run", "--min-requests", "0"])).toThrow("--min-requests 0");
    });
});

describe("canary guard (the deploy workflow)", () => {
    const withBase = (weight: number): GitDriver => ({ ...fakeGit(), show: vi.fn(async () => `config:\n${readFileText().replace(/weight: 25/, `weight: ${weight}`)}`) });
    const readFileText = (): string => {
        const text = fs.readFileSync(path.join(__dirname, "..", "Pulumi.prod.yaml"), "utf8");
        return text.slice(text.indexOf("config:\n") + "config:\n".length);
    };

    it("refuses a deploy whose commit did not change a weight the stack runs differently", async () => {
        const { driver } = fakeStack({ deployed: 50 });
        const run = await canary(["guard", "--stack", "prod", "--since", "abc1234"], { stack: driver, git: withBase(25) });
        expect(run.code).toBe(1);
        expect(run.err).toContain("notification: the stack runs 50% but Pulumi.prod.yaml says 25%, and this change did not touch that weight");
    });

    it("refuses while a walk holds the stack's lease", async () => {
        const { driver } = fakeStack({ lease: JSON.stringify({ holder: "alice@ci pid 7", since: "now" }) });
        const run = await canary(["guard", "--stack", "prod", "--since", "abc1234"], { stack: driver, git: withBase(25) });
        expect(run.code).toBe(1);
        expect(run.err).toContain("a canary walk holds the stack");
    });

    it("lets a commit that changes the weight on purpose deploy, and a stack that runs the committed weight", async () => {
        expect((await canary(["guard", "--stack", "prod", "--since", "abc1234"], { stack: fakeStack({ deployed: 50 }).driver, git: withBase(10) })).code).toBe(0);
        expect((await canary(["guard", "--stack", "prod", "--since", "abc1234"], { stack: fakeStack().driver, git: withBase(25) })).code).toBe(0);
    });
});

describe("CloudWatch gates", () => {
    const window = { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-01-01T00:10:00Z") };

    it("ALB: the canary target group's requests, 5xx, connection errors and p99, and the load balancer's own 5xx", () => {
        const input = metricQuery(albTarget("targetgroup/k8s-v2/0123456789abcdef", "app/k8s-notif/fedcba9876543210"), window);
        const pair = [
            { Name: "TargetGroup", Value: "targetgroup/k8s-v2/0123456789abcdef" },
            { Name: "LoadBalancer", Value: "app/k8s-notif/fedcba9876543210" },
        ];
        const lb = [{ Name: "LoadBalancer", Value: "app/k8s-notif/fedcba9876543210" }];
        expect(input.MetricDataQueries?.map((query) => [query.MetricStat?.Metric?.MetricName, query.MetricStat?.Stat, query.MetricStat?.Metric?.Dimensions, query.MetricStat?.Period])).toEqual([
            ["RequestCount", "Sum", pair, 600],
            ["HTTPCode_Target_5XX_Count", "Sum", pair, 600],
            ["TargetConnectionErrorCount", "Sum", pair, 600],
            ["TargetResponseTime", "p99", pair, 600],
            ["RequestCount", "Sum", lb, 600],
            ["HTTPCode_ELB_5XX_Count", "Sum", lb, 600],
        ]);
        expect(new Set(input.MetricDataQueries?.map((query) => query.MetricStat?.Metric?.Namespace))).toEqual(new Set(["AWS/ApplicationELB"]));
    });

    it("reads the answer: seconds to ms, a missing count as 0, a refused query as an error", () => {
        const target = albTarget("targetgroup/a/1", "app/b/2");
        expect(healthFromResults(target, [{ Id: "requests", Values: [600, 400] }, { Id: "p99", Values: [0.2, 0.3] }])).toEqual({
            kind: "ok",
            requests: 1000,
            target5xx: 0,
            connectionErrors: 0,
            p99Ms: 300,
            loadBalancer: { requests: 0, elb5xx: 0 },
        });
        expect(healthFromResults(target, [{ Id: "requests", StatusCode: "Forbidden", Messages: [{ Value: "no access" }] }])).toEqual({ kind: "error", reason: "requests: Forbidden (no access)" });
    });

    it("VPC Lattice: the target group's TotalRequestCount, HTTPCode_5XX_Count, ConnectionErrorCount and RequestTime p99 in ms", () => {
        const input = metricQuery(latticeTarget("tg-0123456789abcdef0"), window);
        expect(input.MetricDataQueries?.map((query) => [query.MetricStat?.Metric?.Namespace, query.MetricStat?.Metric?.MetricName, query.MetricStat?.Stat])).toEqual([
            ["AWS/VpcLattice", "TotalRequestCount", "Sum"],
            ["AWS/VpcLattice", "HTTPCode_5XX_Count", "Sum"],
            ["AWS/VpcLattice", "ConnectionErrorCount", "Sum"],
            ["AWS/VpcLattice", "RequestTime", "p99"],
        ]);
        expect(input.MetricDataQueries?.[0].MetricStat?.Metric?.Dimensions).toEqual([{ Name: "TargetGroup", Value: "tg-0123456789abcdef0" }]);
    });

    it("finds the target group and load balancer by the controllers' tags, never from flags", async () => {
        const lookup = vi.fn(albLookup);
        const target = await findCanaryTarget("alb", "notification", { clusterName: "eks-canary-prod", namespace: "eks-canary" }, lookup);
        expect(lookup).toHaveBeenCalledWith(["elasticloadbalancing:targetgroup"], { "elbv2.k8s.aws/cluster": "eks-canary-prod", "ingress.k8s.aws/stack": "eks-canary/notification-canary" });
        expect(target.queries[0].dimensions).toEqual([
            { Name: "TargetGroup", Value: "targetgroup/k8s-v2/0123456789abcdef" },
            { Name: "LoadBalancer", Value: "app/k8s-notif/fedcba9876543210" },
        ]);
        const lattice = vi.fn(async () => [{ arn: "arn:aws:vpc-lattice:eu-west-1:111122223333:targetgroup/tg-0123456789abcdef0", tags: {} }]);
        const found = await findCanaryTarget("lattice", "notification", { clusterName: "eks-canary-dev", namespace: "eks-canary" }, lattice);
        expect(lattice).toHaveBeenCalledWith(["vpc-lattice:targetgroup"], {
            "application-networking.k8s.aws/ClusterName": "eks-canary-dev",
            "application-networking.k8s.aws/ServiceName": "notification-v2",
            "application-networking.k8s.aws/ServiceNamespace": "eks-canary",
            "application-networking.k8s.aws/RouteName": "notification",
            "application-networking.k8s.aws/RouteNamespace": "eks-canary",
        });
        expect(found.queries[0].dimensions).toEqual([{ Name: "TargetGroup", Value: "tg-0123456789abcdef0" }]);
        await expect(findCanaryTarget("alb", "notification", { clusterName: "c", namespace: "n" }, async () => [])).rejects.toThrow("found no target group");
    });
});

describe("canary status", () => {
    it("prints the split per service from the stack's canary output", async () => {
        const split = { router: "alb", weight: 25, traffic: { stable: 75, canary: 25 }, replicas: { stable: 3, canary: 3 }, images: { stable: STABLE_IMAGE, canary: CANARY_IMAGE } };
        const stack = { ...fakeStack().driver, outputs: vi.fn(async () => ({ canary: { notification: split } })) };
        const run = await canary(["status", "--stack", "prod"], { stack });
        expect(run.code).toBe(0);
        expect(run.out).toContain("notification  (router: alb, weight 25)");
    });
});
