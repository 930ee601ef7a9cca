import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as appmesh from "../../../infra/crds/appmesh";
import upstreamControllerPolicy from "../../../infra/addons/appmesh-controller/appmesh-controller.json";
import {
    at,
    byName,
    changedInputs,
    childrenOf,
    DeclaredResource,
    metadata,
    OfflinePlan,
    planRouter,
    policyOf,
    replicasOf,
    resourcesOfType,
    serviceSpec,
    splitOf,
    TYPES,
    typeNameClashes,
    workloadSpec,
} from "../../helpers";

const NAMESPACE = "eks-canary";
const MESH = "eks-canary-dev";
const T = {
    mesh: "kubernetes:appmesh.k8s.aws/v1beta2:Mesh",
    virtualNode: "kubernetes:appmesh.k8s.aws/v1beta2:VirtualNode",
    virtualRouter: "kubernetes:appmesh.k8s.aws/v1beta2:VirtualRouter",
    virtualService: "kubernetes:appmesh.k8s.aws/v1beta2:VirtualService",
} as const;
const HEALTH_CHECK = { protocol: "http", healthyThreshold: 2, unhealthyThreshold: 2, timeoutMillis: 2000, intervalMillis: 5000 };

let at25: OfflinePlan;
let at50: OfflinePlan;
let at0: OfflinePlan;
let noCanary: OfflinePlan;
const warnings: string[] = [];

beforeAll(async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockImplementation((message: string) => {
        warnings.push(message);
        return Promise.resolve();
    });
    try {
        at25 = await planRouter("appmesh", 25);
        at50 = await planRouter("appmesh", 50);
        at0 = await planRouter("appmesh", 0);
        noCanary = await planRouter("appmesh", "none");
    } finally {
        warn.mockRestore();
    }
});

afterAll(() => {
    vi.restoreAllMocks();
});

function spec(resource: DeclaredResource): Record<string, unknown> {
    return at(resource.inputs, "spec") as Record<string, unknown>;
}

describe("AppMeshRouter: App Mesh is discontinued", () => {
    it("warns once per plan, naming the end date and the routers to move to", () => {
        expect(warnings).toHaveLength(4);
        for (const message of warnings) {
            expect(message).toContain("2026-09-30");
            expect(message).toMatch(/no longer accessible/);
            expect(message).toContain("pulumi config set router alb");
            expect(message).toContain("pulumi config set router lattice");
        }
    });
});

describe("AppMeshRouter: the controller", () => {
    it("is the appmesh-controller chart 1.13.3 in appmesh-system, with X-Ray tracing and its IRSA role", () => {
        const release = byName(at25, "appmesh-controller", TYPES.helmRelease);
        expect(release.parent).toBe("appmesh");
        expect(release.inputs).toMatchObject({
            name: "appmesh-controller",
            chart: "appmesh-controller",
            version: "1.13.3",
            repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
            namespace: "appmesh-system",
            createNamespace: true,
        });
        const values = at(release.inputs, "values") as Record<string, unknown>;
        expect(values.region).toBe("eu-west-1");
        expect(values.serviceAccount).toEqual({
            create: true,
            name: "appmesh-controller",
            annotations: { "eks.amazonaws.com/role-arn": "(known after deploy: appmesh-controller-irsa.arn)" },
        });
        expect(values.tracing).toEqual({ enabled: true, provider: "x-ray" });
        expect(values.xray).toEqual({ image: { repository: "public.ecr.aws/xray/aws-xray-daemon", tag: "3.6.6" } });
        expect(at(values, "resources", "requests")).toEqual({ cpu: "100m", memory: "200Mi" });
    });

    it("its IRSA role trusts appmesh-system/appmesh-controller and carries the upstream policy unchanged", () => {
        const trust = policyOf(byName(at25, "appmesh-controller-irsa", TYPES.role).inputs.assumeRolePolicy);
        expect(Object.values(trust.Statement[0].Condition?.StringEquals ?? {})).toContain("system:serviceaccount:appmesh-system:appmesh-controller");
        expect(policyOf(byName(at25, "appmesh-controller-irsa", TYPES.rolePolicy).inputs.policy)).toEqual(upstreamControllerPolicy);
    });
});

