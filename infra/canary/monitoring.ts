/**
 * What a canary's dashboard shows and what its alarms watch, as plain data (pure): both are built
 * from the routers' health definitions and the shared thresholds (./health.ts), the ones the
 * canary command's gates and Flagger's templates read.
 */
import { Dimension, HealthMetric, HealthMetrics, healthMetric, HealthSignal, HealthThresholds, requiredMetric, VersionTarget } from "./health";

/** One measured version (or the public ingress's one target) and where its metrics are. */
export interface MonitoredTarget {
    /** Short and unique among its subject's targets, lowercase: `v1`, `v2`, `public`. */
    readonly id: string;
    readonly label: string;
    readonly target: VersionTarget;
}

/** Targets measured by one router's health metrics. */
export interface MonitoredSubject {
    readonly title: string;
    readonly health: HealthMetrics;
    readonly targets: readonly MonitoredTarget[];
}

export interface DashboardContent {
    readonly service: string;
    readonly router: string;
    readonly region: string;
    readonly weight: number;
    readonly hasCanary: boolean;
    readonly thresholds: HealthThresholds;
    /** The versions as the router measures them, or why it cannot. */
    readonly versions: MonitoredSubject | { readonly unsupported: string };
    /** The app's public ALB, in front of the user-management app. */
    readonly publicIngress: MonitoredSubject;
}

type MetricRow = (string | Record<string, unknown>)[];

/** A dashboard row of one metric: namespace, name, the dimensions as name/value pairs, then its options. */
function metricRow(health: HealthMetrics, metric: HealthMetric, target: VersionTarget, options: Record<string, unknown>): MetricRow {
    const dimensions = health.dimensions(target, metric.scope).flatMap((dimension: Dimension) => [dimension.Name, dimension.Value]);
    return [health.namespace, metric.metric, ...dimensions, { stat: metric.stat, ...options }];
}

