import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError, ConfigIssue } from "../stacks/checks";
import { KUBERNETES_VERSIONS, parseStackConfig, StackConfig } from "../stacks/config";
import { planOffline } from "../tools/offline";
import { readStackFile } from "../tools/stackfile";

const ADMIN = "arn:aws:iam::111122223333:role/eks-canary-deployer";
const CERTIFICATE = "arn:aws:acm:eu-west-1:111122223333:certificate/0f1e2d3c-4b5a-4987-8654-3210fedcba98";

/** The least config that parses: every required key, nothing optional. */
function minimalRaw(): Record<string, string> {
    return {
        "aws:region": "eu-west-1",
        "eks-canary:domain": "canary.example.com",
        "eks-canary:hostedZoneId": "Z0123456789ABCDEFGHIJ",
        "eks-canary:certificateArn": CERTIFICATE,
        "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs: ["203.0.113.10/32"] }),
        "eks-canary:deployer": JSON.stringify({ kind: "workstation", roleArn: ADMIN }),
        "eks-canary:mail": JSON.stringify({ fromAddress: "noreply@example.com" }),
        "eks-canary:usermgmt": JSON.stringify({ image: "example/usermgmt:1.0.0" }),
        "eks-canary:services": JSON.stringify({
            notification: { port: 8096, healthPath: "/notification/health-status", stable: { image: "example/notification:1.0.0" } },
        }),
    };
}

/** The minimal config with its notification service edited. */
function withNotification(edit: (service: Record<string, unknown>) => void, raw = minimalRaw()): Record<string, string> {
    const services = JSON.parse(raw["eks-canary:services"]) as Record<string, Record<string, unknown>>;
    edit(services.notification);
    return { ...raw, "eks-canary:services": JSON.stringify(services) };
}

/** The issues parseStackConfig throws for `raw`; fails the test when it parses. */
function issuesOf(raw: Readonly<Record<string, string>>, stack = "test"): readonly ConfigIssue[] {
    try {
        parseStackConfig(raw, stack);
    } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).issues;
    }
    throw new Error("expected parseStackConfig to throw a ConfigError");
}

/** The one issue of `key`. */
function issueAt(issues: readonly ConfigIssue[], key: string): ConfigIssue {
    const found = issues.filter((issue) => issue.key === key);
    expect(found, `issues of ${key} among ${JSON.stringify(issues, null, 2)}`).toHaveLength(1);
    return found[0];
}

