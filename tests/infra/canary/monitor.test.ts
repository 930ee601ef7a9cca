/**
 * The dashboards and alarms (infra/canary/monitor.ts, monitoring.ts) as each stack declares them:
 * per manual service and router, their metric names and dimensions, the alarms' topic, the output.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ALB_HEALTH } from "../../../infra/addons/load-balancer-controller/health";
import { HEALTH_THRESHOLDS } from "../../../infra/canary/health";
import { LATTICE_HEALTH } from "../../../infra/routers/lattice/health";
import { SECRET } from "../../../tools/offline";
import { at, byName, childrenOf, OfflinePlan, planRouter, planStack, resourcesOfType, TYPES } from "../../helpers";

interface Widget {
    type: string;
    x: number;
    y: number;
    width: number;
    height: number;
    properties: { title?: string; markdown?: string; metrics?: unknown[][] };
}

const plans: Record<string, OfflinePlan> = {};
const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
afterAll(() => warn.mockRestore());

beforeAll(async () => {
    plans.lattice = await planStack("dev");
    plans.alb = await planStack("prod");
    plans.replicas = await planStack("dev", ["router=replicas", "services.notification.replicas=20"]);
    plans.appmesh = await planStack("dev", ["router=appmesh"]);
    plans.noCanary = await planRouter("alb", "none");
    plans.automated = await planStack("dev", ["services.notification.mode=automated"]);
    plans.notified = await planStack("prod", ["alarms.email=ops@example.com", "alarmUrl=https://hooks.example.com/sns"]);
}, 120_000);

function widgets(plan: OfflinePlan): Widget[] {
    return (JSON.parse(String(byName(plan, "notification-monitor-dashboard").inputs.dashboardBody)) as { widgets: Widget[] }).widgets;
}

/** Every metric row of the dashboard as `namespace metric dimension=value ...`, expressions left out. */
function metricRows(plan: OfflinePlan): string[] {
    return widgets(plan).flatMap((widget) =>
        (widget.properties.metrics ?? [])
            .filter((row) => typeof row[0] === "string")
            .map((row) => {
                const parts = row.filter((part): part is string => typeof part === "string");
                const pairs: string[] = [];
                for (let index = 2; index < parts.length; index += 2) {
                    pairs.push(`${parts[index]}=${parts[index + 1]}`);
                }
                return [parts[0], parts[1], ...pairs].join(" ");
            }),
    );
}

function alarms(plan: OfflinePlan): Record<string, unknown>[] {
    return resourcesOfType(plan, TYPES.metricAlarm).map((alarm) => alarm.inputs);
}

