/**
 * Flagger over App Mesh (`appmesh:v1beta2`): Flagger generates each automated service's virtual
 * nodes, routers and services; its builtin checks query a Prometheus that scrapes the Envoy
 * sidecars; the load tester joins the mesh with the automated services as its backends.
 */
import * as pulumi from "@pulumi/pulumi";
import { helmRelease } from "../../addons/addon";
import { CHARTS } from "../../versions";
import { APPMESH_CONTROLLER_NAMESPACE } from "../../addons/appmesh-controller";
import { FLAGGER_BUILTIN_METRICS, type FlaggerRouting } from "../contract";
import type { AppMeshRouter } from "./router";

export const APPMESH_PROMETHEUS_URL = `http://appmesh-prometheus.${APPMESH_CONTROLLER_NAMESPACE}:9090`;

export function appMeshFlaggerRouting(router: AppMeshRouter): FlaggerRouting {
    return {
        provider: "appmesh:v1beta2",
        install: (context) => ({
            metricsServer: APPMESH_PROMETHEUS_URL,
            before: [
                helmRelease(
                    `${context.name}-appmesh-prometheus`,
                    { chart: CHARTS.appMeshPrometheus, releaseName: "appmesh-prometheus", namespace: APPMESH_CONTROLLER_NAMESPACE, dependsOn: [router] },
                    context,
                    context.parent,
                ),
            ],
            serviceAccountAnnotations: {},
            // In the mesh: the load tester calls the canary through Envoy, so its requests count.
            loadTesterValues: {
                appmesh: { enabled: true, backends: context.services.flatMap((service) => [service, `${service}-canary`]) },
                serviceAccountName: router.podServiceAccountName,
                podAnnotations: router.podAnnotations,
            },
        }),
        templates: () => [],
        // Flagger's builtin checks, Prometheus queries over the Envoy metrics.
        metrics: () => [{ name: FLAGGER_BUILTIN_METRICS.successRate }, { name: FLAGGER_BUILTIN_METRICS.duration }],
        route: (service, _parent, context) => ({
            // Flagger's apex virtual service: awsName `<service>.<namespace>`, and a Service of that name.
            endpoint: { host: pulumi.output(`${service.name}.${context.namespaceName}`), port: service.port },
            service: { port: service.port },
            loadTestUrl: `http://${service.name}-canary.${context.namespaceName}:${service.port}${service.healthPath}`,
            dependencies: [],
        }),
    };
}