describe("parseStackConfig: a minimal valid config", () => {
    const config: StackConfig = parseStackConfig(minimalRaw(), "test");

    it("keeps the given values", () => {
        expect(config.stack).toBe("test");
        expect(config.region).toBe("eu-west-1");
        expect(config.domain).toBe("canary.example.com");
        expect(config.hostedZoneId).toBe("Z0123456789ABCDEFGHIJ");
        expect(config.certificateArn).toBe(CERTIFICATE);
        expect(config.cluster.kubernetesVersion).toBe("1.35");
        expect(config.mail?.fromAddress).toBe("noreply@example.com");
        expect(config.usermgmt.image).toBe("example/usermgmt:1.0.0");
    });

    it("applies the defaults", () => {
        expect(config.router).toBe("replicas");
        expect(config.namespace).toBe("eks-canary");
        expect(config.network).toEqual({ cidrBlock: "10.0.0.0/16", availabilityZones: 3, natGateways: "onePerAz" });
        expect(config.cluster).toEqual({
            name: "eks-canary-test",
            kubernetesVersion: "1.35",
            instanceTypes: ["t3.large"],
            nodes: { min: 2, desired: 2, max: 4 },
            nodeDiskGiB: 30,
            publicAccessCidrs: ["203.0.113.10/32"],
            adminPrincipalArns: [ADMIN],
        });
        expect(config.ingress).toEqual({ deletionProtection: true, retainAccessLogs: true });
        expect(config.database).toEqual({
            instanceClass: "db.t4g.micro",
            allocatedStorageGiB: 20,
            maxAllocatedStorageGiB: 100,
            multiAz: true,
            backupRetentionDays: 7,
            deletionProtection: true,
            finalSnapshot: true,
        });
        expect(config.usermgmt).toEqual({ image: "example/usermgmt:1.0.0", replicas: 2, calls: "notification", resources: { cpu: "250m", memory: "768Mi" } });
        expect(config.services).toEqual([
            {
                name: "notification",
                port: 8096,
                healthPath: "/notification/health-status",
                replicas: 2,
                smtp: false,
                tracingName: "Notification-Microservice",
                resources: { cpu: "250m", memory: "512Mi" },
                stable: { image: "example/notification:1.0.0" },
                mode: "manual",
            },
        ]);
        expect(config.flagger).toEqual({});
    });

    it("has no canary without a canary block", () => {
        expect(config.services[0].canary).toBeUndefined();
    });

    it("keeps falsy values (?? semantics): weight 0, false booleans", () => {
        const raw = withNotification((service) => {
            service.replicas = 4;
            service.canary = { image: "example/notification:2.0.0", weight: 0 };
        });
        raw["eks-canary:database"] = JSON.stringify({ multiAz: false, deletionProtection: false, finalSnapshot: false });
        const parsed = parseStackConfig(raw, "test");
        expect(parsed.services[0].canary).toEqual({ image: "example/notification:2.0.0", weight: 0 });
        expect(parsed.database.multiAz).toBe(false);
        expect(parsed.database.deletionProtection).toBe(false);
        expect(parsed.database.finalSnapshot).toBe(false);
    });

    it("gives a canary without a weight 0 %", () => {
        const parsed = parseStackConfig(withNotification((service) => (service.canary = { image: "example/notification:2.0.0" })), "test");
        expect(parsed.services[0].canary).toEqual({ image: "example/notification:2.0.0", weight: 0 });
    });

    it("reads numbers and booleans given as strings, as `pulumi config set` stores them", () => {
        const raw = withNotification((service) => {
            service.replicas = "4";
            service.smtp = "true";
            service.canary = { image: "example/notification:2.0.0", weight: "25" };
        });
        const parsed = parseStackConfig(raw, "test");
        expect(parsed.services[0].replicas).toBe(4);
        expect(parsed.services[0].smtp).toBe(true);
        expect(parsed.services[0].canary?.weight).toBe(25);
    });
});

describe("parseStackConfig: the stack files", () => {
    it("dev: two zones, one NAT, a deletable single-AZ database, VPC Lattice at 50 % with 2 pods per version", () => {
        const config = parseStackConfig(readStackFile("dev").config, "dev");
        expect(config.cluster.name).toBe("eks-canary-dev");
        expect(config.domain).toBe("canary.dev.example.com");
        expect(config.network).toEqual({ cidrBlock: "10.20.0.0/16", availabilityZones: 2, natGateways: "single" });
        expect(config.cluster.nodes).toEqual({ min: 2, desired: 2, max: 4 });
        expect(config.cluster.instanceTypes).toEqual(["t3.large"]);
        expect(config.database).toMatchObject({ multiAz: false, deletionProtection: false, finalSnapshot: false, maxAllocatedStorageGiB: 100 });
        expect(config.usermgmt.replicas).toBe(1);
        expect(config.services).toHaveLength(1);
        expect(config.router).toBe("lattice");
        expect(config.canary.steps).toEqual([0, 25, 50, 75, 100]);
        expect(config.services[0]).toMatchObject({ name: "notification", port: 8096, replicas: 2, smtp: true });
        expect(config.services[0].canary).toEqual({ image: "stacksimplify/kube-notifications-microservice:4.0.0-AWS-XRay", weight: 50 });
    });

    it("prod: three zones, a NAT per zone, a protected multi-AZ database, the ALB at 25 % with 3 pods per version", () => {
        const config = parseStackConfig(readStackFile("prod").config, "prod");
        expect(config.cluster.name).toBe("eks-canary-prod");
        expect(config.network).toEqual({ cidrBlock: "10.30.0.0/16", availabilityZones: 3, natGateways: "onePerAz" });
        expect(config.cluster.nodes).toEqual({ min: 3, desired: 3, max: 6 });
        expect(config.database).toEqual({
            instanceClass: "db.t4g.medium",
            allocatedStorageGiB: 50,
            maxAllocatedStorageGiB: 200,
            multiAz: true,
            backupRetentionDays: 14,
            deletionProtection: true,
            finalSnapshot: true,
        });
        expect(config.router).toBe("alb");
        expect(config.canary.steps).toEqual([0, 10, 25, 50, 100]);
        expect(config.services[0]).toMatchObject({ name: "notification", replicas: 3 });
        expect(config.services[0].canary?.weight).toBe(25);
    });

    it("a --set override of weight 0 keeps 0", () => {
        const config = parseStackConfig(readStackFile("dev", ["services.notification.canary.weight=0"]).config, "dev");
        expect(config.services[0].canary?.weight).toBe(0);
    });
});