describe("a dashboard per manual service", () => {
    it.each(["lattice", "alb", "replicas", "appmesh"])("%s: one dashboard, named after the cluster and the service, linked from the stack outputs", (router) => {
        const plan = plans[router];
        const dashboard = byName(plan, "notification-monitor-dashboard", TYPES.dashboard);
        const name = String(dashboard.inputs.dashboardName);
        expect(name).toMatch(/^eks-canary-(dev|prod)-notification$/);
        expect(plan.outputs.dashboards).toEqual({ notification: `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/${name}` });
    });

    it("lattice: v1 and v2 side by side from the AWS/VpcLattice target group metrics, keyed by each version's target group", () => {
        const rows = metricRows(plans.lattice).filter((row) => row.startsWith("AWS/VpcLattice"));
        for (const version of ["notification-v1", "notification-v2"]) {
            const own = rows.filter((row) => row.includes(`targetgroup ${version} in route notification`));
            expect(new Set(own.map((row) => row.split(" ")[1]))).toEqual(new Set(LATTICE_HEALTH.metrics.map((metric) => metric.metric)));
            expect(own.every((row) => / TargetGroup=\(known after deploy: [^)]+\)$/.test(row))).toBe(true);
        }
    });

    it("alb: per version target group and load balancer, the ALB's own 5xx and healthy targets", () => {
        const rows = metricRows(plans.alb).filter((row) => row.includes("notification-canary"));
        for (const version of ["notification-v1", "notification-v2"]) {
            const own = rows.filter((row) => row.includes(`notification-canary-${version}:8096`));
            expect(new Set(own.map((row) => row.split(" ")[1]))).toEqual(new Set(ALB_HEALTH.metrics.filter((metric) => metric.scope === "target").map((metric) => metric.metric)));
            expect(own.every((row) => / TargetGroup=targetgroup\/.+ LoadBalancer=app\/.+$/.test(row))).toBe(true);
        }
        expect(rows.filter((row) => row.startsWith("AWS/ApplicationELB HTTPCode_ELB_5XX_Count LoadBalancer="))).toHaveLength(1);
        expect(rows.some((row) => row.startsWith("AWS/ApplicationELB HealthyHostCount"))).toBe(true);
    });

    it("shows the configured weight and the thresholds in its text", () => {
        const text = widgets(plans.alb)[0];
        expect(text).toMatchObject({ type: "text", x: 0, y: 0, width: 24 });
        expect(text.properties.markdown).toContain("the canary (v2) takes **25 %** of requests");
        expect(text.properties.markdown).toContain("above 1 % failed requests or a p99 of 500 ms");
        expect(widgets(plans.lattice)[0].properties.markdown).toContain("**50 %**");
    });

    it("shows the public ingress on every dashboard, and explains why a pod-split router has no per-version graphs", () => {
        for (const router of ["lattice", "alb", "replicas", "appmesh"]) {
            expect(
                metricRows(plans[router]).some((row) => row.includes("app-ingress-usermgmt-service:8095")),
                router,
            ).toBe(true);
        }
        const replicas = widgets(plans.replicas);
        expect(replicas[1].properties.markdown).toMatch(/^\*\*No per-version metrics\*\*: the replicas router has no per-version metrics/);
        expect(metricRows(plans.replicas).some((row) => row.includes("notification-v2"))).toBe(false);
    });

    it("lays widgets out on the 24-column grid without overlap", () => {
        for (const plan of [plans.alb, plans.lattice]) {
            const cells = new Set<string>();
            for (const widget of widgets(plan)) {
                expect(widget.x + widget.width).toBeLessThanOrEqual(24);
                for (let x = widget.x; x < widget.x + widget.width; x++) {
                    for (let y = widget.y; y < widget.y + widget.height; y++) {
                        expect(cells.has(`${x},${y}`)).toBe(false);
                        cells.add(`${x},${y}`);
                    }
                }
            }
        }
    });

    it("declares no monitor for an automated service: Flagger writes its routes and judges it", () => {
        expect(resourcesOfType(plans.automated, TYPES.dashboard)).toEqual([]);
        expect(plans.automated.outputs.dashboards).toEqual({});
    });
});

