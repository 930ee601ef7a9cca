/** policy/rules/canary-weights.ts: the weights of App Mesh, ALB and Gateway API splits, and the replicas router's pod split. */
import { describe, expect, it } from "vitest";
import { canaryWeightViolations, StackResource, TYPES } from "../../policy/rules";
import { ALB } from "./fixtures/alb";
import { canary, deploymentResource, stable } from "./fixtures/workloads";
import { stackPolicy, stackResource, validateStack } from "./helpers";

function virtualRouter(weights: unknown[]): StackResource {
    return stackResource(TYPES.virtualRouter, "notification-router", {
        metadata: { name: "notification-router", namespace: "eks-canary", labels: { app: "notification" } },
        spec: {
            routes: [
                {
                    name: "weighted",
                    httpRoute: {
                        match: { prefix: "/" },
                        action: { weightedTargets: weights.map((weight, index) => ({ virtualNodeRef: { name: `notification-v${index + 1}` }, weight })) },
                    },
                },
            ],
        },
    });
}

function albRouter(weights: number[]): StackResource {
    const targetGroups = weights.map((weight, index) => ({ serviceName: `notification-v${index + 1}`, servicePort: 8096, weight }));
    return stackResource(TYPES.ingress, "notification-canary", {
        metadata: {
            name: "notification-canary",
            namespace: "eks-canary",
            labels: { app: "notification" },
            annotations: { [`${ALB}scheme`]: "internal", [`${ALB}actions.weighted-forward`]: JSON.stringify({ type: "forward", forwardConfig: { targetGroups } }) },
        },
    });
}

function httpRoute(weights: (number | undefined)[]): StackResource {
    return stackResource(TYPES.httpRoute, "notification-route", {
        metadata: { name: "notification", namespace: "eks-canary", labels: { app: "notification" } },
        spec: {
            rules: [
                { backendRefs: weights.map((weight, index) => ({ name: `notification-v${index + 1}`, kind: "Service", port: 8096, ...(weight === undefined ? {} : { weight }) })) },
            ],
        },
    });
}

