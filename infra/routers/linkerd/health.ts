/**
 * What Linkerd's proxies say of each version, as the canary command's gates and Flagger's
 * MetricTemplates read it (the one Prometheus health definition, ../../canary/prometheus-health.ts).
 * Each meshed pod's proxy counts the requests it receives (`direction="inbound"`): `response_total`
 * by `status_code` and `classification` (`failure`: a 5xx, a gRPC error or a request that failed
 * without a response), and `response_latency_ms` as a histogram. linkerd-viz's Prometheus gives
 * them the `namespace` and `deployment` labels of the pod. Pure.
 */
import { PrometheusHealthMetrics, PrometheusSelector, PrometheusSignal, promString } from "../../canary/prometheus-health";
import { LINKERD_PROMETHEUS_URL } from "./names";

function inbound(selector: PrometheusSelector, extra = ""): string {
    return `{namespace=${promString(selector.namespace)}, deployment=${promString(selector.deployment)}, direction="inbound"${extra}}`;
}

const QUERIES: Readonly<Record<PrometheusSignal, (selector: PrometheusSelector, window: string) => string>> = {
    requests: (selector, window) => `sum(increase(response_total${inbound(selector)}[${window}]))`,
    target5xx: (selector, window) => `sum(increase(response_total${inbound(selector, `, status_code=~"5.."`)}[${window}]))`,
    // Failures with no 5xx: the request failed without a response (a reset, a refused connection).
    connectionErrors: (selector, window) => `sum(increase(response_total${inbound(selector, `, classification="failure", status_code!~"5.."`)}[${window}]))`,
    p99: (selector, window) => `histogram_quantile(0.99, sum(rate(response_latency_ms_bucket${inbound(selector)}[${window}])) by (le))`,
};

export const LINKERD_HEALTH: PrometheusHealthMetrics = {
    url: LINKERD_PROMETHEUS_URL,
    description: "Linkerd proxy metrics (response_total, response_latency_ms) in linkerd-viz's Prometheus",
    query: (signal, selector, window) => QUERIES[signal](selector, window),
};
