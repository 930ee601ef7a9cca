/**
 * The replicas router declared on its own under mocks: one ClusterIP Service over both versions'
 * pods, so the weight is the canary's share of the pods.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_DRAINING } from "../../../infra/draining";
import { CanaryServiceSpec, NO_PREREQUISITES, RouteEndpoint, TrafficRouter, VersionPrerequisites } from "../../../infra/routers/contract";
import { isUnsupported } from "../../../infra/routers/plugin";
import { replicas } from "../../../infra/routers/replicas";
import { RESOURCE_TYPES } from "../../../infra/resource-types";
import { NAMESPACE, parentOf, Recording, recordResources, resolved, routerEnvironment, workloadsOf } from "./mocks";

const SPEC: CanaryServiceSpec = { name: "notification", namespace: NAMESPACE, port: 8096, healthPath: "/notification/health-status", replicas: 4, weight: 25, hasCanary: true };
const VERSIONS = { stable: "notification-v1", canary: "notification-v2" };

describe("replicas router of a service at weight 25", () => {
    let recording: Recording;
    let router: TrafficRouter;
    let prerequisites: VersionPrerequisites;
    let endpoint: RouteEndpoint;
    let host: string;
    let clientDependencies: readonly unknown[];
    beforeAll(async () => {
        recording = await recordResources();
        const env = routerEnvironment();
        router = replicas.create(env);
        const parent = parentOf("notification");
        prerequisites = router.prepareVersions(SPEC, VERSIONS, parent);
        endpoint = router.route(SPEC, VERSIONS, parent, workloadsOf("notification", env.k8sProvider));
        clientDependencies = router.client(
            { name: "usermgmt", namespace: NAMESPACE, port: 8095, healthPath: "/health", podLabels: { app: "usermgmt" }, serviceName: "usermgmt-service", calls: ["notification"] },
            parent,
        );
        host = await resolved(endpoint.host);
        await recording.settle();
    });

    it("declares one shared ClusterIP Service over both versions' pods, as the service's child, and nothing else", () => {
        const children = recording.resources.filter((resource) => resource.parent === "notification");
        expect(children.map((resource) => `${resource.type} ${resource.name}`)).toEqual([`${RESOURCE_TYPES.service} notification-shared`]);
        const shared = recording.one(RESOURCE_TYPES.service, "notification-shared");
        expect(shared.provider).toBe("k8s");
        expect(shared.inputs.metadata).toMatchObject({ name: "notification-clusterip-service", namespace: NAMESPACE, labels: { app: "notification" } });
        expect(shared.inputs.spec).toEqual({ type: "ClusterIP", selector: { app: "notification" }, ports: [{ name: "http", port: 8096, targetPort: "http", protocol: "TCP" }] });
        // Not a routing resource: it carries no weight, so it need not wait for the workloads.
        expect(shared.dependsOn).toEqual([]);
    });

    it("returns the shared Service's name and the service's port", () => {
        expect(host).toBe("notification-clusterip-service");
        expect(endpoint.port).toBe(8096);
    });

    it("needs nothing before the versions' or the clients' pods, and has no identity, annotations or Flagger routing", () => {
        expect(prerequisites).toEqual(NO_PREREQUISITES);
        expect(clientDependencies).toEqual([]);
        expect(router).toMatchObject({ kind: "replicas", podServiceAccountName: undefined, podAnnotations: {}, podDependencies: [], draining: CLUSTER_DRAINING });
        expect(router.flagger).toBeUndefined();
    });
});

describe("replicas router splits", () => {
    let router: TrafficRouter;
    beforeAll(async () => {
        const recording = await recordResources();
        router = replicas.create(routerEnvironment());
        await recording.settle();
    });

    it.each([
        [0, { stable: 4, canary: 0 }],
        [25, { stable: 3, canary: 1 }],
        [50, { stable: 2, canary: 2 }],
        [75, { stable: 1, canary: 3 }],
        [100, { stable: 0, canary: 4 }],
    ])("gives the canary its weight's share of 4 pods at %i%%", (weight, split) => {
        expect(router.replicas({ ...SPEC, weight })).toEqual(split);
    });

    it("keeps every pod on v1 without a canary", () => {
        expect(router.replicas({ ...SPEC, weight: 0, hasCanary: false, replicas: 3 })).toEqual({ stable: 3, canary: 0 });
    });

    it("refuses a weight the pod count cannot express, naming totals that can", () => {
        expect(() => router.replicas({ ...SPEC, weight: 10 })).toThrow(/10% cannot be expressed with 4 replicas.*multiples of 10/);
    });
});

describe("replicas plug-in traits", () => {
    it("splits pods, cannot be driven by Flagger, and declares no labels, objects, describers or split readers", () => {
        expect(replicas.splits).toBe("pods");
        expect(isUnsupported(replicas.flagger) && replicas.flagger.unsupported).toMatch(/blue\/green only/);
        expect(replicas.namespaceLabels("demo")).toEqual({});
        expect(replicas.objectNames("orders")).toEqual([]);
        expect(replicas.describers).toEqual({});
        expect(replicas.splitReaders).toEqual({});
    });

    it("has no per-version metrics for the canary command, and sends load to the shared Service", () => {
        expect(isUnsupported(replicas.health) && replicas.health.unsupported).toMatch(/no per-version metrics/);
        expect(replicas.command.loadUrl({ name: "notification", port: 8096, healthPath: "/health" }, { clusterName: "demo", namespace: NAMESPACE })).toBe(
            "http://notification-clusterip-service.apps.svc.cluster.local:8096/health",
        );
    });

    it("refuses the four-stage promotion, telling how to promote the service by hand", () => {
        expect(replicas.command.promoteRefusal?.("orders")).toMatch(/swap every pod at once.*services\.orders\.stable\.image/);
    });
});