describe("parseStackConfig: every invalid kind, with its full key and the allowed values", () => {
    it("wrong types", () => {
        const raw = minimalRaw();
        raw["eks-canary:network"] = JSON.stringify({ availabilityZones: "two" });
        raw["eks-canary:database"] = JSON.stringify({ multiAz: "yes" });
        raw["eks-canary:cluster"] = JSON.stringify({ kubernetesVersion: "1.35", instanceTypes: "t3.large" });
        raw["eks-canary:mail"] = "noreply@example.com";
        const issues = issuesOf(raw);
        expect(issueAt(issues, "eks-canary:network.availabilityZones").message).toMatch(/"two" is not an integer; allowed: an integer 2\.\.6/);
        expect(issueAt(issues, "eks-canary:database.multiAz").message).toMatch(/"yes" is not a boolean; allowed: true, false/);
        expect(issueAt(issues, "eks-canary:cluster.instanceTypes").message).toMatch(/is not a list; allowed: a list of 1\.\.20 items/);
        expect(issueAt(issues, "eks-canary:mail").message).toMatch(/is not an object; allowed keys: fromAddress/);
    });

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
        expect(issueAt(issues, "eks-canary:router").message).toMatch(/"istio" is not allowed; allowed: appmesh, alb, lattice, replicas$/);
    });

    it("an unsupported Kubernetes version lists the supported ones", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.29" }) });
        expect(issueAt(issues, "eks-canary:cluster.kubernetesVersion").message).toContain(`allowed: ${KUBERNETES_VERSIONS.join(", ")}`);
    });

    it("a malformed certificate ARN", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:certificateArn": "arn:aws:acm:eu-west-1:111122223333:certificate/not-a-uuid" });
        const message = issueAt(issues, "eks-canary:certificateArn").message;
        expect(message).toContain("is malformed");
        expect(message).toContain("an ACM certificate ARN");
    });

    it("a certificate in another region than aws:region", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:certificateArn": CERTIFICATE.replace("eu-west-1", "us-east-1") });
        expect(issues).toHaveLength(1);
        const message = issueAt(issues, "eks-canary:certificateArn").message;
        expect(message).toContain("the certificate is in us-east-1");
        expect(message).toContain("allowed: a certificate in eu-west-1");
    });

    it.each(["Canary.Example.com", "canary", "canary..example.com", "-canary.example.com"])("a malformed domain %s", (domain) => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:domain": domain });
        const message = issueAt(issues, "eks-canary:domain").message;
        expect(message).toContain("is malformed");
        expect(message).toContain("a lowercase fully qualified domain name");
    });

    it("a malformed region and hosted zone", () => {
        const issues = issuesOf({ ...minimalRaw(), "aws:region": "ireland", "eks-canary:hostedZoneId": "zone-1" });
        expect(issueAt(issues, "aws:region").message).toContain("allowed: us-east-1, us-east-2");
        expect(issueAt(issues, "eks-canary:hostedZoneId").message).toContain("a Route53 hosted zone ID");
    });

    it("missing required keys, each with the command that sets it", () => {
        const issues = issuesOf({});
        const required = [
            "aws:region",
            "eks-canary:domain",
            "eks-canary:hostedZoneId",
            "eks-canary:certificateArn",
            "eks-canary:cluster.kubernetesVersion",
            "eks-canary:usermgmt.image",
        ];
        for (const key of required) {
            const message = issueAt(issues, key).message;
            expect(message).toContain("missing");
            // Nested keys need --path: without it Pulumi sets a top-level key with a dot in its name.
            expect(message).toContain(key.includes(".") ? `pulumi config set --path '${key}' <value>` : `pulumi config set '${key}' <value>`);
        }
        expect(issueAt(issues, "eks-canary:services").message).toMatch(/^missing; allowed: an object of services/);
        expect(issueAt(issues, "eks-canary:usermgmt").message).toMatch(/^missing; allowed: an object with image/);
    });

    it("the mail sender only when a service sends mail", () => {
        const withoutMail = minimalRaw();
        delete withoutMail["eks-canary:mail"];
        expect(parseStackConfig(withoutMail, "test").mail).toBeUndefined();
        const sending = withNotification((service) => (service.smtp = true), withoutMail);
        expect(issueAt(issuesOf(sending), "eks-canary:mail.fromAddress").message).toContain("pulumi config set --path 'eks-canary:mail.fromAddress' <value>");
    });

    it.each(["aws:region", "eks-canary:domain", "eks-canary:hostedZoneId", "eks-canary:certificateArn", "eks-canary:services"])(
        "dropping only %s reports it alone",
        (key) => {
            const raw = minimalRaw();
            delete raw[key];
            const issues = issuesOf(raw);
            expect(issues.map((issue) => issue.key)).toEqual([key]);
        },
    );

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

    it("an unknown top-level key suggests the close one", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:domian": "canary.example.com" });
        expect(issues).toHaveLength(1);
        const message = issueAt(issues, "eks-canary:domian").message;
        expect(message).toContain("unknown key (did you mean domain?)");
        expect(message).toContain("allowed keys: domain, hostedZoneId, certificateArn");
    });

    it("an unknown key far from every known one has no suggestion", () => {
        const message = issueAt(issuesOf({ ...minimalRaw(), "eks-canary:colour": "blue" }), "eks-canary:colour").message;
        expect(message).toMatch(/^unknown key; allowed keys:/);
    });

    it("keys of other namespaces are not the program's business", () => {
        expect(() => parseStackConfig({ ...minimalRaw(), "aws:profile": "dev", "kubernetes:context": "x" }, "test")).not.toThrow();
    });

    it("an unknown nested key, with did-you-mean", () => {
        const raw = { ...minimalRaw(), "eks-canary:database": JSON.stringify({ multiAZ: true, engine: "postgres" }) };
        const issues = issuesOf(raw);
        expect(issueAt(issues, "eks-canary:database.multiAZ").message).toMatch(/^unknown key \(did you mean multiAz\?\); allowed keys: instanceClass, /);
        expect(issueAt(issues, "eks-canary:database.engine").message).toMatch(/^unknown key; allowed keys:/);
    });

    it("an unknown key in a service's canary block", () => {
        const issues = issuesOf(withNotification((service) => (service.canary = { image: "example/notification:2.0.0", wieght: 0 })));
        expect(issueAt(issues, "eks-canary:services.notification.canary.wieght").message).toContain("did you mean weight?");
    });

    it.each([
        ["eks-canary:services.notification.stable.image", (raw: Record<string, string>) => withNotification((service) => (service.stable = { image: "example/notification" }), raw)],
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
        const config = parseStackConfig(withNotification((service) => (service.stable = { image: digest })), "test");
        expect(config.services[0].stable.image).toBe(digest);
    });

    it("nodes with min above desired", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], nodes: { min: 3, desired: 2, max: 4 } }) });
        expect(issueAt(issues, "eks-canary:cluster.nodes").message).toBe("min 3, desired 2, max 4; allowed: min <= desired <= max");
    });

    it("nodes with desired above max", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], nodes: { min: 1, desired: 5, max: 4 } }) });
        expect(issueAt(issues, "eks-canary:cluster.nodes").message).toContain("min <= desired <= max");
    });

    it("usermgmt.calls naming a service that is not configured", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:usermgmt": JSON.stringify({ image: "example/usermgmt:1.0.0", calls: "payments" }) });
        expect(issues).toHaveLength(1);
        expect(issueAt(issues, "eks-canary:usermgmt.calls").message).toBe('"payments" is not a configured service; allowed: notification');
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
        expect(issueAt(issues, "eks-canary:services.mysql").message).toBe('its Flagger-generated object "mysql" would collide with an object of the program; allowed: another name');
        expect(issueAt(issues, "eks-canary:services.notification-v1").message).toBe('its Flagger-generated object "notification-v1" would collide with service notification; allowed: another name');
    });

    it("an invalid replica count is reported once, without a second message about the weight", () => {
        const issues = issuesOf(withNotification((service) => {
            service.replicas = 0;
            service.canary = { image: "example/notification:2.0.0", weight: 25 };
        }));
        expect(issues.map((issue) => issue.key)).toEqual(["eks-canary:services.notification.replicas"]);
    });

    it("a public API endpoint open to the whole internet, or to much of it", () => {
        const withCidrs = (publicAccessCidrs: string[]): readonly ConfigIssue[] =>
            issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs }) });
        expect(issueAt(withCidrs(["203.0.113.0/24", "0.0.0.0/0"]), "eks-canary:cluster.publicAccessCidrs[1]").message).toContain("opens the Kubernetes API to 4,294,967,296 addresses");
        // Two halves of the internet are no better than the whole.
        const halves = withCidrs(["0.0.0.0/1", "128.0.0.0/1"]);
        expect(halves.map((issue) => issue.key)).toEqual(expect.arrayContaining(["eks-canary:cluster.publicAccessCidrs[0]", "eks-canary:cluster.publicAccessCidrs[1]"]));
        expect(issueAt(withCidrs(["198.51.0.0/15"]), "eks-canary:cluster.publicAccessCidrs[0]").message).toContain("each /16 or narrower");
        expect(issueAt(withCidrs(["10.1.0.0/16"]), "eks-canary:cluster.publicAccessCidrs[0]").message).toContain("is not a public address range");
        expect(issueAt(withCidrs(["203.0.113.10/24"]), "eks-canary:cluster.publicAccessCidrs[0]").message).toContain("allowed: the network address, such as 203.0.113.0/24");
        expect(() => parseStackConfig({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs: ["198.51.100.0/16"] }) }, "t")).toThrow("host bits");
        expect(parseStackConfig({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs: ["198.51.0.0/16", "203.0.113.7/32"] }) }, "t").cluster.publicAccessCidrs).toEqual(["198.51.0.0/16", "203.0.113.7/32"]);
    });

    it("a VPC range that is not private, or not a network address", () => {
        const withNetwork = (cidrBlock: string): readonly ConfigIssue[] => issuesOf({ ...minimalRaw(), "eks-canary:network": JSON.stringify({ cidrBlock }) });
        expect(issueAt(withNetwork("8.8.0.0/16"), "eks-canary:network.cidrBlock").message).toContain("is not a private range");
        expect(issueAt(withNetwork("172.32.0.0/16"), "eks-canary:network.cidrBlock").message).toContain("is not a private range");
        expect(issueAt(withNetwork("10.20.1.0/16"), "eks-canary:network.cidrBlock").message).toContain("such as 10.20.0.0/16");
        for (const good of ["10.20.0.0/16", "172.16.0.0/16", "192.168.0.0/20"]) {
            expect(parseStackConfig({ ...minimalRaw(), "eks-canary:network": JSON.stringify({ cidrBlock: good }) }, "t").network.cidrBlock).toBe(good);
        }
    });

    it.each(["kube-system", "default", "kube-public", "kube-whatever", "flagger-system", "appmesh-system", "aws-application-networking-system"])("the system or controller namespace %s", (namespace) => {
        expect(issueAt(issuesOf({ ...minimalRaw(), "eks-canary:namespace": namespace }), "eks-canary:namespace").message).toContain("belongs to Kubernetes or to a controller");
    });

    it("a region that does not exist", () => {
        expect(issueAt(issuesOf({ ...minimalRaw(), "aws:region": "eu-fake-1" }), "aws:region").message).toContain('"eu-fake-1" is not allowed');
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

    it("a typo in the project namespace is reported, not ignored", () => {
        expect(issueAt(issuesOf({ ...minimalRaw(), "eks-canery:router": "alb" }), "eks-canery:router").message).toContain('unknown namespace "eks-canery" (did you mean eks-canary?)');
        // Other packages' keys are theirs.
        expect(() => parseStackConfig({ ...minimalRaw(), "kubernetes:context": "x" }, "t")).not.toThrow();
    });

    it("a webhook URL pasted in the wrong key is never quoted", () => {
        const url = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX";
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:flagger": JSON.stringify({ alerts: { provider: url, channel: url } }), "eks-canary:flaggerAlertUrl": url });
        expect(JSON.stringify(issues)).not.toContain("hooks.slack.com");
        expect(JSON.stringify(issues)).toContain("not shown");
    });

    it("a health path with shell or URL syntax (it reaches the load tester's shell)", () => {
        for (const path of ["/h;id", "/h$(id)", "/h`id`", "/h?x=1", "/h&x", "/h'x", "/h x", "/h|x"]) {
            const issues = issuesOf(withNotification((service) => {
                service.healthPath = path;
            }));
            expect(issueAt(issues, "eks-canary:services.notification.healthPath").message, path).toContain("malformed");
        }
    });

    it("a cluster admin that is not an IAM role or user ARN", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: ["arn:aws:sts::111122223333:assumed-role/admin/me"] }) });
        expect(issueAt(issues, "eks-canary:cluster.adminPrincipalArns[0]").message).toContain("an IAM role or user ARN");
    });

    it("a VPC block outside /16../20", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:network": JSON.stringify({ cidrBlock: "10.0.0.0/24" }) });
        expect(issueAt(issues, "eks-canary:network.cidrBlock").message).toContain("/24 is out of range");
    });

    it("a stack name that cannot name the cluster", () => {
        const issues = issuesOf(minimalRaw(), "Prod_1");
        expect(issueAt(issues, "stack").message).toContain('"Prod_1" cannot name the cluster');
    });
});

