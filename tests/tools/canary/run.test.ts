/**
 * The canary command's walk of the schedule behind the gates, on test doubles (fakes.ts).
 */
import { describe, expect, it, vi } from "vitest";
import type { Health } from "../../../tools/canary/gates";
import { LEASE_TAG } from "../../../tools/canary/lease";
import { CANARY_IMAGE, fakeStack, fakeGit, fakeClock, healthy, fakeMetrics, canary } from "./fakes";

describe("canary run", () => {
    const walkedWeights = (log: readonly string[]): string[] =>
        log.filter((entry) => entry.startsWith("set eks-canary:services.notification.canary.weight=")).map((entry) => entry.split("=")[1]);

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
        ["p99 over the limit", { ...healthy, p99Ms: 1500 }, "p99 1500 ms > 500 ms"],
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
        expect(load.mock.calls[0]).toEqual([
            { url: "http://notification-clusterip-service.eks-canary.svc.cluster.local:8096/notification/health-status", namespace: "eks-canary" },
            600_000,
            expect.anything(),
            expect.anything(),
        ]);
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
