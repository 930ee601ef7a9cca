import { beforeAll, describe, expect, it } from "vitest";
import { isAfterDeploy, SECRET } from "../../tools/offline";
import { appObjectsOfType, byName, k8sObject, metadata, OfflinePlan, planStack, resourcesOfType, TYPES } from "../helpers";

const STACKS = ["dev", "prod"] as const;
type Stack = (typeof STACKS)[number];

/** What each stack file picks: its router, and what that router adds to the stack. */
/** routerComponents: the router's own component, for routers that declare shared resources (controllers). */
const EXPECTED: Record<Stack, { router: string; routerComponents: string[]; charts: string[]; ingresses: string[] }> = {
    dev: {
        router: "lattice",
        routerComponents: ["lattice"],
        charts: ["aws-load-balancer-controller", "external-dns", "external-dns", "oci://public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller-chart"],
        ingresses: ["app-ingress"],
    },
    prod: { router: "alb", routerComponents: [], charts: ["aws-load-balancer-controller", "external-dns"], ingresses: ["app-ingress", "notification-canary"] },
};
const OTHER: Record<Stack, Stack> = { dev: "prod", prod: "dev" };

const plans: Record<string, OfflinePlan> = {};

beforeAll(async () => {
    plans.dev = await planStack("dev");
    plans.prod = await planStack("prod");
    // Each stack's twin: the other stack file with this stack's router.
    plans["prod@lattice"] = await planStack("prod", [`router=${EXPECTED.dev.router}`]);
    plans["dev@alb"] = await planStack("dev", [`router=${EXPECTED.prod.router}`]);
});

