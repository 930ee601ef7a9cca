/**
 * The contract every router keeps: the split asked for is the split declared, and a canary step
 * changes the routing resources only (one resource; for `replicas`, the two Deployments).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTER_KINDS, RouterKind } from "../infra/canary/router";
import { blastRadius, diffPlans } from "../tools/diff";
import { OfflinePlan } from "../tools/offline";
import { planOffline, readStackFile, withSteps } from "./helpers";

/** The resources a step from 25 % to 50 % may change, by router: type and name. */
const STEP_CHANGES: Record<RouterKind, string[]> = {
    appmesh: ["kubernetes:appmesh.k8s.aws/v1beta2:VirtualRouter notification-router"],
    alb: ["kubernetes:networking.k8s.io/v1:Ingress notification-canary"],
    lattice: ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute notification"],
    replicas: ["kubernetes:apps/v1:Deployment notification-v1-deployment", "kubernetes:apps/v1:Deployment notification-v2-deployment"],
};

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

    it("changes only the routing resources between weight 25 and 50", () => {
        const change = diffPlans(planAt(router, 25), planAt(router, 50));
        expect(change.added).toEqual([]);
        expect(change.removed).toEqual([]);
        expect(change.changed.map(({ after }) => `${after.type} ${after.name}`).sort()).toEqual(STEP_CHANGES[router]);
        expect(blastRadius(change)).toBe(router === "replicas" ? 2 : 1);
    });

    it("declares nothing when the weight does not change", () => {
        expect(blastRadius(diffPlans(planAt(router, 25), planAt(router, 25)))).toBe(0);
    });
});
