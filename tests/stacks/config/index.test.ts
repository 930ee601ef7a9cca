/**
 * parseStackConfig's top level (stacks/config/index.ts): the shipped stacks, every section's
 * defaults, the top-level keys and namespaces, and the problems of all sections reported at once.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../stacks/checks";
import { EksStackConfig, parseEksStackConfig } from "../../../stacks/config";
import { planOffline } from "../../../tools/offline";
import { readStackFile } from "../../../tools/stackfile";
import { ADMIN, CERTIFICATE, issueAt, issuesOf, minimalRaw, withNotification } from "./helpers";

describe("parseStackConfig: a minimal valid config", () => {
    // Parsed inside each test, not once at collection: a mutation run activates its mutant only
    // when the tests start, so a value parsed earlier would never see it.
    let config: EksStackConfig;
    beforeEach(() => {
        config = parseEksStackConfig(minimalRaw(), "test");
    });

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
        expect(config.services).toStrictEqual([
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
        const parsed = parseEksStackConfig(raw, "test");
        expect(parsed.services[0].canary).toEqual({ image: "example/notification:2.0.0", weight: 0 });
        expect(parsed.database.multiAz).toBe(false);
        expect(parsed.database.deletionProtection).toBe(false);
        expect(parsed.database.finalSnapshot).toBe(false);
    });

    it("gives a canary without a weight 0 %", () => {
        const parsed = parseEksStackConfig(
            withNotification((service) => (service.canary = { image: "example/notification:2.0.0" })),
            "test",
        );
        expect(parsed.services[0].canary).toEqual({ image: "example/notification:2.0.0", weight: 0 });
    });

    it("reads numbers and booleans given as strings, as `pulumi config set` stores them", () => {
        const raw = withNotification((service) => {
            service.replicas = "4";
            service.smtp = "true";
            service.canary = { image: "example/notification:2.0.0", weight: "25" };
        });
        const parsed = parseEksStackConfig(raw, "test");
        expect(parsed.services[0].replicas).toBe(4);
        expect(parsed.services[0].smtp).toBe(true);
        expect(parsed.services[0].canary?.weight).toBe(25);
    });
});

describe("parseStackConfig: the stack files", () => {
    it("dev: two zones, one NAT, a deletable single-AZ database, VPC Lattice at 50 % with 2 pods per version", () => {
        const config = parseEksStackConfig(readStackFile("dev").config, "dev");
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
        const config = parseEksStackConfig(readStackFile("prod").config, "prod");
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
        const config = parseEksStackConfig(readStackFile("dev", ["services.notification.canary.weight=0"]).config, "dev");
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
        expect(parseEksStackConfig(withoutMail, "test").mail).toBeUndefined();
        const sending = withNotification((service) => (service.smtp = true), withoutMail);
        expect(issueAt(issuesOf(sending), "eks-canary:mail.fromAddress").message).toContain("pulumi config set --path 'eks-canary:mail.fromAddress' <value>");
    });

    it.each(["aws:region", "eks-canary:domain", "eks-canary:hostedZoneId", "eks-canary:certificateArn", "eks-canary:services"])("dropping only %s reports it alone", (key) => {
        const raw = minimalRaw();
        delete raw[key];
        const issues = issuesOf(raw);
        expect(issues.map((issue) => issue.key)).toEqual([key]);
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
        expect(() => parseEksStackConfig({ ...minimalRaw(), "aws:profile": "dev", "kubernetes:context": "x" }, "test")).not.toThrow();
    });

    it.each(["kube-system", "default", "kube-public", "kube-whatever", "flagger-system", "appmesh-system", "aws-application-networking-system"])(
        "the system or controller namespace %s",
        (namespace) => {
            expect(issueAt(issuesOf({ ...minimalRaw(), "eks-canary:namespace": namespace }), "eks-canary:namespace").message).toContain("belongs to Kubernetes or to a controller");
        },
    );

    it("a region that does not exist", () => {
        expect(issueAt(issuesOf({ ...minimalRaw(), "aws:region": "eu-fake-1" }), "aws:region").message).toContain('"eu-fake-1" is not allowed');
    });

    it("a typo in the project namespace is reported, not ignored", () => {
        expect(issueAt(issuesOf({ ...minimalRaw(), "eks-canery:router": "alb" }), "eks-canery:router").message).toContain(
            'unknown namespace "eks-canery" (did you mean eks-canary?)',
        );
        // Other packages' keys are theirs.
        expect(() => parseEksStackConfig({ ...minimalRaw(), "kubernetes:context": "x" }, "t")).not.toThrow();
    });

    it("a stack name that cannot name the cluster", () => {
        const issues = issuesOf(minimalRaw(), "Prod_1");
        expect(issueAt(issues, "stack").message).toContain('"Prod_1" cannot name the cluster');
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
        "eks-canary:cluster": JSON.stringify({
            kubernetesVersion: "1.35",
            adminPrincipalArns: [ADMIN],
            publicAccessCidrs: ["203.0.113.10/32"],
            nodes: { min: 3, desired: 2, max: 4 },
        }),
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
            parseEksStackConfig(raw, "test");
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
        const raw = { ...readStackFile("dev").config, "eks-canary:router": "istio", "eks-canary:domain": "Not a domain" };

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