describe("parseStackConfig: the canary step schedule", () => {
    const withSchedule = (steps: unknown, weight: number, replicas = 20, router = "appmesh"): Record<string, string> => ({
        ...withNotification((service) => {
            service.replicas = replicas;
            service.canary = { image: "example/notification:2.0.0", weight };
        }),
        "eks-canary:router": router,
        "eks-canary:canary": JSON.stringify({ steps }),
    });

    it("has no schedule by default: any weight 0..100", () => {
        expect(parseStackConfig(minimalRaw(), "test").canary.steps).toEqual([]);
    });

    it("accepts a weight on the schedule", () => {
        const config = parseStackConfig(withSchedule([0, 10, 25, 50, 100], 10), "test");
        expect(config.canary.steps).toEqual([0, 10, 25, 50, 100]);
        expect(config.services[0].canary?.weight).toBe(10);
    });

    it("rejects a weight off the schedule, listing the steps", () => {
        const issues = issuesOf(withSchedule([0, 10, 25, 50, 100], 30));
        expect(issues).toHaveLength(1);
        expect(issueAt(issues, "eks-canary:services.notification.canary.weight").message).toBe(
            "30 is not a step of the schedule (eks-canary:canary.steps); allowed: 0, 10, 25, 50, 100",
        );
    });

    it("rejects steps that are not strictly ascending, or out of range", () => {
        expect(issueAt(issuesOf(withSchedule([0, 50, 25, 100], 0)), "eks-canary:canary.steps").message).toContain("not strictly ascending");
        expect(issueAt(issuesOf(withSchedule([0, 150], 0)), "eks-canary:canary.steps[1]").message).toContain("0..100");
        expect(issueAt(issuesOf(withSchedule([50], 50)), "eks-canary:canary.steps").message).toContain("2..101 items");
    });

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
        const issues = issuesOf(withSchedule([0, 10, 25, 50, 100], 50, 4, "linkerd"));
        expect(issues.map((issue) => issue.key)).toEqual(["eks-canary:router"]);
    });
});

