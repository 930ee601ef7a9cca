import { CHARTS } from "../../infra/versions";
import { describe, expect, it } from "vitest";
import { bar, main, shortType } from "../../tools/plan";

interface Run {
    code: number;
    out: string;
    err: string;
}

/** Runs the plan command in-process, capturing what it prints. */
async function plan(...argv: string[]): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

interface JsonResource {
    type: string;
    name: string;
    parent: string | null;
    protect?: boolean;
    inputs: Record<string, unknown>;
}
interface JsonPlan {
    stack: string;
    resources: JsonResource[];
    outputs: Record<string, unknown>;
}

function find(doc: JsonPlan, type: string, name: string): JsonResource {
    const found = doc.resources.find((resource) => resource.type === type && resource.name === name);
    if (found === undefined) {
        throw new Error(`no ${type} ${name} in the plan`);
    }
    return found;
}

/** The line of the text plan that declares `label  name` (a resource line of the tree). */
function line(text: string, label: string, name: string): string {
    const found = text.split("\n").find((candidate) => candidate.includes(`${label}  ${name}`));
    if (found === undefined) {
        throw new Error(`no line "${label}  ${name}" in:\n${text}`);
    }
    return found;
}

/** The detail lines printed under the resource line `label  name`. */
function detailsOf(text: string, label: string, name: string): string {
    const lines = text.split("\n");
    const index = lines.indexOf(line(text, label, name));
    const details: string[] = [];
    for (const next of lines.slice(index + 1)) {
        if (/[├└]─ /.test(next) || next.trim() === "") {
            break;
        }
        details.push(next);
    }
    return details.join("\n");
}

describe("shortType and bar", () => {
    it("shortens type tokens", () => {
        expect(shortType("aws:rds/instance:Instance")).toBe("aws rds.Instance");
        expect(shortType("kubernetes:apps/v1:Deployment")).toBe("k8s apps/v1 Deployment");
        expect(shortType("kubernetes:core/v1:Service")).toBe("k8s v1 Service");
        expect(shortType("kubernetes:helm.sh/v3:Release")).toBe("helm Release");
        expect(shortType("eks:index:Cluster")).toBe("eks Cluster");
        expect(shortType("awsx:ec2:Vpc")).toBe("awsx ec2.Vpc");
        expect(shortType("random:index/randomPassword:RandomPassword")).toBe("random RandomPassword");
    });

    it("draws 20-cell bars, rounded", () => {
        expect(bar(75)).toBe("█".repeat(15) + "░".repeat(5));
        expect(bar(0)).toBe("░".repeat(20));
        expect(bar(100)).toBe("█".repeat(20));
        expect(bar(33)).toBe("█".repeat(7) + "░".repeat(13));
    });
});

