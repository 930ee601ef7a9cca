import { beforeAll, describe, expect, it } from "vitest";
import { WeightedForwardAction } from "../../../infra/routers/alb/router";
import {
    appObjectsOfType,
    at,
    byName,
    changedInputs,
    childrenOf,
    DeclaredResource,
    envOf,
    k8sObject,
    mainContainer,
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

const A = "alb.ingress.kubernetes.io";
const ACTION = "weighted-forward";
const INGRESS = "notification-canary";
const PORT = 8096;

// Four plans, shared by every test: weights 25 and 50, weight 0 with a canary, no canary block.
let at25: OfflinePlan;
let at50: OfflinePlan;
let at0: OfflinePlan;
let noCanary: OfflinePlan;

beforeAll(async () => {
    at25 = await planRouter("alb", 25);
    at50 = await planRouter("alb", 50);
    at0 = await planRouter("alb", 0);
    noCanary = await planRouter("alb", "none");
});

function ingressOf(plan: OfflinePlan): DeclaredResource {
    return k8sObject(plan, TYPES.ingress, INGRESS);
}

function annotationsOf(plan: OfflinePlan): Record<string, string> {
    return metadata(ingressOf(plan)).annotations ?? {};
}

function actionOf(plan: OfflinePlan): WeightedForwardAction {
    const raw = annotationsOf(plan)[`${A}/actions.${ACTION}`];
    expect(typeof raw).toBe("string");
    return JSON.parse(raw) as WeightedForwardAction;
}

function weightsOf(plan: OfflinePlan): Record<string, number> {
    return Object.fromEntries(actionOf(plan).forwardConfig.targetGroups.map((group) => [group.serviceName, group.weight]));
}

describe("AlbRouter: the internal Ingress of notification", () => {
    it("is one Ingress of class alb in the app namespace, a child of the service", () => {
        const ingress = ingressOf(at25);
        expect(ingress.name).toBe(INGRESS);
        expect(ingress.parent).toBe("notification");
        expect(metadata(ingress).namespace).toBe(metadata(byName(at25, "apps", TYPES.namespace)).name);
        expect(at(ingress.inputs, "spec", "ingressClassName")).toBe("alb");
        // The app's public Ingress and this one: no other.
        expect(
            resourcesOfType(at25, TYPES.ingress)
                .map((resource) => resource.name)
                .sort(),
        ).toEqual(["app-ingress", INGRESS]);
    });

    it("declares an internal ALB, reachable from the VPC only, on the service's port, pods as targets", () => {
        const annotations = annotationsOf(at25);
        expect(annotations[`${A}/scheme`]).toBe("internal");
        expect(annotations[`${A}/target-type`]).toBe("ip");
        expect(JSON.parse(annotations[`${A}/listen-ports`])).toEqual([{ HTTP: PORT }]);
        expect(annotations[`${A}/inbound-cidrs`]).toBe("10.20.0.0/16");
        expect(annotations[`${A}/load-balancer-name`]).toBe("eks-canary-dev-notification");
        expect(annotations[`${A}/load-balancer-name`].length).toBeLessThanOrEqual(32);
        // The stack's tags, so the ALB's cost is attributed like the rest of the stack.
        expect(annotations[`${A}/tags`]).toBe("project=eks-canary,stack=dev");
        // Not the public ALB's settings.
        expect(annotations[`${A}/certificate-arn`]).toBeUndefined();
        expect(annotations["external-dns.alpha.kubernetes.io/hostname"]).toBeUndefined();
    });

    it("health-checks the targets on the service's health path", () => {
        const annotations = annotationsOf(at25);
        expect(annotations[`${A}/healthcheck-path`]).toBe("/notification/health-status");
        expect(annotations[`${A}/healthcheck-port`]).toBe("traffic-port");
        expect(annotations[`${A}/healthcheck-protocol`]).toBe("HTTP");
        expect(annotations[`${A}/success-codes`]).toBe("200");
    });

    it("at weight 25, forwards 75 % to notification-v1 and 25 % to notification-v2, by Service and numeric port", () => {
        expect(actionOf(at25)).toEqual({
            type: "forward",
            forwardConfig: {
                targetGroups: [
                    { serviceName: "notification-v1", servicePort: PORT, weight: 75 },
                    { serviceName: "notification-v2", servicePort: PORT, weight: 25 },
                ],
                // Stated off, so that a stickiness once set is switched off (canary.sticky, release-controls.test.ts).
                targetGroupStickinessConfig: { enabled: false },
            },
        });
        // The target group Services are the versions' own, and expose that port.
        for (const name of ["notification-v1", "notification-v2"]) {
            expect(serviceSpec(k8sObject(at25, TYPES.service, name)).ports?.map((port) => port.port)).toEqual([PORT]);
        }
    });

    it("at weight 50, forwards half to each", () => {
        expect(weightsOf(at50)).toEqual({ "notification-v1": 50, "notification-v2": 50 });
    });

    it("has one rule, / as a prefix, whose backend is the action", () => {
        expect(at(ingressOf(at25).inputs, "spec", "rules")).toEqual([
            {
                http: {
                    paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: ACTION, port: { name: "use-annotation" } } } }],
                },
            },
        ]);
    });
});

