/**
 * What a canary's dashboard shows and what its alarms watch, as plain data (pure): both are built
 * from the routers' health definitions and the shared thresholds (./health.ts), the ones the
 * canary command's gates and Flagger's templates read.
 */
import { Dimension, failedShareExpression, HealthMetric, HealthMetrics, healthMetric, HealthSignal, HealthThresholds, requiredMetric, VersionTarget } from "./health";

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
        [
            {
                expression: `100 * ${failedShareExpression({ requests: `r${index}`, target5xx: `e${index}`, connectionErrors: `c${index}` })}`,
                label: `${target.label} failed %`,
                id: `f${index}`,
            },
        ],
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
    const measured = !("unsupported" in content.versions);
    const header = text(
        [
            measured ? `## ${content.service}: stable v1 and canary v2 side by side` : `## ${content.service}: the public ingress (no per-version metrics)`,
            `Router \`${content.router}\`: ${weight}. ${measured ? "A version" : "The public ingress"} alarms above ${100 * thresholds.maxErrorRate} % failed requests or a p99 of ${thresholds.maxP99Ms} ms, ` +
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
    /** Unique within the subject: `<target>-failures`, `<target>-p99`, `<target>-healthy-targets`, `load-balancer-failures`. */
    readonly name: string;
    readonly description: string;
    readonly metricQueries: readonly AlarmQuery[];
    readonly comparison: "GreaterThanThreshold" | "LessThanThreshold";
    readonly threshold: number;
}

/** Alarm when 3 of the last 5 minutes breach; a minute without data is no breach. */
export const ALARM_WINDOW = { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching" } as const;

/** Fewest requests in a minute for its failed share to count: one 5xx of a handful of requests is no alarm. */
export const ALARM_MIN_REQUESTS_PER_MINUTE = 10;

const WINDOW_TEXT = `in ${ALARM_WINDOW.datapointsToAlarm} of ${ALARM_WINDOW.evaluationPeriods} minutes`;

function alarmMetric(health: HealthMetrics, signal: HealthSignal, target: VersionTarget, returnData: boolean): AlarmQuery {
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

/** The failed share of the minutes with enough requests, else 0. */
function countedShare(requests: string, share: string): string {
    return `IF(${requests} >= ${ALARM_MIN_REQUESTS_PER_MINUTE}, ${share}, 0)`;
}

/**
 * Per target: the share of failed requests (5xx and connection errors), the p99 latency and, where
 * the router counts them, healthy targets (none left: the load balancer answers 503 itself); and
 * once per load balancer, the share of requests it failed itself.
 */
export function healthAlarms(subject: MonitoredSubject, thresholds: HealthThresholds): AlarmSpec[] {
    const { health } = subject;
    const maxPercent = 100 * thresholds.maxErrorRate;
    const perTarget = subject.targets.flatMap((target): AlarmSpec[] => [
        {
            name: `${target.id}-failures`,
            description: `${subject.title} ${target.label}: more than ${maxPercent} % of requests failed (5xx or connection errors) ${WINDOW_TEXT}`,
            metricQueries: [
                alarmMetric(health, "requests", target.target, false),
                alarmMetric(health, "target5xx", target.target, false),
                alarmMetric(health, "connectionErrors", target.target, false),
                {
                    id: "failedShare",
                    returnData: true,
                    expression: countedShare("requests", failedShareExpression({ requests: "requests", target5xx: "target5xx", connectionErrors: "connectionErrors" })),
                    label: "failed share",
                },
            ],
            comparison: "GreaterThanThreshold",
            threshold: thresholds.maxErrorRate,
        },
        {
            name: `${target.id}-p99`,
            description: `${subject.title} ${target.label}: p99 latency above ${thresholds.maxP99Ms} ms ${WINDOW_TEXT}`,
            metricQueries: [alarmMetric(health, "p99", target.target, true)],
            comparison: "GreaterThanThreshold",
            threshold: thresholds.maxP99Ms / health.latencyToMs,
        },
        ...(healthMetric(health, "healthyTargets") === undefined
            ? []
            : [
                  {
                      name: `${target.id}-healthy-targets`,
                      description: `${subject.title} ${target.label}: no healthy target ${WINDOW_TEXT}`,
                      metricQueries: [alarmMetric(health, "healthyTargets", target.target, true)],
                      comparison: "LessThanThreshold" as const,
                      threshold: 1,
                  },
              ]),
    ]);
    const first = subject.targets[0];
    const measuresLoadBalancer = healthMetric(health, "elb5xx") !== undefined && healthMetric(health, "lbRequests") !== undefined;
    const loadBalancer: AlarmSpec[] =
        first === undefined || !measuresLoadBalancer
            ? []
            : [
                  {
                      name: "load-balancer-failures",
                      description: `${subject.title}: the load balancer itself failed more than ${maxPercent} % of requests (its own 5xx: no healthy or reachable target) ${WINDOW_TEXT}`,
                      metricQueries: [
                          alarmMetric(health, "lbRequests", first.target, false),
                          alarmMetric(health, "elb5xx", first.target, false),
                          { id: "failedShare", returnData: true, expression: countedShare("lbRequests", "FILL(elb5xx, 0) / lbRequests"), label: "load balancer failed share" },
                      ],
                      comparison: "GreaterThanThreshold",
                      threshold: thresholds.maxErrorRate,
                  },
              ];
    return [...perTarget, ...loadBalancer];
}
