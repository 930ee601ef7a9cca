/** The canary command on a lockstep group (canary.groups, --group): one change per step for every member, every member gated. */
import { describe, expect, it, vi } from "vitest";
import type { Health } from "../../../tools/canary/gates";
import type { MetricSource, ResourceLookup } from "../../../tools/canary/metrics";
import { releaseWeight } from "../../../tools/canary/release";
import { canary, fakeStack, healthy } from "./fakes";

/** Pulumi.prod.yaml (alb, notification at 25 %) with a second service, email, at 25 %, and the group mail of both. */
const GROUPED = [
    "services.email.port=8097",
    "services.email.healthPath=/email/health",
    "services.email.stable.image=example/email:1.0.0",
    "services.email.canary.image=example/email:2.0.0",
    "services.email.canary.weight=25",
    "canary.groups.mail[0]=notification",
    "canary.groups.mail[1]=email",
];

/** The target groups the load balancer controller tags for each service's versions, and their load balancers. */
const groupLookup: ResourceLookup = async (types, tags) => {
    const services = [
        { name: "notification", port: 8096 },
        { name: "email", port: 8097 },
    ];
    const resources =
        types[0] === "elasticloadbalancing:targetgroup"
            ? services.flatMap(({ name, port }) =>
                  ["v1", "v2"].map((version) => ({
                      arn: `arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-${name}-${version}/0123456789abcdef`,
                      tags: { "ingress.k8s.aws/resource": `eks-canary/${name}-canary-${name}-${version}:${port}`, "ingress.k8s.aws/stack": `eks-canary/${name}-canary` },
                  })),
              )
            : services.map(({ name }) => ({
                  arn: `arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/k8s-${name}/fedcba9876543210`,
                  tags: { "ingress.k8s.aws/resource": "LoadBalancer", "ingress.k8s.aws/stack": `eks-canary/${name}-canary` },
              }));
    return resources.filter((resource) => Object.entries(tags).every(([key, value]) => !(key in resource.tags) || (resource.tags as Record<string, string>)[key] === value));
};

/** Health per service: `email` as given, every other service healthy. */
function perService(email: Health): MetricSource & { canaryHealth: ReturnType<typeof vi.fn> } {
    return { description: "fake CloudWatch", canaryHealth: vi.fn(async (service: string) => (service === "email" ? email : healthy)) };
}