describe("parseStackConfig reports all problems at once", () => {
    const raw: Record<string, string> = {
        ...withNotification((service) => {
            service.replicas = 4;
            service.canary = { image: "example/notification:2.0.0", weight: 150 };
        }),
        "eks-canary:router": "istio",
        "eks-canary:domian": "canary.example.com",
        "eks-canary:certificateArn": CERTIFICATE.replace("eu-west-1", "us-east-1"),
        "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs: ["203.0.113.10/32"], nodes: { min: 3, desired: 2, max: 4 } }),
        "eks-canary:usermgmt": JSON.stringify({ image: "example/usermgmt", calls: "payments" }),
    };
    const expectedKeys = [
        "eks-canary:domian",
        "eks-canary:certificateArn",
        "eks-canary:router",
        "eks-canary:cluster.nodes",
        "eks-canary:services.notification.canary.weight",
        "eks-canary:usermgmt.image",
        "eks-canary:usermgmt.calls",
    ];

    it("one issue per bad key, none for the good ones", () => {
        const issues = issuesOf(raw);
        expect(issues.length).toBeGreaterThanOrEqual(5);
        expect([...issues.map((issue) => issue.key)].sort()).toEqual([...expectedKeys].sort());
    });

    it("the error message lists every issue", () => {
        let message = "";
        try {
            parseStackConfig(raw, "test");
        } catch (error) {
            message = (error as Error).message;
        }
        expect(message).toMatch(new RegExp(`^invalid stack config \\(${expectedKeys.length} problems\\):`));
        for (const key of expectedKeys) {
            expect(message).toContain(`  - ${key}: `);
        }
    });
});

