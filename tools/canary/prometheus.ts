/**
 * The canary's health from Prometheus, for a router whose proxies report there (linkerd): the
 * router's PromQL (its `prometheusHealth`, the definition Flagger's MetricTemplates read too),
 * evaluated at the end of the bake window over the whole window, through Prometheus's HTTP API
 * (`GET /api/v1/query`). The command runs on your machine, so it reaches the in-cluster Prometheus
 * at `--prometheus` (default http://localhost:9090: `kubectl port-forward -n linkerd-viz svc/prometheus 9090`).
 */
import { PROMETHEUS_GATE_SIGNALS, PrometheusHealthMetrics, PrometheusSelector, PrometheusSignal } from "../../infra/canary/prometheus-health";
import type { Health } from "./gates";
import type { MetricSource, MetricWindow } from "./metrics";

export const DEFAULT_PROMETHEUS_URL = "http://localhost:9090";

/** One instant query's answer, as the HTTP API returns it (JSON). */
export interface PrometheusAnswer {
    readonly status: "success" | "error";
    readonly error?: string;
    readonly data?: { readonly resultType: string; readonly result: readonly { readonly value?: readonly [number, string] }[] };
}

/** GETs a URL and returns its JSON (a double in tests; `fetch` for real). */
export type FetchJson = (url: string) => Promise<unknown>;

/** The PromQL duration of a window: whole seconds, at least one scrape interval's worth. */
export function promWindow(window: MetricWindow): string {
    return `${Math.max(60, Math.ceil((window.end.getTime() - window.start.getTime()) / 1000))}s`;
}

/** The URL of one instant query at `time`. */
export function queryUrl(baseUrl: string, query: string, time: Date): string {
    return `${baseUrl.replace(/\/+$/, "")}/api/v1/query?${new URLSearchParams({ query, time: (time.getTime() / 1000).toFixed(3) }).toString()}`;
}

/** The scalar a query answered: its first sample; none (no series, or NaN: no requests) is undefined. */
export function sampleOf(answer: unknown): number | undefined {
    const parsed = answer as PrometheusAnswer;
    if (parsed?.status !== "success") {
        throw new Error(`Prometheus refused the query: ${parsed?.error ?? "no status in its answer"}`);
    }
    const value = Number(parsed.data?.result[0]?.value?.[1]);
    return Number.isFinite(value) ? value : undefined;
}

/** Builds the source the walk reads: Prometheus at `url`, the router's queries, each service's canary pods. */
export type PrometheusSourceFactory = (url: string, health: PrometheusHealthMetrics, selectors: Readonly<Record<string, PrometheusSelector>>) => MetricSource;

export class PrometheusMetricSource implements MetricSource {
    public readonly description: string;

    constructor(
        private readonly fetchJson: FetchJson,
        private readonly baseUrl: string,
        private readonly health: PrometheusHealthMetrics,
        private readonly selectors: Readonly<Record<string, PrometheusSelector>>,
    ) {
        this.description = `${health.description} at ${baseUrl}: ${Object.values(selectors)
            .map((selector) => `${selector.namespace}/${selector.deployment}`)
            .join(", ")}`;
    }

    async canaryHealth(service: string, window: MetricWindow): Promise<Health> {
        const selector = this.selectors[service];
        if (selector === undefined) {
            return { kind: "error", reason: `no Prometheus selector for ${service}` };
        }
        const range = promWindow(window);
        try {
            const values = new Map<PrometheusSignal, number | undefined>();
            for (const signal of PROMETHEUS_GATE_SIGNALS) {
                values.set(signal, sampleOf(await this.fetchJson(queryUrl(this.baseUrl, this.health.query(signal, selector, range), window.end))));
            }
            // No series: nothing was counted (a count of 0); a p99 of no requests is unknown.
            return {
                kind: "ok",
                requests: values.get("requests") ?? 0,
                target5xx: values.get("target5xx") ?? 0,
                connectionErrors: values.get("connectionErrors") ?? 0,
                p99Ms: values.get("p99"),
            };
        } catch (error) {
            return { kind: "error", reason: error instanceof Error ? error.message : String(error) };
        }
    }
}

/** The real HTTP GET, with a timeout: a Prometheus that does not answer fails the gate (closed). */
export const fetchJson: FetchJson = async (url) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) {
        throw new Error(`Prometheus answered HTTP ${response.status} for ${url.split("?")[0]}`);
    }
    return response.json();
};