describe("alarms per version", () => {
    it("lattice: the failed share and the p99 of v1 and of v2; the public ALB's also its healthy targets and its own 5xx", () => {
        const names = alarms(plans.lattice).map((alarm) => String(alarm.name).replace(/^eks-canary-dev-/, ""));
        expect(names.sort()).toEqual([
            "notification-v1-failures",
            "notification-v1-p99",
            "notification-v2-failures",
            "notification-v2-p99",
            "public-ingress-failures",
            "public-ingress-healthy-targets",
            "public-ingress-p99",
            "public-load-balancer-failures",
        ]);
    });

    it("alb: per version also its healthy targets, and the service's load balancer's own 5xx", () => {
        const names = alarms(plans.alb)
            .map((alarm) => String(alarm.name).replace(/^eks-canary-prod-/, ""))
            .filter((name) => name.startsWith("notification"));
        expect(names.sort()).toEqual([
            "notification-load-balancer-failures",
            "notification-v1-failures",
            "notification-v1-healthy-targets",
            "notification-v1-p99",
            "notification-v2-failures",
            "notification-v2-healthy-targets",
            "notification-v2-p99",
        ]);
        const healthy = alarms(plans.alb).find((alarm) => String(alarm.name).endsWith("notification-v2-healthy-targets")) as Record<string, unknown>;
        expect(healthy).toMatchObject({ comparisonOperator: "LessThanThreshold", threshold: 1 });
        expect(plans.alb.resources.some((resource) => resource.name === "notification-monitor-v2-healthy-targets")).toBe(true);
        expect(at((healthy.metricQueries as unknown[])[0], "metric")).toMatchObject({ metricName: "HealthyHostCount", stat: "Minimum" });
        const own = alarms(plans.alb).find((alarm) => String(alarm.name).endsWith("notification-load-balancer-failures")) as Record<string, unknown>;
        const queries = own.metricQueries as { metric?: { metricName: string; dimensions: Record<string, string> }; expression?: string }[];
        expect(queries.map((query) => query.metric?.metricName ?? query.expression)).toEqual([
            "RequestCount",
            "HTTPCode_ELB_5XX_Count",
            "IF(lbRequests >= 10, FILL(elb5xx, 0) / lbRequests, 0)",
        ]);
        expect(Object.keys(queries[0].metric?.dimensions ?? {})).toEqual(["LoadBalancer"]);
    });

    it("a version's failed share: (5xx + connection errors) / requests above the shared maximum, 3 of 5 minutes, no traffic no alarm", () => {
        const alarm = alarms(plans.alb).find((candidate) => String(candidate.name).endsWith("notification-v2-failures")) as Record<string, unknown>;
        expect(alarm).toMatchObject({
            comparisonOperator: "GreaterThanThreshold",
            threshold: HEALTH_THRESHOLDS.maxErrorRate,
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
        });
        const queries = alarm.metricQueries as Record<string, unknown>[];
        expect(queries.map((query) => (query.metric as { metricName?: string } | undefined)?.metricName ?? query.expression)).toEqual([
            "RequestCount",
            "HTTPCode_Target_5XX_Count",
            "TargetConnectionErrorCount",
            "IF(requests >= 10, (FILL(target5xx, 0) + FILL(connectionErrors, 0)) / requests, 0)",
        ]);
        expect(queries.filter((query) => query.returnData === true)).toHaveLength(1);
        const dimensions = at(queries[0], "metric", "dimensions") as Record<string, string>;
        expect(Object.keys(dimensions).sort()).toEqual(["LoadBalancer", "TargetGroup"]);
        expect(dimensions.TargetGroup).toContain("notification-canary-notification-v2:8096");
    });

    it("a version's p99 in the router's unit: seconds for the ALB, milliseconds for Lattice", () => {
        const p99 = (plan: OfflinePlan): Record<string, unknown> => alarms(plan).find((alarm) => String(alarm.name).endsWith("notification-v2-p99")) as Record<string, unknown>;
        expect(p99(plans.alb).threshold).toBe(HEALTH_THRESHOLDS.maxP99Ms / 1000);
        expect(p99(plans.lattice).threshold).toBe(HEALTH_THRESHOLDS.maxP99Ms);
        expect(at((p99(plans.lattice).metricQueries as unknown[])[0], "metric")).toMatchObject({ namespace: "AWS/VpcLattice", metricName: "RequestTime", stat: "p99" });
    });

    it("v1 alone without a canary; only the public ingress's with a pod-split router", () => {
        expect(
            alarms(plans.noCanary)
                .map((alarm) => String(alarm.name))
                .filter((name) => name.includes("notification"))
                .sort(),
        ).toEqual([
            "eks-canary-dev-notification-load-balancer-failures",
            "eks-canary-dev-notification-v1-failures",
            "eks-canary-dev-notification-v1-healthy-targets",
            "eks-canary-dev-notification-v1-p99",
        ]);
        for (const router of ["replicas", "appmesh"]) {
            expect(
                alarms(plans[router])
                    .map((alarm) => String(alarm.name))
                    .sort(),
                router,
            ).toEqual([
                "eks-canary-dev-public-ingress-failures",
                "eks-canary-dev-public-ingress-healthy-targets",
                "eks-canary-dev-public-ingress-p99",
                "eks-canary-dev-public-load-balancer-failures",
            ]);
        }
    });

    it("have no actions unless config names someone; then every alarm notifies the topic, which an email and a secret HTTPS endpoint subscribe to", () => {
        expect(alarms(plans.alb).every((alarm) => alarm.alarmActions === undefined)).toBe(true);
        expect(resourcesOfType(plans.alb, TYPES.snsTopic)).toEqual([]);
        const topic = byName(plans.notified, "canary-alarms", TYPES.snsTopic);
        expect(topic.inputs.name).toBe("eks-canary-prod-canary-alarms");
        for (const alarm of alarms(plans.notified)) {
            expect(alarm.alarmActions).toEqual(["(known after deploy: canary-alarms.arn)"]);
            expect(alarm.okActions).toEqual(["(known after deploy: canary-alarms.arn)"]);
        }
        const subscriptions = childrenOf(plans.notified, "canary-alarms").filter((child) => child.type === TYPES.snsSubscription);
        expect(subscriptions.map((subscription) => [subscription.inputs.protocol, subscription.inputs.endpoint])).toEqual([
            ["email", "ops@example.com"],
            ["https", SECRET],
        ]);
        expect(JSON.stringify(plans.notified)).not.toContain("hooks.example.com");
    });
});
