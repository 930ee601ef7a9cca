import { beforeAll, describe, expect, it } from "vitest";
import { isAfterDeploy, SECRET } from "../tools/offline";
import { byName, k8sObject, metadata, OfflinePlan, planStack, resourcesOfType, TYPES } from "./helpers";

const plans: Record<string, OfflinePlan> = {};

beforeAll(async () => {
    plans.dev = await planStack("dev");
    plans.prod = await planStack("prod");
});

const STACKS = ["dev", "prod"] as const;

describe.each(STACKS)("the whole %s stack", (stack) => {
    const plan = (): OfflinePlan => plans[stack];

    it("declares every tier", () => {
        const one = (type: string): void => expect(resourcesOfType(plan(), type), type).toHaveLength(1);
        one(TYPES.vpc);
        one(TYPES.eksCluster);
        one(TYPES.nodeGroup);
        one(TYPES.rdsInstance);
        one(TYPES.daemonSet);
        one(TYPES.ingress);
        one(TYPES.ingressClass);
        expect(
            resourcesOfType(plan(), TYPES.helmRelease)
                .map((release) => release.inputs.chart)
                .sort(),
        ).toEqual(["aws-load-balancer-controller", "external-dns"]);
        expect(k8sObject(plan(), TYPES.service, "xray-service").type).toBe(TYPES.service);
        expect(
            resourcesOfType(plan(), TYPES.deployment)
                .map((deployment) => metadata(deployment).name)
                .sort(),
        ).toEqual(["notification-v1", "notification-v2", "usermgmt-v1"]);
    });

    it("declares the same resources in dev and prod", () => {
        const names = (p: OfflinePlan): string[] => p.resources.map((resource) => `${resource.type}::${resource.name}`).sort();
        expect(names(plan())).toEqual(names(plans.dev));
    });

    it("has no two resources with one URN", () => {
        const urns = plan().resources.map((resource) => resource.urn);
        expect(new Set(urns).size).toBe(urns.length);
    });

    it("parents every custom resource, except the app Namespace, under a component", () => {
        const components = new Set(plan().resources.filter((resource) => !resource.custom).map((resource) => resource.name));
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
            ["apps", "app-ingress", "aws-load-balancer-controller", "cluster", "database", "external-dns", "mail", "network", "notification", "usermgmt", "xray"].sort(),
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

    it("puts the app's Kubernetes objects in the eks-canary namespace", () => {
        expect(metadata(byName(plan(), "apps", TYPES.namespace)).name).toBe("eks-canary");
        for (const resource of plan().resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== TYPES.namespace && r.type !== TYPES.ingressClass)) {
            const namespace = resource.type === TYPES.helmRelease ? resource.inputs.namespace : metadata(resource).namespace;
            expect(namespace, `${resource.type} ${resource.name}`).toMatch(/^(eks-canary|kube-system)$/);
        }
    });

    it("exports the url, cluster name, secret kubeconfig and database endpoint", () => {
        const domain = stack === "dev" ? "canary.dev.example.com" : "canary.example.com";
        expect(plan().outputs.url).toBe(`https://${domain}`);
        expect(plan().outputs.clusterName).toBe(`eks-canary-${stack}`);
        expect(plan().outputs.kubeconfig).toBe(SECRET);
        expect(isAfterDeploy(plan().outputs.databaseEndpoint)).toBe(true);
        expect(plan().outputs.databaseEndpoint).toBe("(known after deploy: database-mysql.endpoint)");
        expect(plan().outputs.namespace).toBe("eks-canary");
        expect(plan().outputs.router).toBe("replicas");
    });
});

describe("the canary split each stack reports", () => {
    it("dev: 50 % on 4 pods is 2/2", () => {
        expect(plans.dev.outputs.canary).toMatchObject({ notification: { weight: 50, traffic: { stable: 50, canary: 50 }, replicas: { stable: 2, canary: 2 } } });
    });

    it("prod: 25 % on 4 pods is 3/1", () => {
        expect(plans.prod.outputs.canary).toMatchObject({ notification: { weight: 25, traffic: { stable: 75, canary: 25 }, replicas: { stable: 3, canary: 1 } } });
    });

    it("reports one split per canaried service", () => {
        expect(Object.keys(plans.prod.outputs.canary as object)).toEqual(["notification"]);
    });
});