describe.each(STACKS)("the whole %s stack", (stack) => {
    const plan = (): OfflinePlan => plans[stack];

    it("declares every tier", () => {
        const one = (type: string): void => expect(resourcesOfType(plan(), type), type).toHaveLength(1);
        one(TYPES.vpc);
        one(TYPES.eksCluster);
        one(TYPES.nodeGroup);
        one(TYPES.rdsInstance);
        // Tracing is the ADOT collector (a Deployment in kube-system): no X-Ray daemon.
        expect(resourcesOfType(plan(), TYPES.daemonSet)).toEqual([]);
        one(TYPES.ingressClass);
        expect(
            resourcesOfType(plan(), TYPES.ingress)
                .map((ingress) => metadata(ingress).name)
                .sort(),
        ).toEqual(EXPECTED[stack].ingresses);
        expect(
            resourcesOfType(plan(), TYPES.helmRelease)
                .map((release) => release.inputs.chart)
                .sort(),
        ).toEqual(EXPECTED[stack].charts);
        expect(k8sObject(plan(), TYPES.service, "xray-service").type).toBe(TYPES.service);
        expect(
            appObjectsOfType(plan(), TYPES.deployment)
                .map((deployment) => metadata(deployment).name)
                .sort(),
        ).toEqual(["notification-v1", "notification-v2", "usermgmt-v1"]);
    });

    it("declares the same resources as the other stack file with this stack's router", () => {
        const names = (p: OfflinePlan): string[] => p.resources.map((resource) => `${resource.type}::${resource.name}`).sort();
        const twin = plans[`${OTHER[stack]}@${EXPECTED[stack].router}`];
        expect(twin.outputs.router).toBe(EXPECTED[stack].router);
        expect(names(plan())).toEqual(names(twin));
    });

    it("has no two resources with one URN", () => {
        const urns = plan().resources.map((resource) => resource.urn);
        expect(new Set(urns).size).toBe(urns.length);
    });

    it("parents every custom resource, except the app Namespace, under a component", () => {
        const components = new Set(
            plan()
                .resources.filter((resource) => !resource.custom)
                .map((resource) => resource.name),
        );
        const orphans = plan().resources.filter((resource) => resource.custom && resource.parent === undefined);
        expect(orphans.map((resource) => `${resource.type}::${resource.name}`)).toEqual([`${TYPES.namespace}::apps`]);
        for (const resource of plan().resources) {
            if (resource.parent !== undefined) {
                expect(components.has(resource.parent), `${resource.name}'s parent ${resource.parent} is a declared component`).toBe(true);
            }
        }
    });

    it("has only the program's components at the top", () => {
        const top = plan()
            .resources.filter((resource) => resource.parent === undefined)
            .map((resource) => resource.name)
            .sort();
        expect(top).toEqual(
            [
                "apps",
                "app-ingress",
                "app-ingress-alarms",
                "alb-access-logs",
                "aws-load-balancer-controller",
                "cluster",
                "database",
                "external-dns",
                "mail",
                "network",
                "notification",
                "notification-monitor",
                "usermgmt",
                "xray",
                ...EXPECTED[stack].routerComponents,
            ].sort(),
        );
    });

    it("every component owns something", () => {
        for (const component of plan().resources.filter((resource) => !resource.custom && resource.type.startsWith("eks-canary:"))) {
            expect(
                plan().resources.some((resource) => resource.parent === component.name),
                `${component.type} ${component.name} has children`,
            ).toBe(true);
        }
    });

    it("puts the app's Kubernetes objects in the eks-canary namespace, and only the cluster agents in kube-system", () => {
        expect(metadata(byName(plan(), "apps", TYPES.namespace)).name).toBe("eks-canary");
        /** Objects of a router's own: the Lattice controller's namespace, and the cluster-scoped CRDs and GatewayClass. */
        const elsewhere: Record<string, string | undefined> = {
            [`${TYPES.helmRelease} lattice-controller`]: "aws-application-networking-system",
            "kubernetes:yaml/v2:ConfigFile lattice-gateway-api-crds": undefined,
            "kubernetes:gateway.networking.k8s.io/v1:GatewayClass lattice-gateway-class": undefined,
        };
        const inKubeSystem: string[] = [];
        for (const resource of plan().resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== TYPES.namespace && r.type !== TYPES.ingressClass)) {
            const id = `${resource.type} ${resource.name}`;
            const namespace = resource.type === TYPES.helmRelease ? resource.inputs.namespace : metadata(resource).namespace;
            if (id in elsewhere) {
                expect(namespace, id).toBe(elsewhere[id]);
                continue;
            }
            expect(namespace, id).toMatch(/^(eks-canary|kube-system)$/);
            if (namespace === "kube-system") {
                inKubeSystem.push(resource.name);
            }
        }
        // The load balancer controller, ExternalDNS (dev: also the one for Lattice's private zone) and
        // the ADOT collector, outside the app namespace (and any mesh).
        expect(inKubeSystem.sort()).toEqual(
            [
                "aws-load-balancer-controller",
                "external-dns",
                ...(stack === "dev" ? ["lattice-dns"] : []),
                "xray-collector",
                "xray-collector-config",
                "xray-collector-pdb",
                "xray-sa",
                "xray-service",
            ].sort(),
        );
    });

    it("exports the url, cluster name, secret kubeconfig and database endpoint", () => {
        const domain = stack === "dev" ? "canary.dev.example.com" : "canary.example.com";
        expect(plan().outputs.url).toBe(`https://${domain}`);
        expect(plan().outputs.clusterName).toBe(`eks-canary-${stack}`);
        expect(plan().outputs.kubeconfig).toBe(SECRET);
        expect(isAfterDeploy(plan().outputs.databaseEndpoint)).toBe(true);
        expect(plan().outputs.databaseEndpoint).toBe("(known after deploy: database-mysql.endpoint)");
        expect(plan().outputs.namespace).toBe("eks-canary");
        expect(plan().outputs.router).toBe(EXPECTED[stack].router);
    });
});

describe("the canary split each stack reports", () => {
    it("dev: VPC Lattice at 50 %, 2 pods per version", () => {
        expect(plans.dev.outputs.canary).toMatchObject({
            notification: { router: "lattice", weight: 50, traffic: { stable: 50, canary: 50 }, replicas: { stable: 2, canary: 2 } },
        });
    });

    it("prod: the ALB at 25 %, 3 pods per version", () => {
        expect(plans.prod.outputs.canary).toMatchObject({
            notification: { router: "alb", weight: 25, traffic: { stable: 75, canary: 25 }, replicas: { stable: 3, canary: 3 } },
        });
    });

    it.each(STACKS)("%s: the Deployments run the reported pods", (stack) => {
        const replicas = (name: string): number | undefined => (byName(plans[stack], name, TYPES.deployment).inputs.spec as { replicas?: number }).replicas;
        const split = (plans[stack].outputs.canary as Record<string, { replicas: { stable: number; canary: number } }>).notification.replicas;
        expect({ stable: replicas("notification-v1-deployment"), canary: replicas("notification-v2-deployment") }).toEqual(split);
    });

    it("reports one split per canaried service", () => {
        expect(Object.keys(plans.prod.outputs.canary as object)).toEqual(["notification"]);
    });
});
