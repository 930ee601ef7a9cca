/** `npm run plan -- --diff`: only what the --set values change, per resource and input, old → new. */
import { describe, expect, it } from "vitest";
import { propertyChanges } from "../../tools/diff";
import { main } from "../../tools/plan";

async function plan(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("plan --diff", () => {
    it("lists a weight step as the routing resource's weights (and the dashboard's text of the weight), nothing else", async () => {
        const run = await plan(["--stack", "dev", "--diff", "--set", "services.notification.canary.weight=75"]);
        expect(run.code).toBe(0);
        const lines = run.out.split("\n");
        expect(lines[0]).toBe("Changes to stack dev by --set services.notification.canary.weight=75 (offline plans of both configs)");
        expect(lines.filter((line) => /^[~+-] /.test(line))).toEqual([
            "~ aws cloudwatch.Dashboard  notification-monitor-dashboard",
            "~ k8s gateway.networking.k8s.io/v1 HTTPRoute  notification",
        ]);
        expect(lines).toContain("    spec.rules[0].backendRefs[0].weight: 50 → 25");
        expect(lines).toContain("    spec.rules[0].backendRefs[1].weight: 50 → 75");
        expect(lines.filter((line) => line.startsWith("    ")).length).toBe(3);
    });

    it("carries the same as `diff` in the JSON document", async () => {
        const run = await plan(["--stack", "dev", "--diff", "--json", "--set", "services.notification.canary.weight=75"]);
        const document = JSON.parse(run.out) as {
            diff: { op: string; type: string; name: string; properties: { path: string; before: unknown; after: unknown }[] }[];
            resources: unknown[];
        };
        const route = document.diff.find((entry) => entry.name === "notification");
        expect(route).toMatchObject({ op: "update", type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute" });
        expect(route?.properties).toEqual([
            { path: "spec.rules[0].backendRefs[0].weight", before: 50, after: 25 },
            { path: "spec.rules[0].backendRefs[1].weight", before: 50, after: 75 },
        ]);
        // The whole proposed plan is still there.
        expect(document.resources.length).toBeGreaterThan(50);
    });

    it("shows the replicas router's step as the two Deployments' pod counts", async () => {
        const run = await plan([
            "--stack",
            "dev",
            "--diff",
            "--set",
            "router=replicas",
            "--set",
            "services.notification.replicas=4",
            "--set",
            "services.notification.canary.weight=25",
        ]);
        // Against the stack file's lattice router: a router change, so much changes; the pod counts are among it.
        expect(run.out).toContain("- k8s gateway.networking.k8s.io/v1 HTTPRoute  notification  (deleted)");
        expect(run.out).toMatch(/~ k8s apps\/v1 Deployment {2}notification-v2-deployment\n(.*\n)*? {4}spec\.replicas: 2 → 1/);
    });

    it("never prints a secret key's value given with --set", async () => {
        const run = await plan(["--stack", "dev", "--diff", "--set", "alarmUrl=https://hooks.example.com/SUPERSECRET"]);
        expect(run.code).toBe(0);
        expect(run.out).toContain("--set alarmUrl=[secret]");
        expect(run.out).not.toContain("SUPERSECRET");
    });

    it("says so when nothing changes, and refuses bad config before planning", async () => {
        expect((await plan(["--stack", "dev", "--diff"])).out).toContain("no change: the proposed config declares the same resources with the same inputs");
        const bad = await plan(["--stack", "dev", "--diff", "--set", "services.notification.canary.weight=150"]);
        expect(bad.code).toBe(1);
        expect(bad.err).toContain("eks-canary:services.notification.canary.weight");
    });
});

describe("propertyChanges", () => {
    it("names each leaf that differs by its path, inside lists, objects and JSON held in strings", () => {
        expect(propertyChanges({ a: { b: [1, 2] }, c: "x" }, { a: { b: [1, 3] }, c: "x" })).toEqual([{ path: "a.b[1]", before: 2, after: 3 }]);
        expect(propertyChanges({ a: 1 }, { b: 1 })).toEqual([
            { path: "a", before: 1, after: undefined },
            { path: "b", before: undefined, after: 1 },
        ]);
        expect(propertyChanges({ body: '{"w":[{"t":"a"}]}' }, { body: '{"w":[{"t":"b"}]}' })).toEqual([{ path: "body{json}w[0].t", before: "a", after: "b" }]);
        // A list that changes length differs as a whole.
        expect(propertyChanges({ l: [1] }, { l: [1, 2] })).toEqual([{ path: "l", before: [1], after: [1, 2] }]);
    });
});

describe("the canary command's dry run shows the step's diff", () => {
    it("prints the routing resource's weight change of a step, from the stack file, with no CLI", async () => {
        const { canary } = await import("./canary/fakes");
        const { offlineChangeDiff } = await import("../../tools/canary/expected");
        const { stackFileDriver } = await import("../../tools/canary/stack");
        const run = await canary(["step", "--stack", "dev", "--dry-run"], { stackFile: (name: string) => stackFileDriver(name), changeDiff: offlineChangeDiff });
        expect(run.code).toBe(0);
        expect(run.out).toContain("what it changes (offline plans of the stack file's config before and after):");
        expect(run.out).toContain(
            "  ~ k8s gateway.networking.k8s.io/v1 HTTPRoute  notification\n      spec.rules[0].backendRefs[0].weight: 50 → 25\n      spec.rules[0].backendRefs[1].weight: 50 → 75",
        );
    }, 60_000);
});

describe("withConfigEdits", () => {
    it("sets and removes by path as the Pulumi CLI does, leaving the input untouched", async () => {
        const { withConfigEdits } = await import("../../tools/stackfile");
        const raw = { "eks-canary:services": JSON.stringify({ n: { canary: { weight: 25, image: "x:1" } } }), "eks-canary:router": "alb" };
        const after = withConfigEdits(raw, [
            { op: "set", key: "eks-canary:services.n.canary.weight", value: "50" },
            { op: "set", key: "eks-canary:router", value: "lattice" },
        ]);
        expect(JSON.parse(after["eks-canary:services"])).toEqual({ n: { canary: { weight: 50, image: "x:1" } } });
        expect(after["eks-canary:router"]).toBe("lattice");
        expect(JSON.parse(withConfigEdits(raw, [{ op: "remove", key: "eks-canary:services.n.canary" }])["eks-canary:services"])).toEqual({ n: {} });
        expect(JSON.parse(raw["eks-canary:services"])).toEqual({ n: { canary: { weight: 25, image: "x:1" } } });
        // A key without its namespace is the project's; a list closes up where an item goes.
        const steps = { "eks-canary:canary": JSON.stringify({ steps: [0, 25, 50] }) };
        expect(JSON.parse(withConfigEdits(steps, [{ op: "remove", key: "canary.steps[1]" }])["eks-canary:canary"])).toEqual({ steps: [0, 50] });
    });
});

describe("promote's dry run", () => {
    it("announces more stages only while some follow: the canary's removal is the last", async () => {
        const { canary, fakeStack } = await import("./canary/fakes");
        const last = fakeStack({
            overrides: ["services.notification.canary.image=stacksimplify/kube-notifications-microservice:3.0.0-AWS-XRay", "services.notification.canary.weight=0"],
        });
        const done = await canary(["promote", "--stack", "prod", "--dry-run"], { stackFile: () => last.driver });
        expect(done.code).toBe(0);
        expect(done.out).not.toContain("then the next stages");
        const first = await canary(["promote", "--stack", "prod", "--dry-run"], { stackFile: () => fakeStack().driver });
        expect(first.out).toContain("then the next stages");
    });
});