describe("AppMeshRouter: the mesh", () => {
    it("is named after the cluster, selects namespaces by the mesh label and lets traffic leave the mesh", () => {
        const mesh = byName(at25, "appmesh-mesh", T.mesh);
        expect(metadata(mesh).name).toBe(MESH);
        expect(metadata(mesh).namespace).toBeUndefined();
        expect(spec(mesh)).toEqual({ namespaceSelector: { matchLabels: { mesh: MESH } }, egressFilter: { type: "ALLOW_ALL" } });
    });

    it("the app namespace carries the mesh label and the injector label", () => {
        const namespace = byName(at25, "apps", TYPES.namespace);
        expect(metadata(namespace).labels).toMatchObject({ mesh: MESH, "appmesh.k8s.aws/sidecarInjectorWebhook": "enabled" });
    });
});

describe("AppMeshRouter: the Envoy identity", () => {
    it("is one service account in the app namespace with its IRSA role", () => {
        const account = byName(at25, "appmesh-envoy", TYPES.serviceAccount);
        expect(metadata(account)).toMatchObject({
            name: "appmesh-envoy",
            namespace: NAMESPACE,
            annotations: { "eks.amazonaws.com/role-arn": "(known after deploy: appmesh-envoy-irsa.arn)" },
        });
        const trust = policyOf(byName(at25, "appmesh-envoy-irsa", TYPES.role).inputs.assumeRolePolicy);
        expect(Object.values(trust.Statement[0].Condition?.StringEquals ?? {})).toContain(`system:serviceaccount:${NAMESPACE}:appmesh-envoy`);
    });

    it("may stream the configuration of this mesh's virtual nodes only, and write X-Ray segments", () => {
        expect(policyOf(byName(at25, "appmesh-envoy-irsa", TYPES.rolePolicy).inputs.policy).Statement).toEqual([
            {
                Sid: "StreamConfigurationOfTheMeshVirtualNodes",
                Effect: "Allow",
                Action: "appmesh:StreamAggregatedResources",
                Resource: `arn:aws:appmesh:eu-west-1:*:mesh/${MESH}/virtualNode/*`,
            },
        ]);
        expect(byName(at25, "appmesh-envoy-irsa-0", TYPES.rolePolicyAttachment).inputs.policyArn).toBe("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess");
    });

    it("every routed and client Deployment runs as it", () => {
        for (const name of ["notification-v1-deployment", "notification-v2-deployment", "usermgmt-deployment"]) {
            expect(workloadSpec(byName(at25, name, TYPES.deployment)).template.spec.serviceAccountName).toBe("appmesh-envoy");
        }
    });
});

describe("AppMeshRouter: calls outside the cluster bypass Envoy", () => {
    it("every routed and client pod leaves SMTP (587) and MySQL (3306) to the app", () => {
        for (const name of ["notification-v1-deployment", "notification-v2-deployment", "usermgmt-deployment"]) {
            const template = workloadSpec(byName(at25, name, TYPES.deployment)).template;
            expect(template.metadata.annotations, name).toEqual({
                "appmesh.k8s.aws/egressIgnoredPorts": "587,3306",
                "eks-canary/tracing": "adot",
                "eks-canary/image": template.spec.containers[0].image,
            });
        }
    });
});

