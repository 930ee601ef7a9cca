/** infra/canary/locate.ts: finding a version's metrics at deploy time, waiting for its controller. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { TaggedResource } from "../../../infra/canary/health";
import { awaitTarget, locateIngress, locateVersions, taggedResources } from "../../../infra/canary/locate";
import { lattice } from "../../../infra/routers/lattice";
import { isUnsupported, RouterHealth } from "../../../infra/routers/plugin";
import { resolved } from "../routers/mocks";

const latticeHealth = lattice.health as RouterHealth;
const notification = { name: "notification", port: 8096, healthPath: "/health" };
const location = { clusterName: "demo", namespace: "apps" };
const group = (id: string, service: string): TaggedResource => ({ arn: `arn:aws:vpc-lattice:eu-west-1:111122223333:targetgroup/${id}`, tags: { service } });
const NO_WAIT = { attempts: 3, delayMs: 1 };

describe("locateVersions", () => {
    it("finds every version through the router's finder", async () => {
        expect(isUnsupported(lattice.health)).toBe(false);
        const lookup = vi.fn(async (_types: readonly string[], tags: Readonly<Record<string, string>>) =>
            [group("tg-v1", "notification-v1"), group("tg-v2", "notification-v2")].filter(
                (resource) => resource.tags.service === tags["application-networking.k8s.aws/ServiceName"],
            ),
        );
        const found = await resolved(locateVersions({ health: latticeHealth, service: notification, versions: ["v1", "v2"], location, after: [], lookup, wait: NO_WAIT }));
        expect(found).toEqual({ v1: { targetGroup: "tg-v1" }, v2: { targetGroup: "tg-v2" } });
    });

    it("looks again while the controller has not created the target group yet", async () => {
        let calls = 0;
        const lookup = vi.fn(async () => (++calls < 3 ? [] : [group("tg-late", "notification-v1")]));
        const found = await resolved(locateVersions({ health: latticeHealth, service: notification, versions: ["v1"], location, after: [], lookup, wait: NO_WAIT }));
        expect(found).toEqual({ v1: { targetGroup: "tg-late" } });
        expect(lookup).toHaveBeenCalledTimes(3);
    });

    it("after waiting, warns with the reason and keeps a placeholder: monitoring never fails a deploy", async () => {
        const find = vi.fn(() => latticeHealth.find(notification, "v1", location, async () => []));
        const warn = vi.fn();
        expect(await awaitTarget("notification v1", find, NO_WAIT, false, warn)).toEqual({
            targetGroup: "(not found: notification v1)",
            loadBalancer: "(not found: notification v1)",
        });
        expect(find).toHaveBeenCalledTimes(3);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(warn.mock.calls[0][0]).toMatch(
            /^the metrics of notification v1: found no VPC Lattice target group .* \(looked 3 times over 0 minutes\); its dashboard and alarms show a placeholder/,
        );
    });

    it("looks again when two match (the Tagging API may still list a deleted target group)", async () => {
        let calls = 0;
        const find = vi.fn(() =>
            latticeHealth.find(notification, "v1", location, async () =>
                ++calls === 1 ? [group("tg-old", "notification-v1"), group("tg-new", "notification-v1")] : [group("tg-new", "notification-v1")],
            ),
        );
        expect(await awaitTarget("notification v1", find, NO_WAIT, false, vi.fn())).toEqual({ targetGroup: "tg-new" });
        expect(find).toHaveBeenCalledTimes(2);
    });

    it("looks again after a failing lookup (throttling), and gives up at once when it is denied: never a failed deploy", async () => {
        const throttled = vi.fn(() => latticeHealth.find(notification, "v1", location, () => Promise.reject(new Error("ThrottlingException: Rate exceeded"))));
        const warn = vi.fn();
        expect(await awaitTarget("notification v1", throttled, NO_WAIT, false, warn)).toEqual({
            targetGroup: "(not found: notification v1)",
            loadBalancer: "(not found: notification v1)",
        });
        expect(throttled).toHaveBeenCalledTimes(3);
        expect(warn.mock.calls[0][0]).toContain("the tag lookup failed: Error: ThrottlingException: Rate exceeded");
        const denied = vi.fn(() =>
            latticeHealth.find(notification, "v1", location, () => Promise.reject(new Error("AccessDeniedException: not authorized to perform tag:GetResources"))),
        );
        expect(await awaitTarget("notification v1", denied, NO_WAIT, false, vi.fn())).toEqual({
            targetGroup: "(not found: notification v1)",
            loadBalancer: "(not found: notification v1)",
        });
        expect(denied).toHaveBeenCalledTimes(1);
    });

    it("survives a finder that throws at once or answers nothing", async () => {
        const throws = vi.fn((): Promise<never> => {
            throw new Error("boom");
        });
        expect(await awaitTarget("x", throws, NO_WAIT, false, vi.fn())).toEqual({ targetGroup: "(not found: x)", loadBalancer: "(not found: x)" });
        const nothing = vi.fn(async () => undefined as never);
        expect(await awaitTarget("x", nothing, NO_WAIT, false, vi.fn())).toEqual({ targetGroup: "(not found: x)", loadBalancer: "(not found: x)" });
    });

    it("does not wait in a preview: a placeholder the next up resolves", async () => {
        const find = vi.fn(() => latticeHealth.find(notification, "v2", location, async () => []));
        expect(await awaitTarget("notification v2", find, NO_WAIT, true)).toEqual({
            targetGroup: "(found by tag on pulumi up: notification v2)",
            loadBalancer: "(found by tag on pulumi up: notification v2)",
        });
        expect(find).toHaveBeenCalledTimes(1);
    });
});

describe("locateIngress", () => {
    it("finds the public ALB's target group and load balancer by the Ingress's tags", async () => {
        const lookup = vi.fn(async (types: readonly string[], _tags: Readonly<Record<string, string>>) =>
            types[0] === "elasticloadbalancing:targetgroup"
                ? [{ arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-app/abc", tags: {} }]
                : [{ arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/k8s-app/def", tags: {} }],
        );
        const found = await resolved(
            locateIngress({ clusterName: "demo", namespace: "apps", ingress: "app-ingress", service: "usermgmt-service", port: 8095 }, [], lookup, NO_WAIT),
        );
        expect(found).toEqual({ targetGroup: "targetgroup/k8s-app/abc", loadBalancer: "app/k8s-app/def" });
        expect(lookup.mock.calls[0][1]).toEqual({
            "elbv2.k8s.aws/cluster": "demo",
            "ingress.k8s.aws/stack": "apps/app-ingress",
            "ingress.k8s.aws/resource": "apps/app-ingress-usermgmt-service:8095",
        });
    });
});

describe("taggedResources", () => {
    it("reads the tagging data source's answer, and an empty answer as nothing found", async () => {
        const answers: Record<string, unknown>[] = [
            { resourceTagMappingLists: [{ resourceArn: "arn:aws:vpc-lattice:eu-west-1:111122223333:targetgroup/tg-1", tags: { a: "b" } }] },
            {},
        ];
        const calls: Record<string, unknown>[] = [];
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => ({ id: args.name, state: args.inputs }),
                call: (args) => {
                    calls.push(args.inputs);
                    return answers[calls.length - 1];
                },
            },
            "eks-canary",
            "test",
            false,
        );
        expect(await taggedResources(["vpc-lattice:targetgroup"], { a: "b" })).toEqual([{ arn: "arn:aws:vpc-lattice:eu-west-1:111122223333:targetgroup/tg-1", tags: { a: "b" } }]);
        expect(calls[0]).toMatchObject({ resourceTypeFilters: ["vpc-lattice:targetgroup"], tagFilters: [{ key: "a", values: ["b"] }] });
        expect(await taggedResources(["vpc-lattice:targetgroup"], {})).toEqual([]);
    });
});
