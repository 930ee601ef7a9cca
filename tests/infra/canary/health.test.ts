/**
 * One definition of canary health (infra/canary/health.ts and each router's health metrics): the
 * canary command's gates, the alarms, the dashboards and Flagger's MetricTemplates read the same
 * metric names, statistics and thresholds.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HEALTH_THRESHOLDS, HealthMetrics, HealthSignal, MIN_JUDGED_REQUESTS, requiredMetric } from "../../../infra/canary/health";
import { isUnsupported } from "../../../infra/routers/plugin";
import { routerPlugin } from "../../../infra/routers/registry";
import { ANALYSIS_DEFAULTS } from "../../../stacks/config";
import { DEFAULT_GATES } from "../../../tools/canary/gates";
import { gateTarget } from "../../../tools/canary/metrics";
import { byName, k8sObject, OfflinePlan, planStack, resourcesOfType, TYPES } from "../../helpers";

const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
afterAll(() => warn.mockRestore());

const plans: Record<string, OfflinePlan> = {};
beforeAll(async () => {
    plans.alb = await planStack("prod");
    plans.lattice = await planStack("dev");
    plans.flagger = await planStack("dev", ["services.notification.mode=automated", "services.notification.analysis.latticeTargetGroup=tg-0123456789abcdef0"]);
}, 120_000);

function healthOf(router: "alb" | "lattice"): HealthMetrics {
    const health = routerPlugin(router).health;
    if (isUnsupported(health)) {
        throw new Error(`${router} measures its versions`);
    }
    return health.metrics;
}

describe.each(["alb", "lattice"] as const)("%s: one set of metrics", (router) => {
    it("the canary command's gates query the definition's metrics", () => {
        const health = healthOf(router);
        for (const query of gateTarget(router, { targetGroup: "tg", loadBalancer: "lb" }).queries) {
            const metric = health.metrics.find((candidate) => candidate.signal === query.id);
            expect(metric, query.id).toBeDefined();
            expect([query.namespace, query.metric, query.stat]).toEqual([health.namespace, metric?.metric, metric?.stat]);
        }
    });

    it("the alarms query the definition's metrics, by signal", () => {
        const health = healthOf(router);
        const alarms = resourcesOfType(plans[router], TYPES.metricAlarm).filter((alarm) => String(alarm.inputs.name).includes("notification"));
        expect(alarms.length).toBeGreaterThan(0);
        for (const alarm of alarms) {
            for (const query of alarm.inputs.metricQueries as { id: string; metric?: { namespace: string; metricName: string; stat: string } }[]) {
                if (query.metric !== undefined) {
                    const metric = requiredMetric(health, query.id as HealthSignal);
                    expect([query.metric.namespace, query.metric.metricName, query.metric.stat]).toEqual([health.namespace, metric.metric, metric.stat]);
                }
            }
        }
    });

    it("the dashboard shows only the definition's metrics", () => {
        const health = healthOf(router);
        const body = JSON.parse(String(byName(plans[router], "notification-monitor-dashboard").inputs.dashboardBody)) as { widgets: { properties: { metrics?: unknown[][] } }[] };
        const rows = body.widgets.flatMap((widget) => widget.properties.metrics ?? []).filter((row) => row[0] === health.namespace && !String(row).includes("app-ingress"));
        expect(rows.length).toBeGreaterThan(0);
        const known = new Set(health.metrics.map((metric) => `${metric.metric} ${metric.stat}`));
        for (const row of rows) {
            const options = row[row.length - 1] as { stat: string };
            expect(known.has(`${String(row[1])} ${options.stat}`), String(row)).toBe(true);
        }
    });
});

describe("Flagger's Lattice MetricTemplates", () => {
    it("query the lattice definition's requests, 5xx and p99", () => {
        const health = healthOf("lattice");
        for (const template of ["lattice-request-success-rate", "lattice-request-duration"]) {
            const queries = JSON.parse(String((k8sObject(plans.flagger, TYPES.metricTemplate, template).inputs.spec as { query: string }).query)) as {
                Id: string;
                MetricStat?: { Metric: { Namespace: string; MetricName: string }; Stat: string };
            }[];
            for (const query of queries.filter((candidate) => candidate.MetricStat !== undefined)) {
                const metric = requiredMetric(health, query.Id as HealthSignal);
                expect([query.MetricStat?.Metric.Namespace, query.MetricStat?.Metric.MetricName, query.MetricStat?.Stat]).toEqual([health.namespace, metric.metric, metric.stat]);
            }
        }
    });
});

describe("one set of thresholds", () => {
    it("the gates', Flagger's analysis and the alarms' defaults are the shared thresholds", () => {
        expect(DEFAULT_GATES).toEqual({ max5xxRate: HEALTH_THRESHOLDS.maxErrorRate, maxP99Ms: HEALTH_THRESHOLDS.maxP99Ms, minRequests: MIN_JUDGED_REQUESTS });
        expect(ANALYSIS_DEFAULTS.successRateMin).toBe(100 * (1 - HEALTH_THRESHOLDS.maxErrorRate));
        expect(ANALYSIS_DEFAULTS.latencyMaxMs).toBe(HEALTH_THRESHOLDS.maxP99Ms);
        const thresholds = resourcesOfType(plans.lattice, TYPES.metricAlarm).map((alarm) => [String(alarm.inputs.name).replace(/.*-/, ""), alarm.inputs.threshold]);
        expect(new Set(thresholds.filter(([kind]) => kind === "failures").map(([, value]) => value))).toEqual(new Set([HEALTH_THRESHOLDS.maxErrorRate]));
    });
});
