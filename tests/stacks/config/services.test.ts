/** The services section (stacks/config/services.ts): names, required keys, images, canary weights, health paths. */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../stacks/config";
import { issueAt, issuesOf, minimalRaw, withNotification } from "./helpers";

describe("parseStackConfig: every invalid kind, with its full key and the allowed values", () => {
    it("a canary weight out of range", () => {
        const issues = issuesOf(withNotification((service) => (service.canary = { image: "example/notification:2.0.0", weight: 150 })));
        const issue = issueAt(issues, "eks-canary:services.notification.canary.weight");
        expect(issue.message).toContain("150 is out of range");
        expect(issue.message).toContain("0..100");
    });

    it.each([
        [-1, /-1 is out of range; allowed: an integer 0\.\.100/],
        [2.5, /2\.5 is not an integer; allowed: an integer 0\.\.100/],
        ["half", /"half" is not an integer/],
    ])("a canary weight of %s", (weight, message) => {
        const issues = issuesOf(withNotification((service) => (service.canary = { image: "example/notification:2.0.0", weight })));
        expect(issueAt(issues, "eks-canary:services.notification.canary.weight").message).toMatch(message);
    });

    it("a service missing its port, health path and stable image", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:services": JSON.stringify({ notification: {} }) });
        expect(issueAt(issues, "eks-canary:services.notification.port").message).toMatch(/^missing; allowed: the container port, an integer 1\.\.65535/);
        expect(issueAt(issues, "eks-canary:services.notification.healthPath").message).toContain("missing");
        expect(issueAt(issues, "eks-canary:services.notification.stable").message).toContain("missing");
        expect(issueAt(issues, "eks-canary:services.notification.stable.image").message).toContain("missing");
    });

    it("an empty services object", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:services": "{}" });
        expect(issueAt(issues, "eks-canary:services").message).toContain("allowed: at least one service");
    });

    it("an unknown key in a service's canary block", () => {
        const issues = issuesOf(withNotification((service) => (service.canary = { image: "example/notification:2.0.0", wieght: 0 })));
        expect(issueAt(issues, "eks-canary:services.notification.canary.wieght").message).toContain("did you mean weight?");
    });

    it.each([
        [
            "eks-canary:services.notification.stable.image",
            (raw: Record<string, string>) => withNotification((service) => (service.stable = { image: "example/notification" }), raw),
        ],
        ["eks-canary:usermgmt.image", (raw: Record<string, string>) => ({ ...raw, "eks-canary:usermgmt": JSON.stringify({ image: "example/usermgmt" }) })],
        [
            "eks-canary:services.notification.canary.image",
            (raw: Record<string, string>) => withNotification((service) => (service.canary = { image: "registry.example.com:5000/notification", weight: 0 }), raw),
        ],
    ])("an image without a tag at %s", (key, edit) => {
        const message = issueAt(issuesOf(edit(minimalRaw())), key).message;
        expect(message).toContain("is malformed");
        expect(message).toContain("an image reference with a tag or digest");
    });

    it("accepts an image pinned by digest", () => {
        const digest = `example/notification@sha256:${"a".repeat(64)}`;
        const config = parseStackConfig(
            withNotification((service) => (service.stable = { image: digest })),
            "test",
        );
        expect(config.services[0].stable.image).toBe(digest);
    });

    it("a service named like the user-management app", () => {
        const raw = minimalRaw();
        const services = JSON.parse(raw["eks-canary:services"]) as Record<string, unknown>;
        services.usermgmt = { port: 9000, healthPath: "/health", stable: { image: "example/other:1.0.0" } };
        const issues = issuesOf({ ...raw, "eks-canary:services": JSON.stringify(services) });
        expect(issues).toHaveLength(1);
        expect(issueAt(issues, "eks-canary:services.usermgmt").message).toContain("user-management app");
    });

    it("a service whose Kubernetes objects would collide with the program's or another service's", () => {
        const raw: Record<string, string> = { ...minimalRaw(), "eks-canary:router": "lattice" };
        const services = JSON.parse(raw["eks-canary:services"]) as Record<string, unknown>;
        // Flagger would generate a Service `mysql`, the database's ExternalName.
        services.mysql = { port: 9000, healthPath: "/health", mode: "automated", stable: { image: "example/other:1.0.0" } };
        // An automated `notification-v1` takes that name, which notification's v1 already has.
        services["notification-v1"] = { port: 9001, healthPath: "/health", mode: "automated", stable: { image: "example/other:1.0.0" } };
        const issues = issuesOf({ ...raw, "eks-canary:services": JSON.stringify(services) });
        expect(issueAt(issues, "eks-canary:services.mysql").message).toBe(
            'its Flagger-generated object "mysql" would collide with an object of the program; allowed: another name',
        );
        expect(issueAt(issues, "eks-canary:services.notification-v1").message).toBe(
            'its Flagger-generated object "notification-v1" would collide with service notification; allowed: another name',
        );
    });

    it("an invalid replica count is reported once, without a second message about the weight", () => {
        const issues = issuesOf(
            withNotification((service) => {
                service.replicas = 0;
                service.canary = { image: "example/notification:2.0.0", weight: 25 };
            }),
        );
        expect(issues.map((issue) => issue.key)).toEqual(["eks-canary:services.notification.replicas"]);
    });

    it("a service name whose derived object names would be longer than a DNS label", () => {
        const raw = minimalRaw();
        const services = JSON.parse(raw["eks-canary:services"]) as Record<string, unknown>;
        const long = "a".repeat(46);
        const issue = issueAt(issuesOf({ ...raw, "eks-canary:services": JSON.stringify({ ...services, [long]: services.notification }) }), `eks-canary:services.${long}`);
        expect(issue.message).toContain("allowed: a name of at most 45 characters");
        expect(() => parseStackConfig({ ...raw, "eks-canary:services": JSON.stringify({ ...services, ["b".repeat(45)]: services.notification }) }, "t")).not.toThrow();
    });

    it("a typo in a service name: one error that names the service meant", () => {
        const raw = minimalRaw();
        const services = JSON.parse(raw["eks-canary:services"]) as Record<string, unknown>;
        const issues = issuesOf({ ...raw, "eks-canary:services": JSON.stringify({ ...services, notifcation: { canary: { weight: 25 } } }) });
        expect(issues).toEqual([{ key: "eks-canary:services.notifcation", message: expect.stringContaining("not a configured service (did you mean notification?)") }]);
    });

    it("a health path with shell or URL syntax (it reaches the load tester's shell)", () => {
        for (const path of ["/h;id", "/h$(id)", "/h`id`", "/h?x=1", "/h&x", "/h'x", "/h x", "/h|x"]) {
            const issues = issuesOf(
                withNotification((service) => {
                    service.healthPath = path;
                }),
            );
            expect(issueAt(issues, "eks-canary:services.notification.healthPath").message, path).toContain("malformed");
        }
    });
});
