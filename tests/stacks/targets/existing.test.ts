/**
 * `cluster.kind: existing` (stacks/targets/existing.ts): the shipped `local` stack plans nothing in
 * AWS, MySQL in the cluster behind the same names as on EKS, the app on its node port, and the
 * Linkerd router with Flagger; config refuses what only EKS has, and EKS refuses what only an
 * existing cluster takes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { PASSWORD_SECRET_KEY } from "../../../infra/database";
import { EKS_ONLY_KEYS } from "../../../stacks/config";
import { OfflinePlan } from "../../../tools/offline";
import { at, byName, configErrors, envOf, k8sObject, mainContainer, planStack, resourcesOfType, serviceSpec, TYPES } from "../../helpers";

let plan: OfflinePlan;
beforeAll(async () => {
    plan = await planStack("local");
});

describe("the local stack (an existing cluster)", () => {
    it("declares nothing in AWS: no provider of AWS, no VPC, cluster, database, role or DNS", () => {
        const aws = plan.resources.filter((resource) => /^(aws|awsx|eks):/.test(resource.type) || resource.type === "pulumi:providers:aws");
        expect(aws.map((resource) => `${resource.type} ${resource.name}`)).toEqual([]);
        expect(plan.resources.filter((resource) => resource.type.startsWith("eks-canary:iam:"))).toEqual([]);
    });

    it("keeps a configured kubeconfig secret: in the provider's inputs and in the output", async () => {
        const withKubeconfig = await planStack("local", ["kubeconfig=apiVersion: v1\nclusters: []\ncontexts: []\nusers: [{name: u, user: {token: abc}}]"]);
        const [provider] = resourcesOfType(withKubeconfig, "pulumi:providers:kubernetes");
        expect(provider.inputs.kubeconfig).toBe("[secret]");
        expect(withKubeconfig.outputs.kubeconfig).toBe("[secret]");
        expect(plan.outputs.kubeconfig).toBeUndefined();
        expect(plan.outputs).toMatchObject({ clusterKind: "existing", clusterName: "eks-canary-local", kubeContext: "kind-kind" });
    });

    it("installs the Gateway API CRDs unless the cluster has them (cluster.gatewayApiCrds present)", async () => {
        expect(byName(plan, "linkerd-gateway-api-crds").type).toBe(TYPES.configFile);
        expect(byName(plan, "linkerd-crds").dependsOn).toContain("linkerd-gateway-api-crds");
        const present = await planStack("local", ["cluster.gatewayApiCrds=present"]);
        expect(present.resources.filter((resource) => resource.type === TYPES.configFile)).toEqual([]);
        expect(configErrors(["cluster.gatewayApiCrds=maybe"], "local")[0].message).toContain("allowed: install, present");
    });

    it("deploys through a Kubernetes provider of the configured context, with server-side apply", () => {
        const [provider] = resourcesOfType(plan, "pulumi:providers:kubernetes");
        expect(provider.name).toBe("existing-cluster");
        expect(provider.inputs.context).toBe("kind-kind");
        expect(provider.inputs.kubeconfig).toBeUndefined();
        expect(provider.inputs.enableServerSideApply).toBe("true");
    });

    it("runs MySQL 8.4 in the cluster behind the Service `mysql` and the Secret usermgmt reads, with a volume, protected", () => {
        const statefulSet = byName(plan, "database-statefulset", TYPES.statefulSet);
        expect(statefulSet.protect).toBe(true);
        expect(at(statefulSet.inputs, "spec", "persistentVolumeClaimRetentionPolicy")).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
        expect(at(statefulSet.inputs, "spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage")).toBe("2Gi");
        const container = at(statefulSet.inputs, "spec", "template", "spec", "containers", 0) as { image: string; env: { name: string; value?: string; valueFrom?: unknown }[] };
        expect(container.image).toMatch(/^mysql:8\.4\.\d+$/);
        expect(Object.fromEntries(container.env.filter((env) => env.value !== undefined).map((env) => [env.name, env.value]))).toEqual({
            MYSQL_DATABASE: "usermgmt",
            MYSQL_USER: "dbadmin",
        });
        // Outside the mesh, as RDS is on EKS.
        expect(at(statefulSet.inputs, "spec", "template", "metadata", "annotations")).toEqual({ "linkerd.io/inject": "disabled" });
        for (const password of ["database-password", "database-root-password"]) {
            expect(byName(plan, password, TYPES.randomPassword).protect).toBe(true);
        }
        expect(serviceSpec(k8sObject(plan, TYPES.service, "mysql")).type).toBe("ClusterIP");
        // Ready only once the real server listens on TCP (not the first start's temporary one): usermgmt's init container waits for that.
        expect(at(statefulSet.inputs, "spec", "template", "spec", "containers", 0, "readinessProbe", "exec", "command")).toEqual([
            "mysqladmin",
            "ping",
            "--protocol=TCP",
            "-h",
            "127.0.0.1",
            "-P3306",
            "--silent",
        ]);
        const usermgmt = envOf(mainContainer(byName(plan, "usermgmt-deployment")));
        expect(usermgmt.DB_HOSTNAME.value).toBe("mysql");
        expect(at(usermgmt.DB_PASSWORD.valueFrom, "secretKeyRef")).toEqual({ name: "mysql-db-password", key: PASSWORD_SECRET_KEY });
    });

    it("publishes the app on its node port, and says where to open it", () => {
        const service = serviceSpec(k8sObject(plan, TYPES.service, "usermgmt-service"));
        expect(service.type).toBe("NodePort");
        expect(at(service, "ports", 0, "nodePort")).toBe(30080);
        expect(plan.outputs.url).toBe("http://localhost:30080/usermgmt/health-status");
        expect(plan.outputs.dashboards).toEqual({});
    });

    it("sends no traces anywhere: no collector, and the apps keep the SDK's default address", () => {
        expect(plan.resources.filter((resource) => resource.type === "eks-canary:tracing:Tracing")).toEqual([]);
        expect(envOf(mainContainer(byName(plan, "usermgmt-deployment"))).AWS_XRAY_DAEMON_ADDRESS).toBeUndefined();
    });

    it("installs Linkerd, Flagger with the gatewayapi provider, Prometheus templates and the load tester", () => {
        for (const release of ["linkerd-crds", "linkerd-control-plane", "linkerd-viz", "flagger-release", "flagger-loadtester"]) {
            expect(byName(plan, release, TYPES.helmRelease).inputs.version, release).toBeDefined();
        }
        expect(at(byName(plan, "flagger-release").inputs, "values", "meshProvider")).toBe("gatewayapi:v1");
        expect(at(byName(plan, "flagger-release").inputs, "values", "metricsServer")).toBe("http://prometheus.linkerd-viz.svc.cluster.local:9090");
        // viz's Prometheus admits Flagger only through the chart's AuthorizationPolicy; Flagger and its templates come after viz.
        expect(at(byName(plan, "flagger-release").inputs, "values", "linkerdAuthPolicy")).toEqual({ create: true, namespace: "linkerd-viz" });
        for (const after of ["flagger-release", "linkerd-request-success-rate", "linkerd-request-duration"]) {
            expect(byName(plan, after).dependsOn, after).toContain("linkerd-viz");
        }
        // Pods are created after the control plane, whose injector must see them.
        for (const deployment of ["notification-target", "usermgmt-deployment"]) {
            expect(byName(plan, deployment).dependsOn, deployment).toContain("linkerd-control-plane");
        }
        expect(resourcesOfType(plan, TYPES.metricTemplate).map((template) => at(template.inputs, "spec", "provider", "type"))).toEqual(["prometheus", "prometheus"]);
        expect(at(byName(plan, "notification", TYPES.canary).inputs, "spec", "service", "gatewayRefs")).toEqual([
            { group: "core", kind: "Service", name: "notification", namespace: "eks-canary", port: 8096 },
        ]);
    });
});

describe("config on an existing cluster", () => {
    const keys = (overrides: readonly string[], stack = "local"): string[] => configErrors(overrides, stack).map((issue) => issue.key);

    it("plans as shipped", () => {
        expect(configErrors([], "local")).toEqual([]);
    });

    it.each([
        ["router=alb", "eks-canary:router", "router alb runs only on eks (it needs AWS), and cluster.kind is existing"],
        ["router=lattice", "eks-canary:router", "allowed: linkerd, replicas"],
        ["domain=canary.example.com", "eks-canary:domain", "which only a stack on EKS has"],
        ["certificateArn=arn:aws:acm:eu-west-1:111122223333:certificate/0f1e2d3c-4b5a-4987-8654-3210fedcba98", "eks-canary:certificateArn", "the ACM certificate"],
        ["aws:region=eu-west-1", "aws:region", "the AWS region"],
        ["tracing=adot", "eks-canary:tracing", "adot sends traces to AWS X-Ray, and cluster.kind is existing"],
        ["cluster.instanceTypes=[t3.large]", "eks-canary:cluster.instanceTypes", "an EKS cluster's setting"],
        ["database.multiAz=true", "eks-canary:database.multiAz", "an RDS setting"],
        ["services.notification.smtp=true", "eks-canary:services.notification.smtp", "mail through Amazon SES"],
        ["cluster.nodePort=8080", "eks-canary:cluster.nodePort", "30000"],
    ])("refuses %s, naming %s and why", (override, key, reason) => {
        const issue = configErrors([override], "local").find((candidate) => candidate.key === key);
        expect(issue?.message, override).toContain(reason);
    });

    it("reports an invalid cluster.kind alone: neither target's rules are applied in its place", () => {
        expect(keys(["cluster.kind=minikube"])).toEqual(["eks-canary:cluster.kind"]);
    });

    it("suggests, for an automated service, only the routers Flagger drives that run on an existing cluster", () => {
        const issue = configErrors(["router=replicas"], "local").find((candidate) => candidate.key === "eks-canary:services.notification.mode");
        expect(issue?.message).toMatch(/; allowed: manual, or set router to linkerd$/);
    });

    it.each(EKS_ONLY_KEYS.map((key) => [key]))("refuses %s, a key only an EKS stack has", (key) => {
        const value = key === "alarmUrl" ? "https://hooks.example.com/x" : key === "deployer" ? "{kind: workstation}" : key.endsWith("Id") || key.endsWith("Arn") ? "x" : "{}";
        const issue = configErrors([`${key}=${value}`], "local").find((candidate) => candidate.key === `eks-canary:${key}`);
        expect(issue?.message, key).toContain("which only a stack on EKS has, and cluster.kind is existing");
    });

    it("refuses on EKS what only an existing cluster takes", () => {
        expect(keys(["kubeconfig=apiVersion: v1\nclusters: []\ncontexts: []"], "dev")).toEqual(["eks-canary:kubeconfig"]);
        expect(keys(["cluster.kind=minikube"], "dev")).toEqual(["eks-canary:cluster.kind"]);
    });

    it("takes a kubeconfig from the secret key and never quotes a bad one", () => {
        expect(keys(["kubeconfig=apiVersion: v1\nclusters: []\ncontexts: []"])).toEqual([]);
        const [issue] = configErrors(["kubeconfig=token-abc123-not-a-kubeconfig"], "local");
        expect(issue.key).toBe("eks-canary:kubeconfig");
        expect(issue.message).not.toContain("token-abc123");
    });
});

describe("the kind cluster of the README", () => {
    it("publishes the local stack's node port on localhost, where the url output points", async () => {
        const { parse } = await import("yaml");
        const fs = await import("node:fs");
        const kind = parse(fs.readFileSync("local/kind-cluster.yaml", "utf8")) as {
            nodes: { extraPortMappings: { containerPort: number; hostPort: number; listenAddress: string }[] }[];
        };
        const nodePort = at(serviceSpec(k8sObject(plan, TYPES.service, "usermgmt-service")), "ports", 0, "nodePort");
        expect(kind.nodes[0].extraPortMappings).toEqual([expect.objectContaining({ containerPort: nodePort, hostPort: nodePort, listenAddress: "127.0.0.1" })]);
        expect(plan.outputs.url).toBe(`http://localhost:${String(nodePort)}/usermgmt/health-status`);
    });
});
