/**
 * Flagger over Linkerd (`gatewayapi:v1`): Flagger writes each automated service's HTTPRoute with
 * the service's apex Service (`<service>`, which it generates) as the parent and `-primary` and
 * `-canary` as weighted backends, as Flagger's Linkerd tutorial does. Flagger's builtin metrics
 * for the gatewayapi provider query metrics Linkerd does not have, so both checks are Prometheus
 * MetricTemplates over Linkerd's proxy metrics, built from the router's health definition
 * (./health.ts), the one the canary command's gates read.
 */
import * as pulumi from "@pulumi/pulumi";
import { declareMetricTemplates } from "../../addons/flagger/templates";
import { failedShareQuery } from "../../canary/prometheus-health";
import { serviceParentRef } from "../gamma";
import { FLAGGER_TEMPLATE_METRICS, type FlaggerRouting } from "../contract";
import type { LinkerdRouter } from "./router";
import { LINKERD_HEALTH } from "./health";
import { LINKERD_VIZ_NAMESPACE } from "./names";

export const LINKERD_TEMPLATES = { successRate: "linkerd-request-success-rate", latency: "linkerd-request-duration" } as const;

/** Flagger's variables: the canary's namespace and Deployment (the Canary's target), and the analysis interval. */
const CANARY = { namespace: "{{ namespace }}", deployment: "{{ target }}" };
const INTERVAL = "{{ interval }}";

/** The canary's success rate in percent: 100 less the failed share of ../../canary/prometheus-health.ts. */
export function linkerdSuccessRateQuery(): string {
    return `100 - 100 * ${failedShareQuery(LINKERD_HEALTH, CANARY, INTERVAL)}`;
}

/** The canary's p99 latency in milliseconds. */
export function linkerdLatencyQuery(): string {
    return LINKERD_HEALTH.query("p99", CANARY, INTERVAL);
}

export function linkerdFlaggerRouting(router: LinkerdRouter): FlaggerRouting {
    return {
        provider: "gatewayapi:v1",
        install: () => ({
            metricsServer: LINKERD_HEALTH.url,
            before: [router.viz],
            serviceAccountAnnotations: {},
            loadTesterValues: {},
            // viz's Prometheus admits only its own clients: the chart's AuthorizationPolicy lets
            // Flagger's (meshed) service account query it.
            flaggerValues: { linkerdAuthPolicy: { create: true, namespace: LINKERD_VIZ_NAMESPACE } },
        }),
        templates: (context, after) =>
            declareMetricTemplates(context, [...after, router.viz], { type: "prometheus", address: LINKERD_HEALTH.url }, [
                [LINKERD_TEMPLATES.successRate, linkerdSuccessRateQuery()],
                [LINKERD_TEMPLATES.latency, linkerdLatencyQuery()],
            ]),
        metrics: () => [
            { name: FLAGGER_TEMPLATE_METRICS.successRate, templateRef: { name: LINKERD_TEMPLATES.successRate } },
            { name: FLAGGER_TEMPLATE_METRICS.duration, templateRef: { name: LINKERD_TEMPLATES.latency } },
        ],
        route: (service, _parent, context) => ({
            // Callers call the apex Service Flagger generates, the parent of its HTTPRoute.
            endpoint: { host: pulumi.output(`${service.name}.${context.namespaceName}`), port: service.port },
            service: { port: service.port, targetPort: service.port, gatewayRefs: [{ ...serviceParentRef(service.name, service.port), namespace: context.namespaceName }] },
            // Through the apex Service, so the mesh routes the load test by the route's weights.
            loadTestUrl: `http://${service.name}.${context.namespaceName}:${service.port}${service.healthPath}`,
            dependencies: [router],
        }),
    };
}
