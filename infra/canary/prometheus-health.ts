/**
 * A version's health read from Prometheus, for routers whose data plane reports there (a mesh's
 * sidecars) rather than to CloudWatch: the same signals, thresholds and failed share as
 * ./health.ts, written as PromQL. The canary command's gates and Flagger's MetricTemplates build
 * their queries from a router's definition here, so they cannot disagree.
 *
 * Pure: the canary command reads it without Pulumi.
 */

/** The signals a gate reads, as ./health.ts names them. */
export type PrometheusSignal = "requests" | "target5xx" | "connectionErrors" | "p99";

/** Whose requests: one version's pods, by the labels Prometheus gives them. */
export interface PrometheusSelector {
    readonly namespace: string;
    /** The version's Deployment (its pods' owner). */
    readonly deployment: string;
}

/** A router's health in Prometheus: PromQL per signal over a window, and where its Prometheus answers. */
export interface PrometheusHealthMetrics {
    /** The in-cluster URL of the Prometheus that scrapes the data plane. */
    readonly url: string;
    /** What is measured, for the walk's output. */
    readonly description: string;
    /** The PromQL of `signal` for the pods of `selector` over `window` (a PromQL duration such as `300s`, or a template variable). */
    query(signal: PrometheusSignal, selector: PrometheusSelector, window: string): string;
}

/** The gates' signals, in the order the command asks them. */
export const PROMETHEUS_GATE_SIGNALS: readonly PrometheusSignal[] = ["requests", "target5xx", "connectionErrors", "p99"];

/**
 * The share of requests that failed, 0..1, as PromQL over the same signals: the failed share of
 * ./health.ts (`failedShareExpression`), 5xx and connection errors over requests. A count with no
 * series (no 5xx yet) is 0, as CloudWatch's FILL makes it: PromQL drops a sum that matches
 * nothing, and the whole expression would be empty for a healthy canary. No requests stays empty
 * (nothing to judge).
 */
export function failedShareQuery(health: PrometheusHealthMetrics, selector: PrometheusSelector, window: string): string {
    const orZero = (signal: PrometheusSignal): string => `(${health.query(signal, selector, window)} or vector(0))`;
    return `(${orZero("target5xx")} + ${orZero("connectionErrors")}) / ${health.query("requests", selector, window)}`;
}

/** A PromQL label value, quoted: the selector's names are DNS labels, and a template variable passes as it is. */
export function promString(value: string): string {
    if (!/^[A-Za-z0-9._{}\s|-]+$/.test(value)) {
        throw new Error(`refusing to put ${JSON.stringify(value)} into a PromQL query: only names and template variables may go there`);
    }
    return `"${value}"`;
}
