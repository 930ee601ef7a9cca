/**
 * The contract every router keeps: the split asked for is the split declared, a canary step
 * changes the routing resources only (one resource; for `replicas`, the two Deployments), and the
 * pods join and leave the router's targets without dropping requests.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTER_KINDS, RouterKind } from "../../../infra/routers/registry";
import { ALB_DEREGISTRATION_DELAY_SECONDS } from "../../../infra/draining";
import { blastRadius, diffPlans } from "../../../tools/diff";
import { OfflinePlan } from "../../../tools/offline";
import { byName, DeclaredResource, metadata, planOffline, readStackFile, TYPES, withSteps } from "../../helpers";

/** The resources a step from 25 % to 50 % may change, by router: type and name. */
/** What a step changes: the routing, and the service's dashboard, whose text shows the weight. */
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard notification-monitor-dashboard";
const STEP_CHANGES: Record<RouterKind, string[]> = {
    appmesh: [DASHBOARD, "kubernetes:appmesh.k8s.aws/v1beta2:VirtualRouter notification-router"],
    alb: [DASHBOARD, "kubernetes:networking.k8s.io/v1:Ingress notification-canary"],
    lattice: [DASHBOARD, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute notification"],
    linkerd: [DASHBOARD, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute notification"],
    replicas: [DASHBOARD, "kubernetes:apps/v1:Deployment notification-v1-deployment", "kubernetes:apps/v1:Deployment notification-v2-deployment"],
};

/** The routing resource of the service, by router, and whether it waits for both versions' Deployments. */
const ROUTE: Partial<Record<RouterKind, [string, string]>> = {
    appmesh: ["kubernetes:appmesh.k8s.aws/v1beta2:VirtualRouter", "notification-router"],
    alb: ["kubernetes:networking.k8s.io/v1:Ingress", "notification-canary"],
    lattice: ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "notification"],
    linkerd: ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "notification"],
};

/** The namespace labels that turn on readiness gates: the load balancer controller's always (the public ALB), Lattice's with it. */
const READINESS_LABELS: Record<RouterKind, Record<string, string>> = {
    appmesh: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
    alb: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
    lattice: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled", "application-networking.k8s.aws/pod-readiness-gate-inject": "enabled" },
    linkerd: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
    replicas: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
};

/** preStop sleep and grace period of the service's pods, by router: longer than the targets take to drain. */
const DRAINING: Record<RouterKind, [number, number]> = { alb: [35, 65], lattice: [60, 150], appmesh: [10, 40], linkerd: [10, 40], replicas: [10, 40] };

interface PodSpec {
    terminationGracePeriodSeconds?: number;
    containers: { lifecycle?: { preStop?: { sleep?: { seconds: number } } } }[];
}
const podSpec = (deployment: DeclaredResource): PodSpec => (deployment.inputs.spec as { template: { spec: PodSpec } }).template.spec;

/**
 * The seed's schedule: 4 pods carry each of its weights with the replicas router, so every router
 * plans the same config. (A schedule with 10 % would need a multiple of 20 replicas for `replicas`.)
 */
const STEPS = [0, 25, 50, 75, 100];

const plans = new Map<string, OfflinePlan>();
const planAt = (router: RouterKind, weight: number): OfflinePlan => plans.get(`${router}@${weight}`) as OfflinePlan;

beforeAll(async () => {
    for (const router of ROUTER_KINDS) {
        for (const weight of [25, 50]) {
            const overrides = [`router=${router}`, "services.notification.replicas=4", `services.notification.canary.weight=${weight}`];
            plans.set(`${router}@${weight}`, await planOffline("dev", withSteps(readStackFile("dev", overrides).config, STEPS)));
        }
    }
});

describe.each(ROUTER_KINDS.map((router) => [router]))("router %s", (router) => {
    it("reports the configured split in the stack output", () => {
        const split = (planAt(router, 25).outputs.canary as Record<string, { router: string; traffic: unknown }>).notification;
        expect(split.router).toBe(router);
        expect(split.traffic).toEqual({ stable: 75, canary: 25 });
    });

    it("changes only the routing resources and the dashboard between weight 25 and 50", () => {
        const change = diffPlans(planAt(router, 25), planAt(router, 50));
        expect(change.added).toEqual([]);
        expect(change.removed).toEqual([]);
        expect(change.changed.map(({ after }) => `${after.type} ${after.name}`).sort()).toEqual(STEP_CHANGES[router]);
        expect(blastRadius(change)).toBe(router === "replicas" ? 3 : 2);
    });

    it("labels the app namespace for the readiness gates of the controllers whose targets its pods are", () => {
        const labels = metadata(byName(planAt(router, 25), "apps", TYPES.namespace)).labels as Record<string, string>;
        expect(labels).toMatchObject(READINESS_LABELS[router]);
        const gates = Object.keys(labels).filter((key) => key.endsWith("pod-readiness-gate-inject"));
        expect(gates.sort()).toEqual(Object.keys(READINESS_LABELS[router]).sort());
    });

    it("gives each version's pods a preStop sleep and a grace period that outlast the targets' draining", () => {
        const [preStop, grace] = DRAINING[router];
        for (const name of ["notification-v1-deployment", "notification-v2-deployment"]) {
            const spec = podSpec(byName(planAt(router, 25), name, TYPES.deployment));
            expect(spec.containers[0].lifecycle?.preStop?.sleep?.seconds).toBe(preStop);
            expect(spec.terminationGracePeriodSeconds).toBe(grace);
            expect(grace).toBeGreaterThan(preStop);
        }
        // usermgmt is the public ALB's target whatever the router.
        const usermgmt = podSpec(byName(planAt(router, 25), "usermgmt-deployment", TYPES.deployment));
        expect(usermgmt.containers[0].lifecycle?.preStop?.sleep?.seconds).toBeGreaterThan(ALB_DEREGISTRATION_DELAY_SECONDS);
        expect(usermgmt.terminationGracePeriodSeconds).toBeGreaterThan(usermgmt.containers[0].lifecycle?.preStop?.sleep?.seconds ?? Infinity);
    });

    it("rolls each version out surge-first: no pod goes before its replacement is Ready", () => {
        for (const name of ["notification-v1-deployment", "notification-v2-deployment", "usermgmt-deployment"]) {
            const strategy = (byName(planAt(router, 25), name, TYPES.deployment).inputs.spec as { strategy: unknown }).strategy;
            expect(strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } });
        }
    });

    it("declares its routing resource after both versions' Deployments, so weight moves only to Ready pods", () => {
        const route = ROUTE[router];
        if (route === undefined) {
            // replicas: the split is the Deployments' pod counts; the shared Service carries no weight.
            expect(router).toBe("replicas");
            return;
        }
        const resource = byName(planAt(router, 25), route[1], route[0]);
        expect(resource.dependsOn).toEqual(expect.arrayContaining(["notification-v1-deployment", "notification-v2-deployment"]));
    });

    it("declares nothing when the weight does not change", () => {
        expect(blastRadius(diffPlans(planAt(router, 25), planAt(router, 25)))).toBe(0);
    });
});