describe("npm run plan -- --stack dev", () => {
    it("prints the header, the resource tree, the canary split and the outputs", async () => {
        const { code, out, err } = await plan("--stack", "dev");
        expect(err).toBe("");
        expect(code).toBe(0);

        expect(out).toMatch(/stack dev/);
        expect(out).toMatch(/region\s+eu-west-1/);
        expect(out).toMatch(/router\s+lattice/);
        expect(out).toMatch(/declares\s+\d+ resources, 1 provider, \d+ components/);

        // Component groups, with their children indented beneath.
        for (const component of [
            "eks-canary:network:Network  network",
            "eks-canary:cluster:Cluster  cluster",
            "eks-canary:database:Database  database",
            "eks-canary:tracing:Tracing  xray",
        ]) {
            expect(out).toContain(component);
        }
        const database = line(out, "eks-canary:database:Database", "database");
        const rds = line(out, "aws rds.Instance", "database-mysql");
        expect(rds).toContain("[protected]");
        expect(rds.indexOf("aws rds.Instance")).toBeGreaterThan(database.indexOf("eks-canary:database:Database"));
        expect(detailsOf(out, "aws rds.Instance", "database-mysql")).toMatch(/mysql 8\.4\s+db\.t4g\.micro\s+multiAz=false\s+deletionProtection=false/);

        // Helm releases with their chart versions.
        expect(detailsOf(out, "helm Release", "aws-load-balancer-controller")).toContain(`aws-load-balancer-controller@${CHARTS.loadBalancerController.version}`);
        expect(detailsOf(out, "helm Release", "external-dns")).toContain("external-dns@1.21.1");

        // X-Ray and the Ingress host.
        expect(out).toContain("k8s apps/v1 Deployment  xray-collector");
        expect(out).toMatch(/k8s v1 Service  xray-service\n.*ClusterIP  selector app=adot-collector  ports 2000\/UDP,2000\/TCP/);
        expect(out).not.toContain("DaemonSet");
        expect(detailsOf(out, "k8s v1 Service", "xray-service")).toContain("kube-system/xray-service");
        expect(detailsOf(out, "k8s networking.k8s.io/v1 Ingress", "app-ingress")).toContain("canary.dev.example.com/ → usermgmt-service:8095");
        expect(detailsOf(out, "k8s networking.k8s.io/v1 Ingress", "app-ingress")).toContain("ssl-redirect 443");

        // IRSA trust, node group, VPC, EKS.
        expect(detailsOf(out, "aws iam.Role", "external-dns-irsa")).toContain("system:serviceaccount:kube-system:external-dns");
        expect(detailsOf(out, "aws eks.NodeGroup", "cluster-nodes")).toContain("t3.large");
        expect(detailsOf(out, "awsx ec2.Vpc", "network-vpc")).toMatch(/2 AZs\s+NAT Single/);
        expect(detailsOf(out, "eks Cluster", "cluster-eks")).toContain("version 1.35");

        // dev: VPC Lattice at weight 50, 2 pods per version; the HTTPRoute carries the weights.
        expect(detailsOf(out, "k8s apps/v1 Deployment", "notification-v1-deployment")).toMatch(/replicas=2 image=stacksimplify\/kube-notifications-microservice:3\.0\.0-AWS-XRay/);
        expect(detailsOf(out, "k8s apps/v1 Deployment", "notification-v2-deployment")).toMatch(/replicas=2 image=stacksimplify\/kube-notifications-microservice:4\.0\.0-AWS-XRay/);
        expect(detailsOf(out, "k8s gateway.networking.k8s.io/v1 HTTPRoute", "notification")).toContain("weighted notification-v1:8096 50% / notification-v2:8096 50%");

        expect(out).toContain("Canary split");
        expect(out).toContain("notification  (router: lattice, weight 50)");
        expect(out).toMatch(new RegExp(`v1 stable  ${"█".repeat(10)}${"░".repeat(10)}\\s+50%  2 pods  stacksimplify/kube-notifications-microservice:3\\.0\\.0-AWS-XRay`));
        expect(out).toMatch(new RegExp(`v2 canary  ${"█".repeat(10)}${"░".repeat(10)}\\s+50%  2 pods  stacksimplify/kube-notifications-microservice:4\\.0\\.0-AWS-XRay`));

        const outputs = out.slice(out.indexOf("\nOutputs\n"));
        expect(outputs).toMatch(/url\s+https:\/\/canary\.dev\.example\.com/);
        expect(outputs).toMatch(/kubeconfig\s+\[secret\]/);
        expect(outputs).toMatch(/databaseEndpoint\s+\(known after deploy: database-mysql\.endpoint\)/);
    });

    it("shows a --set weight in the router's own resource and the chart", async () => {
        const appmesh = await plan("--stack", "dev", "--set", "router=appmesh", "--set", "services.notification.canary.weight=25");
        expect(appmesh.code).toBe(0);
        expect(detailsOf(appmesh.out, "k8s appmesh.k8s.aws/v1beta2 VirtualRouter", "notification-router")).toContain("weighted notification-v1 75% / notification-v2 25%");
        expect(appmesh.out).toMatch(new RegExp(`v1 stable  ${"█".repeat(15)}${"░".repeat(5)}\\s+75%  2 pods  `));

        const alb = await plan("--stack", "dev", "--set", "router=alb", "--set", "services.notification.canary.weight=25");
        expect(detailsOf(alb.out, "k8s networking.k8s.io/v1 Ingress", "notification-canary")).toContain(
            "action weighted-forward: forward notification-v1:8096 75% / notification-v2:8096 25%",
        );

        const lattice = await plan("--stack", "dev", "--set", "router=lattice", "--set", "services.notification.canary.weight=25");
        expect(detailsOf(lattice.out, "k8s gateway.networking.k8s.io/v1 HTTPRoute", "notification")).toContain("weighted notification-v1:8096 75% / notification-v2:8096 25%");
    });

    it("shows a --set weight in the Deployments, the chart and the JSON with the replicas router", async () => {
        const replicas = ["--set", "router=replicas", "--set", "services.notification.replicas=4"];
        const text = await plan("--stack", "dev", ...replicas, "--set", "services.notification.canary.weight=25");
        expect(text.code).toBe(0);
        expect(detailsOf(text.out, "k8s apps/v1 Deployment", "notification-v1-deployment")).toContain("replicas=3 ");
        expect(detailsOf(text.out, "k8s apps/v1 Deployment", "notification-v2-deployment")).toContain("replicas=1 ");
        expect(text.out).toContain("notification  (router: replicas, weight 25)");
        expect(text.out).toMatch(new RegExp(`v1 stable  ${"█".repeat(15)}${"░".repeat(5)}\\s+75%  3 pods  `));
        expect(text.out).toMatch(new RegExp(`v2 canary  ${"█".repeat(5)}${"░".repeat(15)}\\s+25%  1 pod   `));

        const json = await plan("--stack", "dev", ...replicas, "--set", "services.notification.canary.weight=25", "--json");
        expect(json.code).toBe(0);
        const doc = JSON.parse(json.out) as JsonPlan;
        expect(at(find(doc, "kubernetes:apps/v1:Deployment", "notification-v1-deployment").inputs, "spec", "replicas")).toBe(3);
        expect(at(find(doc, "kubernetes:apps/v1:Deployment", "notification-v2-deployment").inputs, "spec", "replicas")).toBe(1);
        expect(at(doc.outputs, "canary", "notification", "traffic")).toEqual({ stable: 75, canary: 25 });
        expect(at(doc.outputs, "canary", "notification", "replicas")).toEqual({ stable: 3, canary: 1 });
    });
});

