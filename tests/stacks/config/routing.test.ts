/** The router-specific rules (stacks/config/routing.ts): the router key, and the replicas router's pod counts. */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../stacks/config";
import { issueAt, issuesOf, minimalRaw, withNotification, withSchedule } from "./helpers";

describe("parseStackConfig: every invalid kind, with its full key and the allowed values", () => {
    it("a weight the replicas cannot express names the totals that can", () => {
        const issues = issuesOf(
            withNotification((service) => {
                service.replicas = 4;
                service.canary = { image: "example/notification:2.0.0", weight: 30 };
            }),
        );
        const message = issueAt(issues, "eks-canary:services.notification.canary.weight").message;
        expect(message).toContain("30% cannot be expressed with 4 replicas");
        expect(message).toContain("multiples of 10");
    });

    it("the default 2 replicas cannot carry 25 %", () => {
        const issues = issuesOf(withNotification((service) => (service.canary = { image: "example/notification:2.0.0", weight: 25 })));
        expect(issueAt(issues, "eks-canary:services.notification.canary.weight").message).toContain("multiples of 4");
    });

    it("an unknown router lists the allowed routers", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:router": "istio" });
        expect(issueAt(issues, "eks-canary:router").message).toMatch(/"istio" is not allowed; allowed: appmesh, alb, lattice, linkerd, replicas$/);
    });
});

describe("parseStackConfig: the canary step schedule", () => {
    it("with the replicas router, refuses a replica total that cannot carry every step", () => {
        const issues = issuesOf(withSchedule([0, 10, 25, 50, 100], 50, 4, "replicas"));
        expect(issueAt(issues, "eks-canary:services.notification.replicas").message).toBe(
            "4 replicas cannot carry the schedule step 10% with the replicas router; allowed: a multiple of 20",
        );
    });

    it("with the replicas router, accepts a total that carries every step", () => {
        expect(parseStackConfig(withSchedule([0, 25, 50, 75, 100], 75, 4, "replicas"), "test").services[0].canary?.weight).toBe(75);
    });

    it("an invalid router is reported alone: the replicas router's pod-count checks are not applied in its place", () => {
        const issues = issuesOf(withSchedule([0, 10, 25, 50, 100], 50, 4, "istio"));
        expect(issues.map((issue) => issue.key)).toEqual(["eks-canary:router"]);
    });
});

describe("the router rules ask the registry's traits", () => {
    const automated = (router: string, analysis?: Record<string, unknown>): Record<string, string> => ({
        ...withNotification((service) => {
            service.mode = "automated";
            if (analysis !== undefined) {
                service.analysis = analysis;
            }
        }),
        "eks-canary:router": router,
    });

    it("automated mode behind a router Flagger cannot drive quotes its reason and names the routers it can", () => {
        for (const router of ["alb", "replicas"]) {
            const message = issueAt(issuesOf(automated(router)), "eks-canary:services.notification.mode").message;
            expect(message).toMatch(
                new RegExp(`^automated needs a router Flagger can drive, and router ${router} is not one: .+; allowed: manual, or set router to appmesh or lattice or linkerd$`),
            );
        }
    });

    it("automated mode behind appmesh or lattice is accepted", () => {
        for (const router of ["appmesh", "lattice"]) {
            expect(parseStackConfig(automated(router), "test").services[0].mode).toBe("automated");
        }
    });

    it("a target group is refused behind a router whose Flagger metrics are not keyed by one, even one Flagger drives", () => {
        for (const router of ["appmesh", "alb"]) {
            const issues = issuesOf(automated(router, { latticeTargetGroup: "tg-0123456789abcdefg" }));
            expect(issueAt(issues, "eks-canary:services.notification.analysis.latticeTargetGroup").message).toBe(
                `only the lattice router reads CloudWatch metrics by target group; router ${router} does not; allowed: remove it`,
            );
        }
        expect(parseStackConfig(automated("lattice", { latticeTargetGroup: "tg-0123456789abcdefg" }), "test").services[0].analysis?.latticeTargetGroup).toBe(
            "tg-0123456789abcdefg",
        );
    });

    it("a router that weighs requests accepts any weight and any pod total", () => {
        for (const router of ["alb", "lattice", "appmesh"]) {
            expect(parseStackConfig(withSchedule([0, 10, 25, 50, 100], 10, 3, router), "test").services[0].canary?.weight).toBe(10);
        }
    });
});