function graph(title: string, region: string, metrics: MetricRow[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { type: "metric", width: 8, height: 6, properties: { title, region, view: "timeSeries", stacked: false, period: 60, metrics, ...extra } };
}

/** The graphs of one subject: its targets side by side, one graph per signal. */
function subjectGraphs(subject: MonitoredSubject, region: string, thresholds: HealthThresholds): Record<string, unknown>[] {
    const { health, targets, title } = subject;
    const rows = (signals: readonly HealthSignal[]): MetricRow[] =>
        targets.flatMap((target) =>
            signals.flatMap((signal) => {
                const metric = healthMetric(health, signal);
                return metric === undefined ? [] : [metricRow(health, metric, target.target, { label: `${target.label} ${metric.label}` })];
            }),
        );
    const failureRows: MetricRow[] = targets.flatMap((target, index) => [
        metricRow(health, requiredMetric(health, "requests"), target.target, { id: `r${index}`, visible: false }),
        metricRow(health, requiredMetric(health, "target5xx"), target.target, { id: `e${index}`, visible: false }),
        metricRow(health, requiredMetric(health, "connectionErrors"), target.target, { id: `c${index}`, visible: false }),
        [{ expression: `100 * (FILL(e${index}, 0) + FILL(c${index}, 0)) / r${index}`, label: `${target.label} failed %`, id: `f${index}` }],
    ]);
    const graphs = [
        graph(`${title}: requests`, region, rows(["requests"])),
        graph(`${title}: failed requests (%)`, region, failureRows, {
            annotations: { horizontal: [{ label: "alarm", value: 100 * thresholds.maxErrorRate }] },
        }),
        graph(`${title}: 5xx and connection errors`, region, [...rows(["target5xx", "connectionErrors"]), ...loadBalancerRows(subject)]),
        graph(`${title}: latency`, region, rows(["p50", "p99"]), { annotations: { horizontal: [{ label: "p99 alarm", value: thresholds.maxP99Ms / health.latencyToMs }] } }),
    ];
    return healthMetric(health, "healthyTargets") === undefined ? graphs : [...graphs, graph(`${title}: healthy targets`, region, rows(["healthyTargets"]))];
}

/** The load balancer's own 5xx, once (both versions share the load balancer). */
function loadBalancerRows(subject: MonitoredSubject): MetricRow[] {
    const metric = healthMetric(subject.health, "elb5xx");
    const first = subject.targets[0];
    return metric === undefined || first === undefined ? [] : [metricRow(subject.health, metric, first.target, { label: metric.label })];
}

function text(markdown: string, height: number): Record<string, unknown> {
    return { type: "text", width: 24, height, properties: { markdown } };
}

/** Places widgets left to right in rows of 24 columns. */
function layout(widgets: Record<string, unknown>[]): Record<string, unknown>[] {
    let x = 0;
    let y = 0;
    let rowHeight = 0;
    return widgets.map((widget) => {
        const width = widget.width as number;
        const height = widget.height as number;
        if (x + width > 24) {
            x = 0;
            y += rowHeight;
            rowHeight = 0;
        }
        const placed = { ...widget, x, y };
        x += width;
        rowHeight = Math.max(rowHeight, height);
        return placed;
    });
}

/** The dashboard body (CloudWatch's dashboard JSON) of one canaried service. */
export function dashboardBody(content: DashboardContent): string {
    const { thresholds } = content;
    const weight = content.hasCanary
        ? `the canary (v2) takes **${content.weight} %** of requests (stack config; each \`pulumi up\` of a step updates this text)`
        : "no canary: v1 alone";
    const header = text(
        [
            `## ${content.service}: stable v1 and canary v2 side by side`,
            `Router \`${content.router}\`: ${weight}. A version alarms above ${100 * thresholds.maxErrorRate} % failed requests or a p99 of ${thresholds.maxP99Ms} ms, ` +
                "the thresholds the canary command's gates and Flagger's analysis use.",
        ].join("\n\n"),
        3,
    );
    const versions =
        "unsupported" in content.versions ? [text(`**No per-version metrics**: ${content.versions.unsupported}.`, 2)] : subjectGraphs(content.versions, content.region, thresholds);
    return JSON.stringify({ widgets: layout([header, ...versions, ...subjectGraphs(content.publicIngress, content.region, thresholds)]) });
}

/** A metric query of an alarm, in the shape of the MetricAlarm resource's `metricQueries`. */
export interface AlarmQuery {
    readonly id: string;
    readonly returnData: boolean;
    readonly expression?: string;
    readonly label?: string;
    readonly metric?: { readonly namespace: string; readonly metricName: string; readonly dimensions: Record<string, string>; readonly period: number; readonly stat: string };
}

export interface AlarmSpec {
    /** Unique within the service: `<target>-failures`, `<target>-p99`. */
    readonly name: string;
    readonly description: string;
    readonly metricQueries: readonly AlarmQuery[];
    readonly threshold: number;
}

/** Alarm when 3 of the last 5 minutes breach; a minute without requests is no breach. */
export const ALARM_WINDOW = { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching" } as const;

function alarmMetric(health: HealthMetrics, signal: "requests" | "target5xx" | "connectionErrors" | "p99", target: VersionTarget, returnData: boolean): AlarmQuery {
    const metric = requiredMetric(health, signal);
    return {
        id: signal,
        returnData,
        metric: {
            namespace: health.namespace,
            metricName: metric.metric,
            dimensions: Object.fromEntries(health.dimensions(target, metric.scope).map((dimension) => [dimension.Name, dimension.Value])),
            period: ALARM_WINDOW.periodSeconds,
            stat: metric.stat,
        },
    };
}

/** Per target: the share of failed requests (5xx and connection errors) and the p99 latency. */
export function healthAlarms(subject: MonitoredSubject, thresholds: HealthThresholds): AlarmSpec[] {
    const { health } = subject;
    return subject.targets.flatMap((target) => [
        {
            name: `${target.id}-failures`,
            description: `${subject.title} ${target.label}: more than ${100 * thresholds.maxErrorRate} % of requests failed (5xx or connection errors) in 3 of 5 minutes`,
            metricQueries: [
                alarmMetric(health, "requests", target.target, false),
                alarmMetric(health, "target5xx", target.target, false),
                alarmMetric(health, "connectionErrors", target.target, false),
                // ELB counts are reported only when non-zero: a missing count is 0.
                { id: "failedShare", returnData: true, expression: "(FILL(target5xx, 0) + FILL(connectionErrors, 0)) / requests", label: "failed share" },
            ],
            threshold: thresholds.maxErrorRate,
        },
        {
            name: `${target.id}-p99`,
            description: `${subject.title} ${target.label}: p99 latency above ${thresholds.maxP99Ms} ms in 3 of 5 minutes`,
            metricQueries: [alarmMetric(health, "p99", target.target, true)],
            threshold: thresholds.maxP99Ms / health.latencyToMs,
        },
    ]);
}
