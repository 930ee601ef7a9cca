/**
 * The canary command's single changes on test doubles (fakes.ts): step, promote, dry runs, the
 * deploy workflow's guard and status. Every change is checked for what it changed, in order.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parseArgs } from "../../../tools/canary/args";
import { GitDriver } from "../../../tools/canary/git";
import { LEASE_TAG } from "../../../tools/canary/lease";
import { findOnPath, stackFileDriver, StackDriver } from "../../../tools/canary/stack";
import { readStackFile } from "../../../tools/stackfile";
import { CANARY_IMAGE, STABLE_IMAGE, fakeStack, fakeGit, canary } from "./fakes";

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
        const extra = {
            urn: "urn:pulumi:prod::eks-canary::kubernetes:helm.sh/v3:Release::external-dns",
            type: "kubernetes:helm.sh/v3:Release",
            name: "external-dns",
            op: "update",
        };
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
        expect(log.filter((entry) => entry.startsWith("set") || entry.startsWith("rm"))).toEqual([
            "set eks-canary:services.notification.canary.weight=0",
            "rm eks-canary:services.notification.canary",
        ]);
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
        const stackFile = (): StackDriver => ({
            ...stackFileDriver("dev"),
            readConfig: async () => readStackFile("dev", ["router=istio", "services.notification.canary.weight=150"]).config,
        });
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
        const text = fs.readFileSync(path.join(__dirname, "..", "..", "..", "Pulumi.prod.yaml"), "utf8");
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

describe("canary status", () => {
    it("prints the split per service from the stack's canary output", async () => {
        const split = {
            router: "alb",
            weight: 25,
            traffic: { stable: 75, canary: 25 },
            replicas: { stable: 3, canary: 3 },
            images: { stable: STABLE_IMAGE, canary: CANARY_IMAGE },
        };
        const stack = { ...fakeStack().driver, outputs: vi.fn(async () => ({ canary: { notification: split } })) };
        const run = await canary(["status", "--stack", "prod"], { stack });
        expect(run.code).toBe(0);
        expect(run.out).toContain("notification  (router: alb, weight 25)");
    });
});