describe("canary command: a lockstep group", () => {
    it("steps every member in one config change and one pulumi up", async () => {
        const { driver, log, services } = fakeStack({ overrides: GROUPED });
        const run = await canary(["step", "--stack", "prod", "--group", "mail", "--yes"], { stack: driver });
        expect(run.code).toBe(0);
        expect(log.filter((entry) => !entry.startsWith("tag") && !entry.startsWith("untag"))).toEqual([
            "set eks-canary:services.notification.canary.weight=50",
            "set eks-canary:services.email.canary.weight=50",
            "preview",
            "up canary: group mail 25% -> 50% (step 3/4) [notification-canary]",
        ]);
        expect(run.out).toContain("stack prod, group mail (notification, email): step 25% -> 50%");
        expect((services().email.canary as { weight: number }).weight).toBe(50);
    });

    it("refuses a member alone, naming the group, and changes nothing", async () => {
        const { driver, log } = fakeStack({ overrides: GROUPED });
        const run = await canary(["step", "--stack", "prod", "--service", "email", "--yes"], { stack: driver });
        expect(run.code).toBe(1);
        expect(run.err).toBe("email is released in lockstep with notification (group mail, eks-canary:canary.groups): step them together with --group mail");
        expect(log).toEqual([]);
    });

    it("refuses an unknown group, listing the stack's groups, and --service with --group", async () => {
        const unknown = await canary(["step", "--stack", "prod", "--group", "billing", "--yes"], { stack: fakeStack({ overrides: GROUPED }).driver });
        expect(unknown.code).toBe(1);
        expect(unknown.err).toBe('unknown group "billing"; groups of this stack (eks-canary:canary.groups): mail');
        const both = await canary(["step", "--stack", "prod", "--group", "mail", "--service", "email"], {});
        expect(both.code).toBe(2);
        expect(both.err).toContain("--service and --group: pass one");
    });

    it("prints the group's step as a dry run, from the stack file", async () => {
        const run = await canary(["step", "--stack", "prod", "--group", "mail", "--dry-run"], {
            stackFile: () => fakeStack({ overrides: GROUPED }).driver,
            findPulumi: () => undefined,
        });
        expect(run.code).toBe(0);
        expect(run.out).toContain("stack prod, group mail (notification, email): step 25% -> 50%");
        expect(run.out).toContain("pulumi config set --path 'services.notification.canary.weight' 50");
        expect(run.out).toContain("pulumi config set --path 'services.email.canary.weight' 50");
        expect(run.out).toContain('--message "canary: group mail 25% -> 50% (step 3/4)"');
    });

    it("rolls back every member in one up", async () => {
        const { driver, log } = fakeStack({ overrides: GROUPED });
        expect((await canary(["rollback", "--stack", "prod", "--group", "mail", "--yes"], { stack: driver })).code).toBe(0);
        expect(log.filter((entry) => entry.startsWith("set") || entry.startsWith("up"))).toEqual([
            "set eks-canary:services.notification.canary.weight=0",
            "set eks-canary:services.email.canary.weight=0",
            "up canary: rollback group mail 25% -> 0% [notification-canary]",
        ]);
    });

    it("a walk gates on every member: one member's failure rolls the whole group back", async () => {
        const { driver, log, services } = fakeStack({ overrides: GROUPED });
        const metrics = perService({ kind: "ok", requests: 1000, target5xx: 200, connectionErrors: 0, p99Ms: 250, loadBalancer: { requests: 4000, elb5xx: 0 } });
        const run = await canary(["run", "--stack", "prod", "--group", "mail", "--yes", "--bake", "1m"], { stack: driver, metrics, lookup: vi.fn(async () => groupLookup) });
        expect(run.code).toBe(1);
        expect(metrics.canaryHealth.mock.calls.map((call) => call[0] as string)).toEqual(expect.arrayContaining(["notification", "email"]));
        expect(run.err).toContain("gate failed at 25%: email: ");
        // The first weight (25 %) is re-baked and fails: back to 10 %, the last safe step, for both.
        expect(log.filter((entry) => entry.startsWith("set"))).toEqual(["set eks-canary:services.notification.canary.weight=10", "set eks-canary:services.email.canary.weight=10"]);
        expect((services().notification.canary as { weight: number }).weight).toBe(10);
        expect((services().email.canary as { weight: number }).weight).toBe(10);
    });

    it("a walk with every member healthy steps the group to the end of the schedule", async () => {
        const { driver, services } = fakeStack({ overrides: GROUPED });
        const run = await canary(["run", "--stack", "prod", "--group", "mail", "--yes", "--bake", "1m"], {
            stack: driver,
            metrics: perService(healthy),
            lookup: vi.fn(async () => groupLookup),
        });
        expect(run.code).toBe(0);
        expect(run.out).toContain("done: group mail at 100%; promote with `npm run canary -- promote --stack prod --group mail`");
        expect((services().email.canary as { weight: number }).weight).toBe(100);
    });

    it("refuses members that run at different weights before writing anything, for every command, and says how to align them", async () => {
        for (const argv of [
            ["step", "--stack", "prod", "--group", "mail", "--yes"],
            ["rollback", "--stack", "prod", "--group", "mail", "--yes"],
            ["run", "--stack", "prod", "--group", "mail", "--yes", "--bake", "1m"],
        ]) {
            // The config holds both at 25 %, but email was deployed at 50 % by hand.
            const { driver, log } = fakeStack({ overrides: GROUPED, deployedOf: { email: 50 } });
            const run = await canary(argv, { stack: driver, metrics: perService(healthy), lookup: vi.fn(async () => groupLookup) });
            expect(run.code, argv[0]).toBe(1);
            expect(run.err).toContain("the services of group mail run at different weights (notification at 25%, email at 50%); nothing was changed");
            expect(run.err).toContain(
                "pulumi config set --stack prod --path 'services.notification.canary.weight' 25 && pulumi config set --stack prod --path 'services.email.canary.weight' 25 && " +
                    'pulumi up --stack prod --message "canary: align group mail at 25%", then commit',
            );
            expect(log.filter((entry) => !entry.startsWith("tag") && !entry.startsWith("untag"))).toEqual([]);
        }
    });

    it("resumes every member from the weight the stack runs when they agree", async () => {
        // An interrupted step: the config says 50 % for both, the stack still runs 25 % for both.
        const { driver, log } = fakeStack({
            overrides: [
                ...GROUPED.filter((entry) => !entry.startsWith("services.email.canary.weight")),
                "services.email.canary.weight=50",
                "services.notification.canary.weight=50",
            ],
            deployed: 25,
            deployedOf: { email: 25 },
        });
        const run = await canary(["step", "--stack", "prod", "--group", "mail", "--yes"], { stack: driver });
        expect(run.code).toBe(0);
        expect(log.filter((entry) => entry.startsWith("set"))).toEqual([
            "set eks-canary:services.notification.canary.weight=25",
            "set eks-canary:services.email.canary.weight=25",
            "set eks-canary:services.notification.canary.weight=50",
            "set eks-canary:services.email.canary.weight=50",
        ]);
    });
});

describe("a release's weight", () => {
    it("is its members' one weight, and a split is refused naming each member", () => {
        const member = (name: string, weight: number) => ({
            name,
            port: 80,
            healthPath: "/",
            stableImage: "a:1",
            replicas: 2,
            mode: "manual" as const,
            canary: { image: "a:2", weight },
        });
        expect(releaseWeight({ label: "group mail", group: "mail", members: [member("notification", 25), member("email", 25)] })).toBe(25);
        expect(() => releaseWeight({ label: "group mail", group: "mail", members: [member("notification", 25), member("email", 50)] })).toThrow(
            "the services of group mail stand at different weights (notification at 25%, email at 50%)",
        );
    });
});
