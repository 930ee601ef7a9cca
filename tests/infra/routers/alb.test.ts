/**
 * The alb router declared on its own under mocks: per service an internal Ingress whose forward
 * action weighs the versions' target groups, and an ExternalName Service to the ALB.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ALB_DRAINING } from "../../../infra/draining";
import { alb } from "../../../infra/routers/alb";
import { CanaryServiceSpec, NO_PREREQUISITES, RouteEndpoint, TrafficRouter, VersionPrerequisites } from "../../../infra/routers/contract";
import { isUnsupported, RouterHealth, TaggedResource } from "../../../infra/routers/plugin";
import { RESOURCE_TYPES } from "../../../infra/resource-types";
import { afterDeploy, fakeLookup, NAMESPACE, parentOf, Recording, recordResources, Registered, resolved, routerEnvironment, workloadsOf } from "./mocks";

const SPEC: CanaryServiceSpec = { name: "notification", namespace: NAMESPACE, port: 8096, healthPath: "/notification/health-status", replicas: 4, weight: 25, hasCanary: true };
const VERSIONS = { stable: "notification-v1", canary: "notification-v2" };
const ACTION = "alb.ingress.kubernetes.io/actions.weighted-forward";

interface Declared {
    recording: Recording;
    router: TrafficRouter;
    prerequisites: VersionPrerequisites;
    endpoint: RouteEndpoint;
    host: string;
    clientDependencies: readonly unknown[];
}

async function declare(spec: CanaryServiceSpec, versions: { stable: string; canary?: string }, tags?: Record<string, string>): Promise<Declared> {
    const recording = await recordResources();
    const env = routerEnvironment(tags === undefined ? {} : { tags });
    const router = alb.create(env);
    const parent = parentOf(spec.name);
    const prerequisites = router.prepareVersions(spec, versions, parent);
    const endpoint = router.route(spec, versions, parent, workloadsOf(spec.name, env.k8sProvider, versions.canary !== undefined));
    const clientDependencies = router.client(
        { name: "usermgmt", namespace: NAMESPACE, port: 8095, healthPath: "/health", podLabels: { app: "usermgmt" }, serviceName: "usermgmt-service", calls: [spec.name] },
        parent,
    );
    const host = await resolved(endpoint.host);
    await recording.settle();
    return { recording, router, prerequisites, endpoint, host, clientDependencies };
}

const ingressOf = (declared: Declared): Registered => declared.recording.one(RESOURCE_TYPES.ingress, "notification-canary");
const annotationsOf = (ingress: Registered): Record<string, string> => (ingress.inputs.metadata as { annotations: Record<string, string> }).annotations;
const actionOf = (ingress: Registered): { forwardConfig: { targetGroups: { serviceName: string; servicePort: number; weight: number }[] } } =>
    JSON.parse(annotationsOf(ingress)[ACTION]);

describe("alb router at weight 25", () => {
    let declared: Declared;
    beforeAll(async () => {
        declared = await declare(SPEC, VERSIONS, { team: "canary", env: "test" });
    });

    it("declares only an Ingress and its ExternalName Service for the service, as children of the service", () => {
        const children = declared.recording.resources.filter((resource) => resource.parent === "notification");
        expect(children.map((resource) => `${resource.type} ${resource.name}`).sort()).toEqual([
            `${RESOURCE_TYPES.service} notification-shared`,
            `${RESOURCE_TYPES.ingress} notification-canary`,
        ]);
        expect(children.every((resource) => resource.provider === "k8s")).toBe(true);
    });

    it("weighs the forward action 75 to v1 and 25 to v2, on the service's port", () => {
        expect(actionOf(ingressOf(declared)).forwardConfig.targetGroups).toEqual([
            { serviceName: "notification-v1", servicePort: 8096, weight: 75 },
            { serviceName: "notification-v2", servicePort: 8096, weight: 25 },
        ]);
    });

    it("makes the ALB internal, open to the VPC only, named after the stack and service, health-checked on the service's path and tagged", () => {
        const ingress = ingressOf(declared);
        expect(ingress.inputs.spec).toMatchObject({
            ingressClassName: "alb",
            rules: [{ http: { paths: [{ path: "/", backend: { service: { name: "weighted-forward", port: { name: "use-annotation" } } } }] } }],
        });
        expect(annotationsOf(ingress)).toMatchObject({
            "alb.ingress.kubernetes.io/scheme": "internal",
            "alb.ingress.kubernetes.io/inbound-cidrs": "10.20.0.0/16",
            "alb.ingress.kubernetes.io/load-balancer-name": "demo-notification",
            "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 8096 }]),
            "alb.ingress.kubernetes.io/healthcheck-path": "/notification/health-status",
            "alb.ingress.kubernetes.io/tags": "team=canary,env=test",
        });
    });

    it("declares the Ingress after the load balancer controller and both versions' workloads", () => {
        expect(ingressOf(declared).dependsOn).toEqual(expect.arrayContaining(["load-balancer-controller", "notification-v1-workload", "notification-v2-workload"]));
    });

    it("points the shared name at the ALB's DNS name, and returns it as the endpoint", () => {
        const shared = declared.recording.one(RESOURCE_TYPES.service, "notification-shared");
        expect(shared.inputs.metadata).toMatchObject({ name: "notification-clusterip-service", namespace: NAMESPACE });
        expect(shared.inputs.spec).toMatchObject({ type: "ExternalName", externalName: afterDeploy("notification-canary", "status.loadBalancer.ingress[0].hostname") });
        expect(declared.host).toBe("notification-clusterip-service");
        expect(declared.endpoint.port).toBe(8096);
    });

    it("needs nothing before the versions' pods or the clients' pods, and runs all pods in each version", () => {
        expect(declared.prerequisites).toEqual(NO_PREREQUISITES);
        expect(declared.clientDependencies).toEqual([]);
        expect(declared.router.replicas(SPEC)).toEqual({ stable: 4, canary: 4 });
        expect(declared.router.replicas({ ...SPEC, weight: 0, hasCanary: false })).toEqual({ stable: 4, canary: 0 });
        expect(declared.router).toMatchObject({ kind: "alb", podServiceAccountName: undefined, podAnnotations: {}, podDependencies: [], draining: ALB_DRAINING });
        expect(declared.router.flagger).toBeUndefined();
    });

    it("reads back, with its own split reader, the weights it declared", () => {
        const ingress = ingressOf(declared);
        expect(alb.splitReaders[RESOURCE_TYPES.ingress](ingress.inputs)).toEqual([
            {
                label: 'Ingress "notification-canary" action weighted-forward',
                targets: [
                    { name: "notification-v1", weight: 75 },
                    { name: "notification-v2", weight: 25 },
                ],
            },
        ]);
    });
});

describe("alb router without a canary", () => {
    let declared: Declared;
    beforeAll(async () => {
        declared = await declare({ ...SPEC, weight: 0, hasCanary: false }, { stable: "notification-v1" });
    });

    it("forwards everything to v1 alone, and its split reader reads 100", () => {
        const ingress = ingressOf(declared);
        expect(actionOf(ingress).forwardConfig.targetGroups).toEqual([{ serviceName: "notification-v1", servicePort: 8096, weight: 100 }]);
        expect(alb.splitReaders[RESOURCE_TYPES.ingress](ingress.inputs)[0].targets).toEqual([{ name: "notification-v1", weight: 100 }]);
    });

    it("waits for the one workload there is, and puts no tags annotation without tags", () => {
        const ingress = ingressOf(declared);
        expect(ingress.dependsOn).toEqual(expect.arrayContaining(["load-balancer-controller", "notification-v1-workload"]));
        expect(ingress.dependsOn).not.toContain("notification-v2-workload");
        expect(annotationsOf(ingress)).not.toHaveProperty(["alb.ingress.kubernetes.io/tags"]);
    });

    it("refuses a weight without a canary version", async () => {
        const recording = await recordResources();
        const env = routerEnvironment();
        const router = alb.create(env);
        expect(() =>
            router.route({ ...SPEC, hasCanary: false }, { stable: "notification-v1" }, parentOf("notification"), workloadsOf("notification", env.k8sProvider, false)),
        ).toThrow(/needs a canary version/);
        await recording.settle();
    });
});

describe("alb plug-in traits", () => {
    const location = { clusterName: "demo", namespace: NAMESPACE };
    const stack = { "elbv2.k8s.aws/cluster": "demo", "ingress.k8s.aws/stack": "apps/notification-canary" };
    const targetGroup = (id: string, service: string): TaggedResource => ({
        arn: `arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-apps-${id}/${id}`,
        tags: { ...stack, "ingress.k8s.aws/resource": `apps/notification-canary-${service}:8096` },
    });
    const balancer: TaggedResource = {
        arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/demo-notification/lb1",
        tags: { ...stack, "ingress.k8s.aws/resource": "LoadBalancer" },
    };

    it("splits requests, cannot be driven by Flagger, labels nothing and names the canary Ingress", () => {
        expect(alb.splits).toBe("requests");
        expect(isUnsupported(alb.flagger) && alb.flagger.unsupported).toMatch(/Flagger has no provider/);
        expect(alb.namespaceLabels("demo")).toEqual({});
        expect(alb.objectNames("orders")).toEqual(["orders-canary"]);
        expect(alb.describers).toEqual({});
        expect(Object.keys(alb.splitReaders)).toEqual([RESOURCE_TYPES.ingress]);
        expect(alb.command.promoteRefusal).toBeUndefined();
    });

    it("sends load to the shared Service by its cluster DNS name", () => {
        expect(alb.command.loadUrl({ name: "notification", port: 8096, healthPath: "/health" }, location)).toBe(
            "http://notification-clusterip-service.apps.svc.cluster.local:8096/health",
        );
    });

    const notification = { name: "notification", port: 8096, healthPath: "/health" };

    function albHealth(): RouterHealth {
        if (isUnsupported(alb.health)) {
            throw new Error("alb has health metrics");
        }
        return alb.health;
    }

    it("finds each version's target group and the load balancer by the controller's tags", async () => {
        const lookup = fakeLookup([targetGroup("v1", "notification-v1"), targetGroup("v2", "notification-v2"), balancer]);
        expect(await albHealth().find(notification, "v2", location, lookup)).toEqual({
            target: { targetGroup: "targetgroup/k8s-apps-v2/v2", loadBalancer: "app/demo-notification/lb1" },
        });
        expect(lookup.calls.map((call) => call.types)).toEqual([["elasticloadbalancing:targetgroup"], ["elasticloadbalancing:loadbalancer"]]);
        expect(lookup.calls[0].tags).toEqual({ ...stack, "ingress.k8s.aws/resource": "apps/notification-canary-notification-v2:8096" });
        expect(lookup.calls[1].tags).toEqual({ ...stack, "ingress.k8s.aws/resource": "LoadBalancer" });
        expect(await albHealth().find(notification, "v1", location, lookup)).toEqual({
            target: { targetGroup: "targetgroup/k8s-apps-v1/v1", loadBalancer: "app/demo-notification/lb1" },
        });
    });

    it("says why when no target group, or several, or no load balancer is found", async () => {
        const find = albHealth().find;
        expect(await find(notification, "v2", location, fakeLookup([targetGroup("v1", "notification-v1"), balancer]))).toEqual({
            missing: expect.stringMatching(/^found no target group of apps\/notification-v2:8096 behind Ingress apps\/notification-canary/),
        });
        const two = await find(notification, "v2", location, fakeLookup([targetGroup("a", "notification-v2"), targetGroup("b", "notification-v2"), balancer]));
        expect(two).toEqual({
            ambiguous: expect.stringMatching(
                /^expected one target group of apps\/notification-v2:8096 behind Ingress apps\/notification-canary, found 2: arn:.*k8s-apps-a\/a, arn:.*k8s-apps-b\/b$/,
            ),
        });
        expect(await find(notification, "v2", location, fakeLookup([targetGroup("v2", "notification-v2")]))).toEqual({
            missing: expect.stringMatching(/^found no load balancer of Ingress apps\/notification-canary/),
        });
    });
});
