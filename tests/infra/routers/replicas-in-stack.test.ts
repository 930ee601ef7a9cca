import { beforeAll, describe, expect, it } from "vitest";
import {
    appObjectsOfType,
    byName,
    changedInputs,
    childrenOf,
    k8sObject,
    metadata,
    OfflinePlan,
    planRouter,
    replicasOf,
    resourcesOfType,
    serviceSpec,
    splitOf,
    TYPES,
    typeNameClashes,
    workloadSpec,
} from "../../helpers";

/** The seed's schedule: each of its weights is a split of the 4 pods. */
const WEIGHTS = [0, 25, 50, 75, 100] as const;
const SEED_TABLE: Record<number, { stable: number; canary: number }> = {
    0: { stable: 4, canary: 0 },
    25: { stable: 3, canary: 1 },
    50: { stable: 2, canary: 2 },
    75: { stable: 1, canary: 3 },
    100: { stable: 0, canary: 4 },
};

const byWeight = new Map<number, OfflinePlan>();
let noCanary: OfflinePlan;

beforeAll(async () => {
    for (const weight of WEIGHTS) {
        byWeight.set(weight, await planRouter("replicas", weight, [], WEIGHTS));
    }
    noCanary = await planRouter("replicas", "none", [], WEIGHTS);
});

function planAt(weight: number): OfflinePlan {
    const plan = byWeight.get(weight);
    if (plan === undefined) {
        throw new Error(`no plan for weight ${weight}`);
    }
    return plan;
}

describe("ReplicasRouter: one Service over both versions", () => {
    it("notification-clusterip-service selects every notification pod by app alone", () => {
        const plan = planAt(50);
        const shared = k8sObject(plan, TYPES.service, "notification-clusterip-service");
        expect(shared.parent).toBe("notification");
        const spec = serviceSpec(shared);
        expect(spec.type).toBe("ClusterIP");
        expect(spec.selector).toEqual({ app: "notification" });
        expect(spec.ports).toEqual([{ name: "http", port: 8096, targetPort: "http", protocol: "TCP" }]);
    });

    it("both versions' pods carry the selected label and the port name the Service targets", () => {
        for (const resource of ["notification-v1-deployment", "notification-v2-deployment"]) {
            const spec = workloadSpec(byName(planAt(50), resource, TYPES.deployment));
            expect(spec.template.metadata.labels?.app).toBe("notification");
            expect(spec.template.spec.containers[0].ports?.[0].name).toBe("http");
        }
    });

    it("it is the only Service selecting both versions", () => {
        const plan = planAt(50);
        const overBoth = resourcesOfType(plan, TYPES.service).filter((service) => {
            const selector = serviceSpec(service).selector;
            return selector?.app === "notification" && selector.version === undefined;
        });
        expect(overBoth.map((service) => metadata(service).name)).toEqual(["notification-clusterip-service"]);
    });
});

describe("ReplicasRouter: the weight becomes a replica split of 4 pods", () => {
    it.each(WEIGHTS)("weight %i", (weight) => {
        const plan = planAt(weight);
        const expected = SEED_TABLE[weight];
        expect(replicasOf(plan, "notification-v1-deployment")).toBe(expected.stable);
        expect(replicasOf(plan, "notification-v2-deployment")).toBe(expected.canary);
        expect(splitOf(plan)).toEqual({
            router: "replicas",
            weight,
            traffic: { stable: 100 - weight, canary: weight },
            replicas: expected,
            images: {
                stable: "stacksimplify/kube-notifications-microservice:3.0.0-AWS-XRay",
                canary: "stacksimplify/kube-notifications-microservice:4.0.0-AWS-XRay",
            },
            mode: "manual",
        });
    });

    it("a weight the pods cannot express is refused before anything is declared", async () => {
        // No schedule, so that only the pod count stands in the way of 30 %.
        await expect(planRouter("replicas", 30, [], [])).rejects.toThrow(/multiples of 10/);
    });
});

// That the step changes the two Deployments and nothing else is checked for every router in contract.test.ts.
describe("ReplicasRouter: moving the weight from 25 to 50", () => {
    it("changes, in the two Deployments, only spec.replicas", () => {
        // No two resources share a type and a name.
        expect(typeNameClashes(planAt(25))).toEqual([]);
        for (const name of ["notification-v1-deployment", "notification-v2-deployment"]) {
            const { before, after } = changedInputs<{ spec: { replicas?: number } }>(planAt(25), planAt(50), TYPES.deployment, name);
            expect(before.spec.replicas).not.toBe(after.spec.replicas);
            delete before.spec.replicas;
            delete after.spec.replicas;
            expect(after).toEqual(before);
        }
    });
});

describe("ReplicasRouter: a service without a canary block", () => {
    it("runs v1 only, with all its replicas", () => {
        const names = appObjectsOfType(noCanary, TYPES.deployment)
            .map((resource) => metadata(resource).name)
            .sort();
        expect(names).toEqual(["notification-v1", "usermgmt-v1"]);
        expect(replicasOf(noCanary, "notification-v1-deployment")).toBe(4);
        expect(
            childrenOf(noCanary, "notification")
                .map((child) => child.name)
                .sort(),
        ).toEqual(["notification-shared", "notification-v1"]);
        expect(noCanary.resources.some((resource) => resource.name.startsWith("notification-v2"))).toBe(false);
    });

    it("reports a 100/0 split and no canary image", () => {
        expect(splitOf(noCanary)).toEqual({
            router: "replicas",
            weight: 0,
            traffic: { stable: 100, canary: 0 },
            replicas: { stable: 4, canary: 0 },
            images: { stable: "stacksimplify/kube-notifications-microservice:3.0.0-AWS-XRay" },
            mode: "manual",
        });
    });

    it("still routes through the shared Service", () => {
        expect(serviceSpec(k8sObject(noCanary, TYPES.service, "notification-clusterip-service")).selector).toEqual({ app: "notification" });
    });
});
