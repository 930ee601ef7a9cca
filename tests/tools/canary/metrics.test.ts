/**
 * The canary command's CloudWatch gates: the metric targets found by tag, the queries and the
 * health read from their answers.
 */
import { describe, expect, it, vi } from "vitest";
import { findCanaryTarget, gateTarget, healthFromResults, metricQuery } from "../../../tools/canary/metrics";
import { albLookup } from "./fakes";

const NOTIFICATION = { name: "notification", port: 8096, healthPath: "/notification/health-status" };

describe("CloudWatch gates", () => {
    const window = { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-01-01T00:10:00Z") };

    it("ALB: the canary target group's requests, 5xx, connection errors and p99, and the load balancer's own 5xx", () => {
        const input = metricQuery(gateTarget("alb", { targetGroup: "targetgroup/k8s-v2/0123456789abcdef", loadBalancer: "app/k8s-notif/fedcba9876543210" }), window);
        const pair = [
            { Name: "TargetGroup", Value: "targetgroup/k8s-v2/0123456789abcdef" },
            { Name: "LoadBalancer", Value: "app/k8s-notif/fedcba9876543210" },
        ];
        const lb = [{ Name: "LoadBalancer", Value: "app/k8s-notif/fedcba9876543210" }];
        expect(
            input.MetricDataQueries?.map((query) => [query.MetricStat?.Metric?.MetricName, query.MetricStat?.Stat, query.MetricStat?.Metric?.Dimensions, query.MetricStat?.Period]),
        ).toEqual([
            ["RequestCount", "Sum", pair, 600],
            ["HTTPCode_Target_5XX_Count", "Sum", pair, 600],
            ["TargetConnectionErrorCount", "Sum", pair, 600],
            ["TargetResponseTime", "p99", pair, 600],
            ["RequestCount", "Sum", lb, 600],
            ["HTTPCode_ELB_5XX_Count", "Sum", lb, 600],
        ]);
        expect(new Set(input.MetricDataQueries?.map((query) => query.MetricStat?.Metric?.Namespace))).toEqual(new Set(["AWS/ApplicationELB"]));
    });

    it("reads the answer: seconds to ms, a missing count as 0, a refused query as an error", () => {
        const target = gateTarget("alb", { targetGroup: "targetgroup/a/1", loadBalancer: "app/b/2" });
        expect(
            healthFromResults(target, [
                { Id: "requests", Values: [600, 400] },
                { Id: "p99", Values: [0.2, 0.3] },
            ]),
        ).toEqual({
            kind: "ok",
            requests: 1000,
            target5xx: 0,
            connectionErrors: 0,
            p99Ms: 300,
            loadBalancer: { requests: 0, elb5xx: 0 },
        });
        expect(healthFromResults(target, [{ Id: "requests", StatusCode: "Forbidden", Messages: [{ Value: "no access" }] }])).toEqual({
            kind: "error",
            reason: "requests: Forbidden (no access)",
        });
    });

    it("VPC Lattice: the target group's TotalRequestCount, HTTPCode_5XX_Count, ConnectionErrorCount and RequestTime p99 in ms", () => {
        const input = metricQuery(gateTarget("lattice", { targetGroup: "tg-0123456789abcdef0" }), window);
        expect(input.MetricDataQueries?.map((query) => [query.MetricStat?.Metric?.Namespace, query.MetricStat?.Metric?.MetricName, query.MetricStat?.Stat])).toEqual([
            ["AWS/VpcLattice", "TotalRequestCount", "Sum"],
            ["AWS/VpcLattice", "HTTPCode_5XX_Count", "Sum"],
            ["AWS/VpcLattice", "ConnectionErrorCount", "Sum"],
            ["AWS/VpcLattice", "RequestTime", "p99"],
        ]);
        expect(input.MetricDataQueries?.[0].MetricStat?.Metric?.Dimensions).toEqual([{ Name: "TargetGroup", Value: "tg-0123456789abcdef0" }]);
    });

    it("finds the target group and load balancer by the controllers' tags, never from flags", async () => {
        const lookup = vi.fn(albLookup);
        const target = await findCanaryTarget("alb", NOTIFICATION, { clusterName: "eks-canary-prod", namespace: "eks-canary" }, lookup);
        expect(lookup).toHaveBeenCalledWith(["elasticloadbalancing:targetgroup"], {
            "elbv2.k8s.aws/cluster": "eks-canary-prod",
            "ingress.k8s.aws/stack": "eks-canary/notification-canary",
            "ingress.k8s.aws/resource": "eks-canary/notification-canary-notification-v2:8096",
        });
        expect(target.queries[0].dimensions).toEqual([
            { Name: "TargetGroup", Value: "targetgroup/k8s-v2/0123456789abcdef" },
            { Name: "LoadBalancer", Value: "app/k8s-notif/fedcba9876543210" },
        ]);
        const lattice = vi.fn(async () => [{ arn: "arn:aws:vpc-lattice:eu-west-1:111122223333:targetgroup/tg-0123456789abcdef0", tags: {} }]);
        const found = await findCanaryTarget("lattice", NOTIFICATION, { clusterName: "eks-canary-dev", namespace: "eks-canary" }, lattice);
        expect(lattice).toHaveBeenCalledWith(["vpc-lattice:targetgroup"], {
            "application-networking.k8s.aws/ClusterName": "eks-canary-dev",
            "application-networking.k8s.aws/ServiceName": "notification-v2",
            "application-networking.k8s.aws/ServiceNamespace": "eks-canary",
            "application-networking.k8s.aws/RouteName": "notification",
            "application-networking.k8s.aws/RouteNamespace": "eks-canary",
        });
        expect(found.queries[0].dimensions).toEqual([{ Name: "TargetGroup", Value: "tg-0123456789abcdef0" }]);
        await expect(findCanaryTarget("alb", NOTIFICATION, { clusterName: "c", namespace: "n" }, async () => [])).rejects.toThrow("found no target group");
    });
});
