/**
 * The order a first `pulumi up` creates things in, as the program declares it (explicit
 * `dependsOn` and providers, recorded by the offline plan): nothing in the cluster before its
 * nodes and DNS, no custom resource before the release that installs its CRD, no route before
 * the pods it routes to.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DeclaredResource, OfflinePlan, planStack, TYPES } from "../helpers";

/** API groups served by CRDs that a release (or the Gateway API ConfigFile) of the stack installs. */
const CRD_GROUPS = ["appmesh.k8s.aws", "gateway.networking.k8s.io", "application-networking.k8s.aws", "flagger.app", "externaldns.k8s.io", "elbv2.k8s.aws"];
const INSTALLERS = [TYPES.helmRelease, "kubernetes:yaml/v2:ConfigFile"];

const VARIANTS: Record<string, [string, string[]]> = {
    dev: ["dev", []],
    prod: ["prod", []],
    "dev appmesh": ["dev", ["router=appmesh"]],
    "dev replicas": ["dev", ["router=replicas", "services.notification.replicas=4"]],
    "dev lattice automated": ["dev", ["services.notification.mode=automated"]],
    "dev appmesh automated": ["dev", ["router=appmesh", "services.notification.mode=automated"]],
};

const plans: Record<string, OfflinePlan> = {};
beforeAll(async () => {
    for (const [name, [stack, overrides]] of Object.entries(VARIANTS)) {
        plans[name] = await planStack(stack, overrides);
    }
});

/** Everything `resource` waits for: its explicit dependencies and provider, and theirs, and their children (a component dependency). */
function waitsFor(plan: OfflinePlan, resource: DeclaredResource): Set<string> {
    const byName = new Map<string, DeclaredResource[]>();
    for (const candidate of plan.resources) {
        byName.set(candidate.name, [...(byName.get(candidate.name) ?? []), candidate]);
    }
    const seen = new Set<string>();
    const queue = [...resource.dependsOn, ...(resource.provider === undefined ? [] : [resource.provider])];
    while (queue.length > 0) {
        const name = queue.pop() as string;
        if (seen.has(name)) {
            continue;
        }
        seen.add(name);
        for (const found of byName.get(name) ?? []) {
            queue.push(...found.dependsOn, ...(found.provider === undefined ? [] : [found.provider]));
        }
    }
    return seen;
}

const apiGroup = (type: string): string => type.split(":")[1].split("/")[0];

describe.each(Object.keys(VARIANTS))("%s: creation order", (variant) => {
    const plan = (): OfflinePlan => plans[variant];

    it("every Helm release and every app Deployment waits for the node group and CoreDNS", () => {
        const targets = plan().resources.filter((resource) => resource.type === TYPES.helmRelease || resource.type === TYPES.deployment);
        expect(targets.length).toBeGreaterThanOrEqual(3);
        for (const resource of targets) {
            const waits = waitsFor(plan(), resource);
            expect(waits.has("cluster-nodes") && waits.has("cluster-coredns"), `${resource.type} ${resource.name}`).toBe(true);
        }
    });

    it("every custom resource waits for a release or manifest that installs its CRD", () => {
        const custom = plan().resources.filter((resource) => resource.type.startsWith("kubernetes:") && CRD_GROUPS.includes(apiGroup(resource.type)));
        // The alb and replicas routers use built-in kinds only.
        expect(custom.length > 0).toBe(!["prod", "dev replicas"].includes(variant));
        const installers = new Set(
            plan()
                .resources.filter((resource) => INSTALLERS.includes(resource.type))
                .map((resource) => resource.name),
        );
        for (const resource of custom) {
            const waits = [...waitsFor(plan(), resource)].filter((name) => installers.has(name));
            expect(waits, `${resource.type} ${resource.name}`).not.toEqual([]);
        }
    });
});

describe("routes move weight only to Ready pods", () => {
    it.each([
        ["prod", "kubernetes:networking.k8s.io/v1:Ingress", "notification-canary"],
        ["dev", "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "notification"],
        ["dev appmesh", "kubernetes:appmesh.k8s.aws/v1beta2:VirtualRouter", "notification-router"],
    ])("%s: the %s waits for both versions' Deployments", (variant, type, name) => {
        const route = plans[variant].resources.find((resource) => resource.type === type && resource.name === name) as DeclaredResource;
        const waits = waitsFor(plans[variant], route);
        expect(waits.has("notification-v1-deployment") || waits.has("notification-v1")).toBe(true);
        expect(waits.has("notification-v2-deployment") || waits.has("notification-v2")).toBe(true);
    });

    it("App Mesh: each version's pods, and the caller's, are created after their VirtualNode", () => {
        const plan = plans["dev appmesh"];
        const deployment = (name: string): DeclaredResource => plan.resources.find((resource) => resource.type === TYPES.deployment && resource.name === name) as DeclaredResource;
        expect(waitsFor(plan, deployment("notification-v1-deployment")).has("notification-v1-virtual-node")).toBe(true);
        expect(waitsFor(plan, deployment("notification-v2-deployment")).has("notification-v2-virtual-node")).toBe(true);
        expect(waitsFor(plan, deployment("usermgmt-deployment")).has("usermgmt-virtual-node")).toBe(true);
    });
});
