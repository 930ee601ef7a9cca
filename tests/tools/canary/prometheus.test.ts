/**
 * The canary command's Prometheus gates (tools/canary/prometheus.ts): the router's PromQL asked of
 * Prometheus's HTTP API over the bake window, the answers read into the canary's health, a failed
 * query failing the gate closed; and a walk with the linkerd router reading Prometheus, not CloudWatch.
 */
import { describe, expect, it, vi } from "vitest";
import { LINKERD_HEALTH } from "../../../infra/routers/linkerd/health";
import { judge, DEFAULT_GATES } from "../../../tools/canary/gates";
import { PrometheusMetricSource, promWindow, queryUrl, sampleOf } from "../../../tools/canary/prometheus";
import { canary, fakeMetrics, fakeStack, healthy } from "./fakes";

const WINDOW = { start: new Date("2026-12-02T10:00:00Z"), end: new Date("2026-12-02T10:10:00Z") };
const CANARY = { namespace: "eks-canary", deployment: "notification-v2" };

/**
 * A Prometheus that knows the series of the canary over a window: it answers exactly the queries
 * the router's definition makes for that selector and window (anything else is a parse error, as
 * for a malformed query), each with its value or no series; `asked` records the queries and times.
 */
function fakePrometheus(values: { requests?: number; target5xx?: number; connectionErrors?: number; p99?: number }, window = "600s") {
    const asked: { query: string; time: string }[] = [];
    const known = new Map<string, number | undefined>(
        (["requests", "target5xx", "connectionErrors", "p99"] as const).map((signal) => [LINKERD_HEALTH.query(signal, CANARY, window), values[signal]]),
    );
    const fetchJson = vi.fn(async (url: string) => {
        const params = new URL(url).searchParams;
        const query = params.get("query") ?? "";
        asked.push({ query, time: params.get("time") ?? "" });
        if (!known.has(query)) {
            return { status: "error", error: `unexpected query ${query}` };
        }
        const value = known.get(query);
        return { status: "success", data: { resultType: "vector", result: value === undefined ? [] : [{ value: [0, String(value)] }] } };
    });
    return { fetchJson, asked };
}