describe("stack policies", () => {
    it("canary-weights: App Mesh, ALB and Gateway API splits are integers 0..100 summing to 100", async () => {
        const policy = stackPolicy("canary-weights");
        for (const router of [virtualRouter([75, 25]), albRouter([75, 25]), httpRoute([75, 25]), virtualRouter([100])]) {
            expect(await validateStack(policy, [router]), router.type).toEqual([]);
        }
        for (const router of [virtualRouter([75, 50]), albRouter([60, 30]), httpRoute([90, 20])]) {
            expect((await validateStack(policy, [router])).map((violation) => violation.message).join(), router.type).toMatch(/sum to 1[0-9]0|sum to 90/);
        }
        expect((await validateStack(policy, [virtualRouter([150, -50])])).map((violation) => violation.message).join()).toMatch(/150.*0\.\.100/);
        expect((await validateStack(policy, [virtualRouter([50.5, 49.5])])).map((violation) => violation.message).join()).toMatch(/integer/);
        // Gateway API defaults a missing weight to 1: the split must say what it means.
        expect((await validateStack(policy, [httpRoute([100, undefined])])).map((violation) => violation.message).join()).toMatch(/unset/);
    });

    it("canary-weights: with canarySteps the canary's weight is a step of the schedule", async () => {
        const policy = stackPolicy("canary-weights");
        const steps = { canarySteps: [0, 10, 25, 50, 100] };
        expect(await validateStack(policy, [albRouter([75, 25])], steps)).toEqual([]);
        const off = await validateStack(policy, [albRouter([70, 30])], steps);
        expect(off).toEqual([{ message: expect.stringMatching(/notification-v2 takes 30%, not a step/), urn: albRouter([70, 30]).urn }]);
        // Without a schedule any weight 0..100 goes.
        expect(await validateStack(policy, [albRouter([70, 30])])).toEqual([]);
        // The replicas router: the canary's share of the pods.
        const pods = (v1: number, v2: number): StackResource[] => [deploymentResource("notification-v1", stable, v1), deploymentResource("notification-v2", canary, v2)];
        expect(await validateStack(policy, pods(2, 1), steps)).toHaveLength(1);
        expect(await validateStack(policy, pods(3, 1), { canarySteps: [0, 25, 50, 75, 100] })).toEqual([]);
        // A service with a weighted router is judged by the router, not by its pods.
        expect(await validateStack(policy, [...pods(3, 3), albRouter([75, 25])], steps)).toEqual([]);
    });

    describe("canaryWeightViolations, exactly", () => {
        const steps = { canarySteps: [0, 25, 50, 75, 100] };
        const pods = (v1: number, v2: number, app = "notification"): StackResource[] => [
            deploymentResource(`${app}-v1`, { ...stable, app }, v1),
            deploymentResource(`${app}-v2`, { ...canary, app }, v2),
        ];

        it("names each bad weight, and checks the sum and the schedule only when every weight is valid", () => {
            const router = virtualRouter([120, "x"]);
            expect(canaryWeightViolations([router], steps).map((violation) => violation.message)).toEqual([
                'VirtualRouter "notification-router" route "weighted": the weight of notification-v1 is 120; allowed: an integer 0..100',
                'VirtualRouter "notification-router" route "weighted": the weight of notification-v2 is "x"; allowed: an integer 0..100',
            ]);
            expect(canaryWeightViolations([virtualRouter([0, 100])], steps)).toEqual([]);
            expect(canaryWeightViolations([virtualRouter([-1, 101])]).map((violation) => violation.message)).toHaveLength(2);
        });

        it("finds the canary by its -v2 name, else as the second of two targets", () => {
            /** A VirtualRouter `r` of app `a` with one weighted route `w` to the named nodes. */
            const router = (targets: [string, number][]): StackResource =>
                stackResource(TYPES.virtualRouter, "r", {
                    metadata: { name: "r", labels: { app: "a" } },
                    spec: { routes: [{ name: "w", httpRoute: { action: { weightedTargets: targets.map(([name, weight]) => ({ virtualNodeRef: { name }, weight })) } } }] },
                });
            const messages = (targets: [string, number][]): string[] => canaryWeightViolations([router(targets)], steps).map((violation) => violation.message);
            expect(
                messages([
                    ["a-v2", 30],
                    ["a-v1", 70],
                ]),
            ).toEqual(['VirtualRouter "r" route "w": the canary a-v2 takes 30%, not a step of the schedule [0,25,50,75,100]']);
            expect(
                messages([
                    ["blue", 70],
                    ["green", 30],
                ]),
            ).toEqual(['VirtualRouter "r" route "w": the canary green takes 30%, not a step of the schedule [0,25,50,75,100]']);
            expect(canaryWeightViolations([virtualRouter([100])], { canarySteps: [0, 50] })).toEqual([]);
        });

        it("the replicas router: the canary's share of the pods, per service, at the canary's Deployment", () => {
            const [v1, v2] = pods(3, 2);
            expect(canaryWeightViolations([v1, v2], steps)).toEqual([
                { message: "notification: the canary runs 2 of 5 pods (40.0%), not a step of the schedule [0,25,50,75,100]", urn: v2.urn },
            ]);
            expect(canaryWeightViolations([...pods(3, 1), ...pods(1, 1, "orders")], steps)).toEqual([]);
            expect(canaryWeightViolations([...pods(3, 2)], { canarySteps: [] })).toEqual([]);
            expect(canaryWeightViolations([...pods(0, 0)], steps)).toEqual([]);
            // Without a v2 (or a v1) there is no split to judge.
            expect(canaryWeightViolations([pods(3, 2)[0]], steps)).toEqual([]);
            expect(canaryWeightViolations([pods(3, 2)[1]], steps)).toEqual([]);
            // Deployments without an app label are nobody's split.
            expect(canaryWeightViolations([deploymentResource("x-v2", { version: "v2" }, 2), deploymentResource("x-v1", { version: "v1" }, 3)], steps)).toEqual([]);
        });

        it("a service with a weighted router is judged by the router, whichever router it is", () => {
            for (const router of [albRouter([75, 25]), httpRoute([75, 25]), virtualRouter([75, 25])]) {
                expect(canaryWeightViolations([...pods(3, 2), router], steps), router.type).toEqual([]);
            }
        });
    });
});
