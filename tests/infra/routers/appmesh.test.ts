/**
 * The appmesh router declared on its own under mocks: the controller, the Mesh and the Envoy
 * identity; per service a VirtualNode per version, a weighted VirtualRouter and a VirtualService;
 * per client a VirtualNode with the routed services as backends; and its Flagger routing.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appmesh } from "../../../infra/routers/appmesh";
import { APPMESH_PROMETHEUS_URL } from "../../../infra/routers/appmesh/flagger";
import { AppMeshRouter } from "../../../infra/routers/appmesh/router";
import { CanaryServiceSpec, ClientSpec, FlaggerContext, FlaggerInstallation, FlaggerServiceRouting, RouteEndpoint, VersionPrerequisites } from "../../../infra/routers/contract";
import { isUnsupported } from "../../../infra/routers/plugin";
import { RESOURCE_TYPES } from "../../../infra/resource-types";
import { NAMESPACE, OIDC, parentOf, Recording, recordResources, resolved, routerEnvironment, workloadsOf } from "./mocks";

const SPEC: CanaryServiceSpec = { name: "notification", namespace: NAMESPACE, port: 8096, healthPath: "/notification/health-status", replicas: 2, weight: 25, hasCanary: true };
const VERSIONS = { stable: "notification-v1", canary: "notification-v2" };
const CLIENT: ClientSpec = {
    name: "usermgmt",
    namespace: NAMESPACE,
    port: 8095,
    healthPath: "/usermgmt/health-status",
    podLabels: { app: "usermgmt", tier: "web" },
    serviceName: "usermgmt-service",
    calls: ["notification"],
};
const CORE = ["appmesh-controller", "appmesh-mesh"];

const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
afterAll(() => warnings.mockRestore());

const names = (resources: readonly pulumi.Resource[]): Promise<string[]> =>
    Promise.all(resources.map((resource) => resolved(resource.urn).then((urn) => urn.slice(urn.lastIndexOf("::") + 2))));
const backendsOf = (spec: unknown): string[] =>
    (spec as { backends: { virtualService: { virtualServiceRef: { name: string } } }[] }).backends.map((backend) => backend.virtualService.virtualServiceRef.name);

describe("appmesh router of a manual service at weight 25", () => {
    let recording: Recording;
    let router: AppMeshRouter;
    let prerequisites: VersionPrerequisites;
    let endpoint: RouteEndpoint;
    let host: string;
    let prerequisiteNames: { v1: string[]; v2: string[] };
    let clientDependencies: string[];
    let serviceAccount: string;
    beforeAll(async () => {
        recording = await recordResources();
        const env = routerEnvironment({ externalPorts: [3306, 587], tags: { team: "canary" } });
        router = appmesh.create(env) as AppMeshRouter;
        const parent = parentOf("notification");
        prerequisites = router.prepareVersions(SPEC, VERSIONS, parent);
        endpoint = router.route(SPEC, VERSIONS, parent, workloadsOf("notification", env.k8sProvider));
        const client = router.client(CLIENT, parentOf("usermgmt"));
        [host, serviceAccount] = await Promise.all([resolved(endpoint.host), resolved(router.podServiceAccountName)]);
        prerequisiteNames = { v1: await names(prerequisites.v1), v2: await names(prerequisites.v2) };
        clientDependencies = await names(client);
        await recording.settle();
    });

    it("warns that App Mesh is discontinued, naming its successors", () => {
        expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/discontinued App Mesh on 2026-09-30.*alb or lattice/));
    });

    it("installs the controller with its IRSA role, then the Mesh over the namespaces labelled with its name", () => {
        const release = recording.one(RESOURCE_TYPES.helmRelease, "appmesh-controller");
        expect(release.inputs).toMatchObject({
            name: "appmesh-controller",
            namespace: "appmesh-system",
            values: { region: "eu-west-1", serviceAccount: { name: "appmesh-controller" } },
        });
        const trust = JSON.parse(String(recording.one(RESOURCE_TYPES.role, "appmesh-controller-irsa").inputs.assumeRolePolicy));
        expect(trust.Statement[0].Condition.StringEquals).toEqual({
            [`${OIDC.issuer}:sub`]: "system:serviceaccount:appmesh-system:appmesh-controller",
            [`${OIDC.issuer}:aud`]: "sts.amazonaws.com",
        });
        const mesh = recording.one(RESOURCE_TYPES.mesh, "appmesh-mesh");
        expect(mesh.inputs.spec).toEqual({ namespaceSelector: { matchLabels: { mesh: "demo" } }, egressFilter: { type: "ALLOW_ALL" } });
        expect(mesh.dependsOn).toEqual(["appmesh-controller"]);
    });

    it("runs routed pods as the Envoy service account, whose role may stream the mesh's config and write X-Ray", () => {
        expect(serviceAccount).toBe("appmesh-envoy");
        expect(recording.one(RESOURCE_TYPES.serviceAccount, "appmesh-envoy").inputs.metadata).toMatchObject({ name: "appmesh-envoy", namespace: NAMESPACE });
        const policy = JSON.parse(String(recording.one(RESOURCE_TYPES.rolePolicy, "appmesh-envoy-irsa").inputs.policy));
        expect(policy.Statement[0]).toMatchObject({ Action: "appmesh:StreamAggregatedResources", Resource: "arn:aws:appmesh:eu-west-1:*:mesh/demo/virtualNode/*" });
        expect(recording.one(RESOURCE_TYPES.rolePolicyAttachment, "appmesh-envoy-irsa-0").inputs.policyArn).toBe("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess");
        expect(recording.one(RESOURCE_TYPES.role, "appmesh-envoy-irsa").inputs.tags).toEqual({ team: "canary" });
    });

    it("lets the apps' external ports past Envoy, sorted, and makes pods wait for the controller and the mesh", async () => {
        expect(router.podAnnotations).toEqual({ "appmesh.k8s.aws/egressIgnoredPorts": "587,3306" });
        expect(await names(router.podDependencies)).toEqual(CORE);
    });

    it("declares a VirtualNode per version, after the controller and the mesh, as each version's prerequisite", () => {
        expect(prerequisiteNames).toEqual({ v1: ["notification-v1-virtual-node"], v2: ["notification-v2-virtual-node"] });
        const v2 = recording.one(RESOURCE_TYPES.virtualNode, "notification-v2-virtual-node");
        expect(v2.parent).toBe("notification");
        expect(v2.dependsOn).toEqual(CORE);
        expect(v2.inputs.spec).toEqual({
            podSelector: { matchLabels: { app: "notification", version: "v2" } },
            listeners: [{ portMapping: { port: 8096, protocol: "http" }, healthCheck: expect.objectContaining({ path: "/notification/health-status", port: 8096 }) }],
            serviceDiscovery: { dns: { hostname: "notification-v2.apps.svc.cluster.local" } },
        });
    });

    it("weighs the VirtualRouter 75 to v1 and 25 to v2, after the virtual nodes and both workloads", () => {
        const virtualRouter = recording.one(RESOURCE_TYPES.virtualRouter, "notification-router");
        expect(virtualRouter.inputs.spec).toMatchObject({
            routes: [
                {
                    name: "weighted",
                    httpRoute: {
                        action: {
                            weightedTargets: [
                                { virtualNodeRef: { name: "notification-v1" }, weight: 75 },
                                { virtualNodeRef: { name: "notification-v2" }, weight: 25 },
                            ],
                        },
                    },
                },
            ],
        });
        expect(virtualRouter.dependsOn).toEqual(
            expect.arrayContaining([...CORE, "notification-v1-virtual-node", "notification-v2-virtual-node", "notification-v1-workload", "notification-v2-workload"]),
        );
    });

    it("names the VirtualService and a ClusterIP Service after the shared name, and returns its cluster DNS name", () => {
        const virtualService = recording.one(RESOURCE_TYPES.virtualService, "notification-virtual-service");
        expect(virtualService.inputs.spec).toEqual({
            awsName: "notification-clusterip-service.apps.svc.cluster.local",
            provider: { virtualRouter: { virtualRouterRef: { name: "notification-router" } } },
        });
        expect(virtualService.dependsOn).toEqual(expect.arrayContaining(["notification-router"]));
        expect(recording.one(RESOURCE_TYPES.service, "notification-shared").inputs).toMatchObject({
            metadata: { name: "notification-clusterip-service" },
            spec: { type: "ClusterIP", selector: { app: "notification" } },
        });
        expect(host).toBe("notification-clusterip-service.apps.svc.cluster.local");
        expect(endpoint.port).toBe(8096);
    });

    it("gives a client a VirtualNode on its app label with the routed virtual service as backend, declared after it", () => {
        expect(clientDependencies).toEqual(["usermgmt-virtual-node"]);
        const node = recording.one(RESOURCE_TYPES.virtualNode, "usermgmt-virtual-node");
        expect((node.inputs.spec as { podSelector: unknown }).podSelector).toEqual({ matchLabels: { app: "usermgmt" } });
        expect(backendsOf(node.inputs.spec)).toEqual(["notification-clusterip-service"]);
        expect(node.dependsOn).toEqual(expect.arrayContaining([...CORE, "notification-virtual-service"]));
    });

    it("runs all pods in each version", () => {
        expect(router.replicas(SPEC)).toEqual({ stable: 2, canary: 2 });
        expect(router.replicas({ ...SPEC, weight: 0, hasCanary: false })).toEqual({ stable: 2, canary: 0 });
    });

    it("reads back, with its own split reader, the weights it declared", () => {
        const virtualRouter = recording.one(RESOURCE_TYPES.virtualRouter, "notification-router");
        expect(appmesh.splitReaders[RESOURCE_TYPES.virtualRouter](virtualRouter.inputs)).toEqual([
            {
                label: 'VirtualRouter "notification-router" route "weighted"',
                targets: [
                    { name: "notification-v1", weight: 75 },
                    { name: "notification-v2", weight: 25 },
                ],
            },
        ]);
    });

    it("describes each of its own resource types in a line", () => {
        const describe = (type: string, name: string): string[] => appmesh.describers[type](recording.one(type, name).inputs);
        expect(describe(RESOURCE_TYPES.mesh, "appmesh-mesh")).toEqual(["demo  namespaces mesh=demo  egress ALLOW_ALL"]);
        expect(describe(RESOURCE_TYPES.virtualRouter, "notification-router")).toEqual(["apps/notification-router  weighted notification-v1 75% / notification-v2 25%"]);
        expect(describe(RESOURCE_TYPES.virtualService, "notification-virtual-service")).toEqual([
            "apps/notification-clusterip-service  notification-clusterip-service.apps.svc.cluster.local → router notification-router",
        ]);
        expect(describe(RESOURCE_TYPES.virtualNode, "usermgmt-virtual-node")).toEqual([
            "apps/usermgmt  pods app=usermgmt  dns usermgmt-service.apps.svc.cluster.local  backends notification-clusterip-service",
        ]);
        expect(Object.keys(appmesh.describers).sort()).toEqual(
            [RESOURCE_TYPES.mesh, RESOURCE_TYPES.virtualNode, RESOURCE_TYPES.virtualRouter, RESOURCE_TYPES.virtualService].sort(),
        );
    });
});

describe("appmesh router with an automated service", () => {
    let recording: Recording;
    let router: AppMeshRouter;
    beforeAll(async () => {
        recording = await recordResources();
        const env = routerEnvironment({ automatedServices: ["notification"] });
        router = appmesh.create(env) as AppMeshRouter;
        const orders = { ...SPEC, name: "orders", weight: 0, hasCanary: false };
        const parent = parentOf("orders");
        router.prepareVersions(orders, { stable: "orders-v1" }, parent);
        router.route(orders, { stable: "orders-v1" }, parent, workloadsOf("orders", env.k8sProvider, false));
        router.client({ ...CLIENT, calls: ["notification"] }, parentOf("usermgmt"));
        router.client({ ...CLIENT, name: "frontend", podLabels: { app: "frontend" }, calls: ["notification", "orders"] }, parentOf("frontend"));
        await resolved(router.urn);
        await recording.settle();
    });

    it("points a client's backend at Flagger's apex virtual service, the service name itself, and waits for no virtual service", () => {
        const node = recording.one(RESOURCE_TYPES.virtualNode, "usermgmt-virtual-node");
        expect(backendsOf(node.inputs.spec)).toEqual(["notification"]);
        expect(node.dependsOn.filter((name) => name.endsWith("virtual-service"))).toEqual([]);
        expect(node.dependsOn).toEqual(expect.arrayContaining(CORE));
    });

    it("still routes a manual callee through its shared name, and waits for that virtual service only", () => {
        const node = recording.one(RESOURCE_TYPES.virtualNode, "frontend-virtual-node");
        expect(backendsOf(node.inputs.spec)).toEqual(["notification", "orders-clusterip-service"]);
        expect(node.dependsOn.filter((name) => name.endsWith("virtual-service"))).toEqual(["orders-virtual-service"]);
    });

    it("routes v1 alone at 100 without a canary", () => {
        expect(appmesh.splitReaders[RESOURCE_TYPES.virtualRouter](recording.one(RESOURCE_TYPES.virtualRouter, "orders-router").inputs)[0].targets).toEqual([
            { name: "orders-v1", weight: 100 },
        ]);
    });

    it("leaves no egress annotation without external ports", () => {
        expect(router.podAnnotations).toEqual({});
    });
});

describe("appmesh router refusals", () => {
    it("refuses to route unprepared versions, a client calling an unrouted service, and a client without an app label", async () => {
        const recording = await recordResources();
        const env = routerEnvironment();
        const router = appmesh.create(env);
        const parent = parentOf("notification");
        expect(() => router.route(SPEC, VERSIONS, parent, workloadsOf("notification", env.k8sProvider))).toThrow(/call prepareVersions first/);
        expect(() => router.client(CLIENT, parent)).toThrow("client usermgmt calls notification, which the appmesh router has not routed");
        expect(() => router.client({ ...CLIENT, podLabels: { tier: "web" } }, parent)).toThrow(/no app label/);
        await recording.settle();
    });
});

describe("appmesh Flagger routing", () => {
    const service = { name: "notification", namespace: NAMESPACE, port: 8096, healthPath: "/health" };
    let recording: Recording;
    let context: FlaggerContext;
    let router: AppMeshRouter;
    let routing: FlaggerServiceRouting;
    let installation: FlaggerInstallation;
    let resolvedValues: { host: string; serviceAccount: string; before: string[] };
    beforeAll(async () => {
        recording = await recordResources();
        const env = routerEnvironment({ externalPorts: [3306] });
        router = appmesh.create(env) as AppMeshRouter;
        context = {
            parent: parentOf("flagger"),
            name: "flagger",
            aws: { region: env.aws?.region ?? "", oidcProvider: OIDC },
            namespace: NAMESPACE,
            namespaceName: NAMESPACE,
            k8sProvider: env.k8sProvider,
            services: ["notification"],
            serviceAccount: { namespace: "flagger-system", name: "flagger" },
        };
        routing = router.flagger.route(service, context.parent, context);
        installation = router.flagger.install(context);
        resolvedValues = {
            host: await resolved(routing.endpoint.host),
            serviceAccount: await resolved(installation.loadTesterValues.serviceAccountName as pulumi.Output<string>),
            before: await names(installation.before),
        };
        await recording.settle();
    });

    it("uses the appmesh provider and Flagger's builtin checks, and no templates", () => {
        expect(router.flagger.provider).toBe("appmesh:v1beta2");
        expect(router.flagger.metrics(service)).toEqual([{ name: "request-success-rate" }, { name: "request-duration" }]);
        expect(router.flagger.templates(context, [])).toEqual([]);
    });

    it("routes callers to the apex virtual service and the load test to the canary, through the mesh", () => {
        expect(resolvedValues.host).toBe("notification.apps");
        expect(routing.endpoint.port).toBe(8096);
        expect(routing.service).toEqual({ port: 8096 });
        expect(routing.loadTestUrl).toBe("http://notification-canary.apps:8096/health");
        expect(routing.dependencies).toEqual([]);
    });

    it("installs the mesh's Prometheus after the router, and puts the load tester in the mesh as the Envoy identity", () => {
        expect(installation.metricsServer).toBe(APPMESH_PROMETHEUS_URL);
        expect(resolvedValues.before).toEqual(["flagger-appmesh-prometheus"]);
        expect(installation.serviceAccountAnnotations).toEqual({});
        expect(installation.loadTesterValues).toMatchObject({
            appmesh: { enabled: true, backends: ["notification", "notification-canary"] },
            podAnnotations: { "appmesh.k8s.aws/egressIgnoredPorts": "3306" },
        });
        expect(resolvedValues.serviceAccount).toBe("appmesh-envoy");
        const prometheus = recording.one(RESOURCE_TYPES.helmRelease, "flagger-appmesh-prometheus");
        expect(prometheus.parent).toBe("flagger");
        expect(prometheus.inputs).toMatchObject({ name: "appmesh-prometheus", namespace: "appmesh-system" });
        expect(prometheus.dependsOn).toEqual(expect.arrayContaining([...CORE, "appmesh-envoy"]));
    });
});

describe("appmesh plug-in traits", () => {
    it("splits requests, is driven by Flagger's appmesh provider, labels the namespace into the mesh and names the router object", () => {
        expect(appmesh.splits).toBe("requests");
        expect(appmesh.flagger).toEqual({ provider: "appmesh:v1beta2", metricsByTargetGroup: false });
        expect(appmesh.namespaceLabels("demo")).toEqual({ mesh: "demo", "appmesh.k8s.aws/sidecarInjectorWebhook": "enabled" });
        expect(appmesh.objectNames("orders")).toEqual(["orders-router"]);
        expect(Object.keys(appmesh.splitReaders)).toEqual([RESOURCE_TYPES.virtualRouter]);
    });

    it("has no metrics for the canary command and sends load to the shared Service", () => {
        expect(isUnsupported(appmesh.health) && appmesh.health.unsupported).toMatch(/switch to alb or lattice/);
        expect(appmesh.command.loadUrl({ name: "notification", port: 8096, healthPath: "/health" }, { clusterName: "demo", namespace: NAMESPACE })).toBe(
            "http://notification-clusterip-service.apps.svc.cluster.local:8096/health",
        );
        expect(appmesh.command.promoteRefusal).toBeUndefined();
    });
});