function at(value: unknown, ...path: string[]): unknown {
    return path.reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined), value);
}

describe("bad config", () => {
    it("rejects a weight out of range, naming the key and the range", async () => {
        const { code, out, err } = await plan("--stack", "dev", "--set", "services.notification.canary.weight=150");
        expect(code).toBe(1);
        expect(out).toBe("");
        expect(err).toContain("config errors in stack dev:");
        expect(err).toMatch(/^ {2}eks-canary:services\.notification\.canary\.weight: .*0\.\.100/m);
    });

    it("rejects a weight off the step schedule, listing the steps", async () => {
        const { code, out, err } = await plan("--stack", "dev", "--set", "services.notification.canary.weight=30");
        expect(code).toBe(1);
        expect(out).toBe("");
        expect(err).toMatch(/^ {2}eks-canary:services\.notification\.canary\.weight: 30 is not a step of the schedule/m);
    });

    it("rejects a weight the replica total cannot express, saying which totals would", async () => {
        const { code, out, err } = await plan(
            "--stack",
            "dev",
            "--set",
            "router=replicas",
            "--set",
            "services.notification.replicas=4",
            "--set",
            "canary.steps[2]=30",
            "--set",
            "services.notification.canary.weight=30",
        );
        expect(code).toBe(1);
        expect(out).toBe("");
        expect(err).toContain("eks-canary:services.notification.canary.weight");
        expect(err).toContain("multiples of 10");
    });
});