describe("planOffline with bad config", () => {
    it("throws the ConfigError before declaring anything", async () => {
        // Record whatever reaches a mock engine: planOffline must not get as far as replacing it.
        const registered: string[] = [];
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push(args.name);
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            "eks-canary",
            "sentinel",
            false,
        );
        // Test files may share a process: start from no config, whatever ran before.
        pulumi.runtime.setAllConfig({});
        const monitor = pulumi.runtime.getMonitor();
        const raw = { ...readStackFile("dev").config, "eks-canary:router": "linkerd", "eks-canary:domain": "Not a domain" };

        let thrown: unknown;
        try {
            await planOffline("dev", raw);
        } catch (error) {
            thrown = error;
        }

        expect(thrown).toBeInstanceOf(ConfigError);
        expect((thrown as ConfigError).issues.map((issue) => issue.key)).toEqual(["eks-canary:domain", "eks-canary:router"]);
        expect(pulumi.runtime.getMonitor()).toBe(monitor);
        expect(pulumi.runtime.getStack()).toBe("sentinel");
        expect(pulumi.runtime.allConfig()).not.toHaveProperty("eks-canary:router");
        expect(registered).toEqual([]);
    });
});

describe("parseStackConfig: cluster admins", () => {
    it("requires them, saying why and how to set them", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", publicAccessCidrs: ["203.0.113.10/32"] }) });
        expect(issues).toHaveLength(1);
        expect(issueAt(issues, "eks-canary:cluster.adminPrincipalArns").message).toContain("the cluster's creator gets no implicit admin");
        expect(issueAt(issuesOf({ ...minimalRaw(), "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [] }) }), "eks-canary:cluster.adminPrincipalArns").message).toContain(
            "1..20 items",
        );
    });
});

describe("parseStackConfig: the deployer reaches the API", () => {
    const PREVIEW = "arn:aws:iam::111122223333:role/eks-canary-preview";
    const withDeployer = (deployer: unknown, cluster: Record<string, unknown> = {}): Record<string, string> => ({
        ...minimalRaw(),
        "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs: ["203.0.113.10/32"], ...cluster }),
        "eks-canary:deployer": JSON.stringify(deployer),
    });

    it("the shipped stacks deploy from GitHub Actions on a self-hosted runner, open to its egress only", () => {
        for (const stack of ["dev", "prod"]) {
            const config = parseStackConfig(readStackFile(stack).config, stack);
            expect(config.deployer).toEqual({
                kind: "github-actions",
                runner: "eks-canary-deployer",
                previewRunner: "eks-canary-preview",
                roleArn: ADMIN,
                previewRoleArns: [PREVIEW],
            });
            expect(config.cluster.publicAccessCidrs.length).toBeGreaterThan(0);
            expect(config.cluster.adminPrincipalArns).toContain(config.deployer.roleArn);
        }
    });

    it("is required, naming the kinds and the keys to set", () => {
        const raw: Record<string, string> = { ...minimalRaw() };
        delete raw["eks-canary:deployer"];
        const message = issueAt(issuesOf(raw), "eks-canary:deployer").message;
        expect(message).toContain("workstation, github-actions, pulumi-deployments");
        expect(message).toContain("pulumi config set --path deployer.kind");
    });

    it.each(["workstation", "github-actions", "pulumi-deployments"])("%s: a private-only API endpoint is refused, naming cluster.publicAccessCidrs", (kind) => {
        const extra = kind === "github-actions" ? { runner: "self-hosted" } : kind === "pulumi-deployments" ? { agentPoolId: "0f1e2d3c-4b5a-4987-8654-3210fedcba98" } : {};
        const issues = issuesOf(withDeployer({ kind, roleArn: ADMIN, ...extra }, { publicAccessCidrs: [] }));
        expect(issues.map((issue) => issue.key)).toEqual(["eks-canary:cluster.publicAccessCidrs"]);
        expect(issues[0].message).toContain(`the ${kind} deployer runs outside the VPC this stack creates`);
        expect(issues[0].message).toContain("pulumi config set --path 'cluster.publicAccessCidrs[0]'");
    });

    it("the role that deploys must be a cluster admin", () => {
        const other = "arn:aws:iam::111122223333:role/someone-else";
        const issue = issueAt(issuesOf(withDeployer({ kind: "workstation", roleArn: other })), "eks-canary:deployer.roleArn");
        expect(issue.message).toContain("is not a cluster admin");
        expect(issue.message).toContain("eks-canary:cluster.adminPrincipalArns");
    });

    it("GitHub Actions needs a runner with a fixed egress: a GitHub-hosted label is refused", () => {
        expect(issueAt(issuesOf(withDeployer({ kind: "github-actions", roleArn: ADMIN })), "eks-canary:deployer.runner").message).toContain("missing");
        const hosted = issueAt(issuesOf(withDeployer({ kind: "github-actions", roleArn: ADMIN, runner: "ubuntu-latest" })), "eks-canary:deployer.runner").message;
        expect(hosted).toContain("is a GitHub-hosted runner");
        expect(hosted).toContain("40 at most");
    });

    it("Pulumi Deployments needs a customer-managed agent pool", () => {
        expect(issueAt(issuesOf(withDeployer({ kind: "pulumi-deployments", roleArn: ADMIN })), "eks-canary:deployer.agentPoolId").message).toContain("customer-managed");
        expect(issueAt(issuesOf(withDeployer({ kind: "pulumi-deployments", roleArn: ADMIN, agentPoolId: "pool-1" })), "eks-canary:deployer.agentPoolId").message).toContain("malformed");
    });

    it("settings of another kind are refused", () => {
        expect(issueAt(issuesOf(withDeployer({ kind: "workstation", roleArn: ADMIN, runner: "x" })), "eks-canary:deployer.runner").message).toContain("only the github-actions deployer");
        expect(issueAt(issuesOf(withDeployer({ kind: "workstation", roleArn: ADMIN, agentPoolId: "0f1e2d3c-4b5a-4987-8654-3210fedcba98" })), "eks-canary:deployer.agentPoolId").message).toContain(
            "only the pulumi-deployments deployer",
        );
    });

    it("pull requests preview on other runners than the one that deploys", () => {
        const same = issueAt(issuesOf(withDeployer({ kind: "github-actions", roleArn: ADMIN, runner: "r1", previewRunner: "r1" })), "eks-canary:deployer.previewRunner");
        expect(same.message).toContain("is the deploy runner's label");
    });

    it("a preview role is read-only, so it cannot also be an admin", () => {
        const issue = issueAt(issuesOf(withDeployer({ kind: "workstation", roleArn: ADMIN, previewRoleArns: [ADMIN] })), "eks-canary:deployer.previewRoleArns[0]");
        expect(issue.message).toContain("is also in eks-canary:cluster.adminPrincipalArns");
    });
});
