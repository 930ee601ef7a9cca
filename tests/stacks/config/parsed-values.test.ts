/**
 * What a stack file's values parse to when set (the defaults are in index.test.ts): every key
 * arrives as given, and the defaults that depend on other keys follow them.
 */
import { describe, expect, it } from "vitest";
import { parseEksStackConfig } from "../../../stacks/config";
import { ADMIN, issueAt, issuesOf, minimalRaw, withNotification } from "./helpers";

const cluster = (extra: Record<string, unknown>): Record<string, string> => ({
    ...minimalRaw(),
    "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs: ["203.0.113.10/32"], ...extra }),
});

describe("parseStackConfig: the cluster's values", () => {
    it("keeps instance types, disk size and node counts as given", () => {
        const parsed = parseEksStackConfig(cluster({ instanceTypes: ["m6i.large", "m6a.large"], nodeDiskGiB: 50, nodes: { min: 3, desired: 4, max: 8 } }), "test").cluster;
        expect(parsed).toMatchObject({ instanceTypes: ["m6i.large", "m6a.large"], nodeDiskGiB: 50, nodes: { min: 3, desired: 4, max: 8 } });
    });

    it("derives the node counts it is not given from those it is", () => {
        expect(parseEksStackConfig(cluster({ nodes: { min: 3 } }), "test").cluster.nodes).toEqual({ min: 3, desired: 3, max: 4 });
        expect(parseEksStackConfig(cluster({ nodes: { min: 1 } }), "test").cluster.nodes).toEqual({ min: 1, desired: 2, max: 4 });
        expect(parseEksStackConfig(cluster({ nodes: { desired: 6 } }), "test").cluster.nodes).toEqual({ min: 2, desired: 6, max: 6 });
    });

    it("accepts desired equal to min and to max, and refuses desired above max", () => {
        expect(parseEksStackConfig(cluster({ nodes: { min: 2, desired: 2, max: 2 } }), "test").cluster.nodes).toEqual({ min: 2, desired: 2, max: 2 });
        expect(issueAt(issuesOf(cluster({ nodes: { min: 2, desired: 5, max: 4 } })), "eks-canary:cluster.nodes").message).toBe(
            "min 2, desired 5, max 4; allowed: min <= desired <= max",
        );
    });

    it("keeps several public access ranges, and reports a malformed one at its index", () => {
        expect(parseEksStackConfig(cluster({ publicAccessCidrs: ["203.0.113.10/32", "198.51.100.0/24"] }), "test").cluster.publicAccessCidrs).toEqual([
            "203.0.113.10/32",
            "198.51.100.0/24",
        ]);
        const issues = issuesOf(cluster({ publicAccessCidrs: ["203.0.113.10/32", "not-a-cidr"] }));
        expect(issues.map((issue) => issue.key)).toEqual(["eks-canary:cluster.publicAccessCidrs[1]"]);
    });
});