describe("the Prometheus metric source", () => {
    it("asks the router's four queries over the whole bake, at its end", async () => {
        const prometheus = fakePrometheus({ requests: 1200, target5xx: 3, connectionErrors: 1, p99: 180 });
        const source = new PrometheusMetricSource(prometheus.fetchJson, "http://localhost:9090/", LINKERD_HEALTH, { notification: CANARY });
        const health = await source.canaryHealth("notification", WINDOW);
        expect(health).toEqual({ kind: "ok", requests: 1200, target5xx: 3, connectionErrors: 1, p99Ms: 180 });
        expect(prometheus.asked.map((call) => call.query)).toEqual(
            ["requests", "target5xx", "connectionErrors", "p99"].map((signal) => LINKERD_HEALTH.query(signal as never, CANARY, "600s")),
        );
        expect(new Set(prometheus.asked.map((call) => call.time))).toEqual(new Set([String(WINDOW.end.getTime() / 1000) + ".000"]));
        expect(prometheus.fetchJson.mock.calls[0][0]).toMatch(/^http:\/\/localhost:9090\/api\/v1\/query\?query=/);
        expect(judge(health, DEFAULT_GATES)).toEqual({ kind: "pass" });
        expect(source.description).toBe(`${LINKERD_HEALTH.description} at http://localhost:9090/: eks-canary/notification-v2`);
    });

    it("reads no series as nothing counted, and no latency as unknown: too few requests to judge", async () => {
        const source = new PrometheusMetricSource(fakePrometheus({}).fetchJson, "http://prom:9090", LINKERD_HEALTH, { notification: CANARY });
        const health = await source.canaryHealth("notification", WINDOW);
        expect(health).toEqual({ kind: "ok", requests: 0, target5xx: 0, connectionErrors: 0, p99Ms: undefined });
        expect(judge(health, DEFAULT_GATES).kind).toBe("inconclusive");
    });

    it("fails the gate on a high failed share or p99, as the CloudWatch gates do", async () => {
        const failing = new PrometheusMetricSource(fakePrometheus({ requests: 1000, target5xx: 30, connectionErrors: 0, p99: 100 }).fetchJson, "http://prom:9090", LINKERD_HEALTH, {
            notification: CANARY,
        });
        expect(judge(await failing.canaryHealth("notification", WINDOW), DEFAULT_GATES)).toMatchObject({ kind: "fail", reason: expect.stringContaining("canary failure rate 3%") });
    });

    it("fails closed when Prometheus refuses or cannot be reached", async () => {
        const refusing = new PrometheusMetricSource(async () => ({ status: "error", error: "parse error" }), "http://prom:9090", LINKERD_HEALTH, { notification: CANARY });
        expect(await refusing.canaryHealth("notification", WINDOW)).toEqual({ kind: "error", reason: "Prometheus refused the query: parse error" });
        const unreachable = new PrometheusMetricSource(
            async () => {
                throw new Error("connect ECONNREFUSED 127.0.0.1:9090");
            },
            "http://localhost:9090",
            LINKERD_HEALTH,
            { notification: CANARY },
        );
        const health = await unreachable.canaryHealth("notification", WINDOW);
        expect(judge(health, DEFAULT_GATES)).toEqual({ kind: "fail", reason: "metric query failed (fail closed): connect ECONNREFUSED 127.0.0.1:9090" });
    });

    it("windows are whole seconds, one minute at least; queries are URL-encoded", () => {
        expect(promWindow({ start: new Date(0), end: new Date(30_000) })).toBe("60s");
        expect(promWindow({ start: new Date(0), end: new Date(601_500) })).toBe("602s");
        expect(queryUrl("http://p:9090", 'sum(x{a="b"})', new Date(1000))).toBe("http://p:9090/api/v1/query?query=sum%28x%7Ba%3D%22b%22%7D%29&time=1.000");
        expect(sampleOf({ status: "success", data: { resultType: "vector", result: [{ value: [0, "NaN"] }] } })).toBeUndefined();
    });
});

describe("canary run with the linkerd router", () => {
    it("gates on Prometheus at --prometheus, for the canary's Deployment, and never looks up CloudWatch targets", async () => {
        const { driver } = fakeStack({ overrides: ["router=linkerd"] });
        const metrics = { ...fakeMetrics(healthy), description: "the Prometheus double" };
        const run = await canary(["run", "--stack", "prod", "--yes", "--prometheus", "http://localhost:19090"], { stack: driver, metrics });
        expect(run.code).toBe(0);
        expect(run.deps.prometheusSource).toHaveBeenCalledWith("http://localhost:19090", LINKERD_HEALTH, { notification: CANARY });
        expect(run.deps.lookup).not.toHaveBeenCalled();
        expect(run.deps.metricSource).not.toHaveBeenCalled();
        expect(run.out).toContain("metrics: the Prometheus double");
    });

    it("never echoes credentials given in a --prometheus URL", async () => {
        const run = await canary(["run", "--stack", "prod", "--yes", "--prometheus", "http://admin:hunter2@prom:9090"]);
        expect(run.code).toBe(2);
        expect(run.err).toContain("--prometheus http://[credentials not shown]@prom:9090: expected an http:// or https:// URL of Prometheus without credentials");
        expect(run.err).not.toContain("hunter2");
    });

    it("refuses a --prometheus that is not an http(s) URL, naming the flag", async () => {
        const run = await canary(["run", "--stack", "prod", "--yes", "--prometheus", "file:///etc/passwd"]);
        expect(run.code).toBe(2);
        expect(run.err).toContain("--prometheus file:///etc/passwd: expected an http:// or https:// URL of Prometheus");
    });
});