describe("AppMeshRouter: a service's virtual nodes, router and service", () => {
    it.each([
        ["v1", "notification-v1"],
        ["v2", "notification-v2"],
    ])("the %s virtual node selects that version's pods and finds them by their own Service", (version, objectName) => {
        const node = byName(at25, `notification-${version}-virtual-node`, T.virtualNode);
        expect(node.parent).toBe("notification");
        expect(metadata(node)).toMatchObject({ name: objectName, namespace: NAMESPACE });
        expect(spec(node)).toEqual({
            podSelector: { matchLabels: { app: "notification", version } },
            listeners: [{ portMapping: { port: 8096, protocol: "http" }, healthCheck: { ...HEALTH_CHECK, path: "/notification/health-status", port: 8096 } }],
            serviceDiscovery: { dns: { hostname: `${objectName}.${NAMESPACE}.svc.cluster.local` } },
        });
        // The selected labels are the Deployment's pod labels.
        const pods = workloadSpec(byName(at25, `notification-${version}-deployment`, TYPES.deployment)).template.metadata.labels;
        expect(pods).toMatchObject({ app: "notification", version });
    });

    it("the virtual router sends 75 % to v1 and 25 % to v2 at weight 25", () => {
        const router = byName(at25, "notification-router", T.virtualRouter);
        expect(metadata(router)).toMatchObject({ name: "notification-router", namespace: NAMESPACE });
        expect(spec(router)).toEqual({
            listeners: [{ portMapping: { port: 8096, protocol: "http" } }],
            routes: [
                {
                    name: "weighted",
                    httpRoute: {
                        match: { prefix: "/" },
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
    });

    it("the virtual service carries the shared name and is provided by the router", () => {
        const service = byName(at25, "notification-virtual-service", T.virtualService);
        expect(metadata(service)).toMatchObject({ name: "notification-clusterip-service", namespace: NAMESPACE });
        expect(spec(service)).toEqual({
            awsName: `notification-clusterip-service.${NAMESPACE}.svc.cluster.local`,
            provider: { virtualRouter: { virtualRouterRef: { name: "notification-router" } } },
        });
    });

    it("a ClusterIP Service of the shared name gives the virtual service its DNS name", () => {
        const shared = byName(at25, "notification-shared", TYPES.service);
        expect(shared.parent).toBe("notification");
        expect(metadata(shared).name).toBe("notification-clusterip-service");
        expect(serviceSpec(shared)).toEqual({
            type: "ClusterIP",
            selector: { app: "notification" },
            ports: [{ name: "http", port: 8096, targetPort: "http", protocol: "TCP" }],
        });
    });

    it("usermgmt calls the virtual service by its full name (Envoy matches the Host header against awsName)", () => {
        const env = workloadSpec(byName(at25, "usermgmt-deployment", TYPES.deployment)).template.spec.containers[0].env ?? [];
        expect(env.find((variable) => variable.name === "NOTIFICATION_SERVICE_HOST")?.value).toBe(`notification-clusterip-service.${NAMESPACE}.svc.cluster.local`);
        expect(env.find((variable) => variable.name === "NOTIFICATION_SERVICE_PORT")?.value).toBe("8096");
    });
});

describe("AppMeshRouter: the client", () => {
    it("usermgmt's virtual node selects its pods, finds them by usermgmt-service and has notification as backend", () => {
        const node = byName(at25, "usermgmt-virtual-node", T.virtualNode);
        expect(node.parent).toBe("usermgmt");
        expect(metadata(node)).toMatchObject({ name: "usermgmt", namespace: NAMESPACE });
        expect(spec(node)).toEqual({
            podSelector: { matchLabels: { app: "usermgmt", version: "v1" } },
            listeners: [{ portMapping: { port: 8095, protocol: "http" }, healthCheck: { ...HEALTH_CHECK, path: "/usermgmt/health-status", port: 8095 } }],
            serviceDiscovery: { dns: { hostname: `usermgmt-service.${NAMESPACE}.svc.cluster.local` } },
            backends: [{ virtualService: { virtualServiceRef: { name: "notification-clusterip-service" } } }],
        });
        expect(metadata(byName(at25, "usermgmt-service", TYPES.service)).name).toBe("usermgmt-service");
    });
});

describe("AppMeshRouter: pods do not follow the weight", () => {
    it.each([
        ["0", () => at0],
        ["25", () => at25],
        ["50", () => at50],
    ])("weight %s: 4 pods per version", (_weight, plan) => {
        expect(replicasOf(plan(), "notification-v1-deployment")).toBe(4);
        expect(replicasOf(plan(), "notification-v2-deployment")).toBe(4);
        expect(splitOf(plan()).replicas).toEqual({ stable: 4, canary: 4 });
    });

    it("weight 0 with a canary: v2 keeps its pods and its virtual node at weight 0", () => {
        const targets = at(spec(byName(at0, "notification-router", T.virtualRouter)), "routes", 0, "httpRoute", "action", "weightedTargets");
        expect(targets).toEqual([
            { virtualNodeRef: { name: "notification-v1" }, weight: 100 },
            { virtualNodeRef: { name: "notification-v2" }, weight: 0 },
        ]);
        expect(metadata(byName(at0, "notification-v2-virtual-node", T.virtualNode)).name).toBe("notification-v2");
    });
});

// That the step changes the VirtualRouter and nothing else is checked for every router in contract.test.ts.
describe("AppMeshRouter: moving the weight from 25 to 50", () => {
    it("changes, in the VirtualRouter, only the two weights", () => {
        // No two resources share a type and a name.
        expect(typeNameClashes(at25)).toEqual([]);
        const { before, after } = changedInputs(at25, at50, T.virtualRouter, "notification-router");
        const targets = (inputs: Record<string, unknown>): { virtualNodeRef: { name: string }; weight?: number }[] =>
            at(inputs, "spec", "routes", 0, "httpRoute", "action", "weightedTargets") as ReturnType<typeof targets>;
        expect(targets(after)).toEqual([
            { virtualNodeRef: { name: "notification-v1" }, weight: 50 },
            { virtualNodeRef: { name: "notification-v2" }, weight: 50 },
        ]);
        for (const target of [...targets(before), ...targets(after)]) {
            delete target.weight;
        }
        expect(after).toEqual(before);
    });
});

describe("AppMeshRouter: a service without a canary block", () => {
    it("routes everything to v1 and declares no v2", () => {
        const targets = at(spec(byName(noCanary, "notification-router", T.virtualRouter)), "routes", 0, "httpRoute", "action", "weightedTargets");
        expect(targets).toEqual([{ virtualNodeRef: { name: "notification-v1" }, weight: 100 }]);
        expect(
            resourcesOfType(noCanary, T.virtualNode)
                .map((node) => metadata(node).name)
                .sort(),
        ).toEqual(["notification-v1", "usermgmt"]);
        expect(noCanary.resources.some((resource) => resource.name.startsWith("notification-v2"))).toBe(false);
        expect(replicasOf(noCanary, "notification-v1-deployment")).toBe(4);
        expect(
            childrenOf(noCanary, "notification")
                .map((child) => child.name)
                .sort(),
        ).toEqual(["notification-router", "notification-shared", "notification-v1", "notification-v1-virtual-node", "notification-virtual-service"]);
        expect(splitOf(noCanary)).toMatchObject({ router: "appmesh", weight: 0, replicas: { stable: 4, canary: 0 } });
    });
});

describe("App Mesh CRD classes refuse an invalid spec before registration", () => {
    const validRoute = (weight: number): appmesh.VirtualRouterSpec => ({
        listeners: [{ portMapping: { port: 8096, protocol: "http" } }],
        routes: [{ name: "weighted", httpRoute: { match: { prefix: "/" }, action: { weightedTargets: [{ virtualNodeRef: { name: "v1" }, weight }] } } }],
    });

    it("a weight of 101", () => {
        expect(() => new appmesh.VirtualRouter("bad-weight", { spec: validRoute(101) })).toThrow(/weight: 101 is above the maximum 100/);
    });

    it("a listener without its protocol", () => {
        const spec = { listeners: [{ portMapping: { port: 8096 } }] } as unknown as appmesh.VirtualRouterSpec;
        expect(() => new appmesh.VirtualRouter("no-protocol", { spec })).toThrow(/portMapping\.protocol: required field is missing/);
    });
});