describe("parseStackConfig: a service's values", () => {
    it("keeps replicas, smtp, tracing name, resources and a canary at a step of the schedule", () => {
        const raw = {
            ...withNotification((service) => {
                service.replicas = 3;
                service.smtp = true;
                service.tracingName = "Notify";
                service.resources = { cpu: "1", memory: "1Gi" };
                service.canary = { image: "example/notification:2.0.0", weight: 50 };
            }),
            "eks-canary:router": "alb",
            "eks-canary:canary": JSON.stringify({ steps: [0, 50, 100] }),
        };
        expect(parseEksStackConfig(raw, "test").services[0]).toStrictEqual({
            name: "notification",
            port: 8096,
            healthPath: "/notification/health-status",
            replicas: 3,
            smtp: true,
            tracingName: "Notify",
            resources: { cpu: "1", memory: "1Gi" },
            stable: { image: "example/notification:1.0.0" },
            canary: { image: "example/notification:2.0.0", weight: 50 },
            mode: "manual",
        });
    });

    it("title-cases each part of a hyphenated name for the default tracing name", () => {
        const raw = minimalRaw();
        const services = JSON.parse(raw["eks-canary:services"]) as Record<string, unknown>;
        const config = parseEksStackConfig({ ...raw, "eks-canary:services": JSON.stringify({ ...services, "order-mail": services.notification }) }, "test");
        expect(config.services.map((service) => service.tracingName)).toEqual(["Notification-Microservice", "Order-Mail-Microservice"]);
    });

    it("reports a malformed resource quantity at its key", () => {
        const issues = issuesOf(withNotification((service) => (service.resources = { cpu: "lots", memory: "512Mi" })));
        expect(issues.map((issue) => issue.key)).toEqual(["eks-canary:services.notification.resources.cpu"]);
    });

    it("an invalid weight is reported once, not again against the schedule", () => {
        const raw = {
            ...withNotification((service) => (service.canary = { image: "example/notification:2.0.0", weight: "half" })),
            "eks-canary:router": "alb",
            "eks-canary:canary": JSON.stringify({ steps: [10, 50, 100] }),
        };
        expect(issuesOf(raw).map((issue) => issue.key)).toEqual(["eks-canary:services.notification.canary.weight"]);
    });

    it("a pod total that cannot express a step of the schedule is reported at the replicas", () => {
        const raw = {
            ...withNotification((service) => (service.canary = { image: "example/notification:2.0.0", weight: 0 })),
            "eks-canary:router": "replicas",
            "eks-canary:canary": JSON.stringify({ steps: [0, 10, 100] }),
        };
        expect(issueAt(issuesOf(raw), "eks-canary:services.notification.replicas").message).toContain("10");
    });

    it("a misspelled service with a port or a stable image is a service of its own, not a typo", () => {
        const raw = minimalRaw();
        const services = JSON.parse(raw["eks-canary:services"]) as Record<string, unknown>;
        const withPort = issuesOf({ ...raw, "eks-canary:services": JSON.stringify({ ...services, notifcation: { port: 9000 } }) });
        expect(withPort.map((issue) => issue.key)).toContain("eks-canary:services.notifcation.healthPath");
        const withStable = issuesOf({ ...raw, "eks-canary:services": JSON.stringify({ ...services, notifcation: { stable: { image: "example/x:1.0.0" } } }) });
        expect(withStable.map((issue) => issue.key)).toContain("eks-canary:services.notifcation.port");
    });

    it("analysis is refused outside automated mode, and parsed in it", () => {
        const manual = issuesOf(withNotification((service) => (service.analysis = { threshold: 3 })));
        expect(issueAt(manual, "eks-canary:services.notification.analysis").message).toContain("only apply in automated mode");
        const automated = parseEksStackConfig(
            {
                ...withNotification((service) => {
                    service.mode = "automated";
                    service.analysis = { threshold: 3 };
                }),
                "eks-canary:router": "lattice",
            },
            "test",
        ).services[0];
        expect(automated.mode).toBe("automated");
        expect(automated.analysis?.threshold).toBe(3);
    });
});

describe("parseStackConfig: the user-management app's values", () => {
    it("keeps replicas, resources and the service it calls", () => {
        const raw = minimalRaw();
        const services = JSON.parse(raw["eks-canary:services"]) as Record<string, unknown>;
        const config = parseEksStackConfig(
            {
                ...raw,
                "eks-canary:services": JSON.stringify({ ...services, mailer: services.notification }),
                "eks-canary:usermgmt": JSON.stringify({ image: "example/usermgmt:1.0.0", replicas: 3, calls: "mailer", resources: { cpu: "500m", memory: "1Gi" } }),
            },
            "test",
        );
        expect(config.usermgmt).toStrictEqual({ image: "example/usermgmt:1.0.0", replicas: 3, calls: "mailer", resources: { cpu: "500m", memory: "1Gi" } });
    });
});

describe("parseStackConfig: mail and namespaces", () => {
    it("has no mail sender when none is given and no service sends mail", () => {
        const raw = minimalRaw();
        delete raw["eks-canary:mail"];
        expect(parseEksStackConfig(raw, "test").mail).toBeUndefined();
    });

    it("requires the sender when any one service sends mail", () => {
        const raw = minimalRaw();
        delete raw["eks-canary:mail"];
        const services = JSON.parse(raw["eks-canary:services"]) as Record<string, Record<string, unknown>>;
        const issues = issuesOf({ ...raw, "eks-canary:services": JSON.stringify({ ...services, mailer: { ...services.notification, smtp: true } }) });
        expect(issueAt(issues, "eks-canary:mail.fromAddress").message).toContain("missing");
    });

    it("ignores another package's keys but names a near miss of the region", () => {
        expect(() => parseEksStackConfig({ ...minimalRaw(), "kubernetes:context": "kind" }, "test")).not.toThrow();
        expect(issueAt(issuesOf({ ...minimalRaw(), "aws:regoin": "eu-west-1" }), "aws:regoin").message).toContain("did you mean region?");
        expect(() => parseEksStackConfig({ ...minimalRaw(), "kubernetes:regoin": "x" }, "test")).not.toThrow();
    });
});