describe("AlbRouter: the name usermgmt calls", () => {
    it("notification-clusterip-service is an ExternalName to the Ingress's ALB hostname", () => {
        const shared = k8sObject(at25, TYPES.service, "notification-clusterip-service");
        expect(shared.parent).toBe("notification");
        const spec = serviceSpec(shared);
        expect(spec.type).toBe("ExternalName");
        expect(spec.externalName).toBe(`(known after deploy: ${INGRESS}.status.loadBalancer.ingress[0].hostname)`);
        expect(spec.selector).toBeUndefined();
    });

    it("usermgmt gets the shared name and port 8096", () => {
        const env = envOf(mainContainer(byName(at25, "usermgmt-deployment", TYPES.deployment)));
        expect(env.NOTIFICATION_SERVICE_HOST.value).toBe("notification-clusterip-service");
        expect(env.NOTIFICATION_SERVICE_PORT.value).toBe(String(PORT));
    });

    it("the router declares nothing for usermgmt, and no service account or pod annotation for anyone", () => {
        expect(
            childrenOf(at25, "usermgmt")
                .map((child) => child.type)
                .sort(),
        ).toEqual([TYPES.deployment, TYPES.pdb, TYPES.service].sort());
        for (const deployment of appObjectsOfType(at25, TYPES.deployment)) {
            const template = workloadSpec(deployment).template;
            expect(template.spec.serviceAccountName).toBeUndefined();
            // The image's and the tracing backend's (switching it rolls the apps), none of the router's.
            expect(Object.keys(template.metadata.annotations ?? {}).sort()).toEqual(["eks-canary/image", "eks-canary/tracing"]);
        }
    });
});

describe("AlbRouter: pods do not follow the weight", () => {
    it.each([
        ["25", () => at25],
        ["50", () => at50],
    ])("both versions keep their 4 pods at weight %s", (_weight, plan) => {
        expect(replicasOf(plan(), "notification-v1-deployment")).toBe(4);
        expect(replicasOf(plan(), "notification-v2-deployment")).toBe(4);
    });

    it("the reported split is percent-exact, with 4 + 4 pods", () => {
        expect(splitOf(at25)).toMatchObject({ router: "alb", weight: 25, traffic: { stable: 75, canary: 25 }, replicas: { stable: 4, canary: 4 } });
    });

    it("a weight the pod count could not express is accepted", async () => {
        // A schedule with 33 %, which 4 pods could not carry: only the replicas router minds.
        const plan = await planRouter("alb", 33, [], [0, 33, 100]);
        expect(weightsOf(plan)).toEqual({ "notification-v1": 67, "notification-v2": 33 });
    });
});

// That the step changes the Ingress and nothing else is checked for every router in contract.test.ts.
describe("AlbRouter: moving the weight from 25 to 50", () => {
    it("changes, in the Ingress, only the action annotation", () => {
        // No two resources share a type and a name.
        expect(typeNameClashes(at25)).toEqual([]);
        const { before, after } = changedInputs<{ metadata: { annotations: Record<string, string> } }>(at25, at50, TYPES.ingress, INGRESS);
        delete before.metadata.annotations[`${A}/actions.${ACTION}`];
        delete after.metadata.annotations[`${A}/actions.${ACTION}`];
        expect(after).toEqual(before);
    });
});

describe("AlbRouter: a service without a canary block", () => {
    it("forwards everything to v1 through the same action and rule", () => {
        expect(actionOf(noCanary)).toEqual({
            type: "forward",
            forwardConfig: { targetGroups: [{ serviceName: "notification-v1", servicePort: PORT, weight: 100 }] },
        });
        expect(at(ingressOf(noCanary).inputs, "spec", "rules")).toEqual(at(ingressOf(at25).inputs, "spec", "rules"));
    });

    it("runs v1 only, with its 4 pods", () => {
        const names = appObjectsOfType(noCanary, TYPES.deployment)
            .map((resource) => metadata(resource).name)
            .sort();
        expect(names).toEqual(["notification-v1", "usermgmt-v1"]);
        expect(replicasOf(noCanary, "notification-v1-deployment")).toBe(4);
        expect(noCanary.resources.some((resource) => resource.name.startsWith("notification-v2"))).toBe(false);
        expect(
            childrenOf(noCanary, "notification")
                .map((child) => child.name)
                .sort(),
        ).toEqual([INGRESS, "notification-shared", "notification-v1"]);
    });

    it("keeps the ExternalName as it is with a canary", () => {
        expect(k8sObject(noCanary, TYPES.service, "notification-clusterip-service").inputs).toEqual(k8sObject(at25, TYPES.service, "notification-clusterip-service").inputs);
    });
});

describe("AlbRouter: weight 0 with a canary", () => {
    it("keeps v2 as a target group at weight 0", () => {
        expect(weightsOf(at0)).toEqual({ "notification-v1": 100, "notification-v2": 0 });
    });

    it("and v2's pods running", () => {
        expect(replicasOf(at0, "notification-v1-deployment")).toBe(4);
        expect(replicasOf(at0, "notification-v2-deployment")).toBe(4);
    });
});