describe("--json", () => {
    it("prints one deterministic JSON document with secrets redacted", async () => {
        const first = await plan("--stack", "dev", "--json");
        const second = await plan("--stack", "dev", "--json");
        expect(first.code).toBe(0);
        expect(first.err).toBe("");
        expect(second.out).toBe(first.out);

        const doc = JSON.parse(first.out) as JsonPlan;
        expect(doc.stack).toBe("dev");
        expect(doc.resources.length).toBeGreaterThan(30);
        for (const resource of doc.resources) {
            expect(Object.keys(resource)).toEqual(expect.arrayContaining(["type", "name", "parent", "inputs"]));
            expect(typeof resource.type).toBe("string");
            expect(typeof resource.name).toBe("string");
            expect(resource.parent === null || typeof resource.parent === "string").toBe(true);
            expect(typeof resource.inputs).toBe("object");
            expect(resource.protect === undefined || resource.protect).toBe(true);
        }
        expect(
            doc.resources
                .filter((resource) => resource.protect === true)
                .map((resource) => `${resource.type} ${resource.name}`)
                .sort(),
        ).toEqual(["aws:kms/key:Key database-storage", "aws:rds/instance:Instance database-mysql"]);
        expect(find(doc, "aws:rds/instance:Instance", "database-mysql").parent).toBe("database");
        expect(find(doc, "eks-canary:database:Database", "database").parent).toBeNull();

        expect(doc.outputs.kubeconfig).toBe("[secret]");
        const secret = find(doc, "kubernetes:core/v1:Secret", "database-password");
        expect(at(secret.inputs, "metadata", "name")).toBe("mysql-db-password");
        expect(secret.inputs.stringData).toBe("[secret]");
        expect(find(doc, "aws:rds/instance:Instance", "database-mysql").inputs.password).toBe("[secret]");
        expect(at(doc.outputs, "canary", "notification", "replicas")).toEqual({ stable: 2, canary: 2 });
    });
});

describe("usage", () => {
    it("lists the stacks when the stack is unknown", async () => {
        const { code, out, err } = await plan("--stack", "nope");
        expect(code).toBe(2);
        expect(out).toBe("");
        expect(err).toContain("dev, local, prod");
    });

    it("lists the stacks when --stack is missing", async () => {
        const { code, out, err } = await plan();
        expect(code).toBe(2);
        expect(out).toBe("");
        expect(err).toContain("dev, local, prod");
    });

    it("rejects unknown flags and stray arguments", async () => {
        for (const argv of [["--stack", "dev", "--verbose"], ["--stack", "dev", "extra"], ["--stack"], ["--json=yes", "--stack", "dev"]]) {
            const { code, out, err } = await plan(...argv);
            expect(code).toBe(2);
            expect(out).toBe("");
            expect(err).toContain("usage: npm run plan");
        }
    });

    it("rejects a --set that is not key=value", async () => {
        const { code, out, err } = await plan("--stack", "dev", "--set", "novalue");
        expect(code).toBe(2);
        expect(out).toBe("");
        expect(err).toContain("key=value");
    });

    it("prints help", async () => {
        const { code, out } = await plan("--help");
        expect(code).toBe(0);
        expect(out).toContain("--stack <name>");
    });
});

describe("npm run plan -- --stack prod", () => {
    it("shows three zones, a NAT gateway per zone and a protected multi-AZ database", async () => {
        const { code, out, err } = await plan("--stack", "prod");
        expect(err).toBe("");
        expect(code).toBe(0);
        // Alarms read as they fire: too many failures, too few healthy targets.
        expect(out).toMatch(/eks-canary-prod-notification-v2-healthy-targets {2}HealthyHostCount Minimum < 1 in 3 of 5 minutes/);
        expect(out).toMatch(/eks-canary-prod-notification-v2-p99 {2}TargetResponseTime p99 > 0\.5 in 3 of 5 minutes/);
        expect(detailsOf(out, "awsx ec2.Vpc", "network-vpc")).toMatch(/3 AZs\s+NAT OnePerAz/);
        expect(line(out, "aws rds.Instance", "database-mysql")).toContain("[protected]");
        expect(detailsOf(out, "aws rds.Instance", "database-mysql")).toMatch(/multiAz=true\s+deletionProtection=true\s+finalSnapshot=take/);
        expect(out).toContain("notification  (router: alb, weight 25)");
        expect(out).toMatch(/v1 stable  .*75%  3 pods/);

        const json = JSON.parse((await plan("--stack", "prod", "--json")).out) as JsonPlan;
        const vpc = find(json, "awsx:ec2:Vpc", "network-vpc");
        expect(vpc.inputs.numberOfAvailabilityZones).toBe(3);
        expect(vpc.inputs.natGateways).toEqual({ strategy: "OnePerAz" });
        const rds = find(json, "aws:rds/instance:Instance", "database-mysql");
        expect(rds.inputs.multiAz).toBe(true);
        expect(rds.inputs.deletionProtection).toBe(true);
        expect(rds.protect).toBe(true);
    });
});
