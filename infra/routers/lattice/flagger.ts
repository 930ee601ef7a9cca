/**
 * Flagger over VPC Lattice (`gatewayapi:v1`): Flagger writes each automated service's HTTPRoute on
 * the lattice Gateway, under the service's custom domain name; every check is a CloudWatch
 * MetricTemplate over the `AWS/VpcLattice` metrics of the canary's target group, read by Flagger
 * through an IRSA role that may only read metrics.
 */
import * as pulumi from "@pulumi/pulumi";
import { declareMetricTemplates } from "../../addons/flagger/templates";
import { addOnRole } from "../../addons/addon";
import type { PolicyDocument } from "../../iam";
import { ROLE_ARN_ANNOTATION } from "../../k8s";
import { FLAGGER_TEMPLATE_METRICS, type FlaggerContext, type FlaggerRouting } from "../contract";
import type { LatticeRouter } from "./router";
import { failedShareExpression, metricDataQuery, metricTarget } from "../../canary/health";
import { LATTICE_HEALTH } from "./health";
import { LATTICE_LISTENER, latticeHostname } from "./names";

/** The CloudWatch MetricTemplates of the lattice router. */
export const LATTICE_TEMPLATES = { successRate: "lattice-request-success-rate", latency: "lattice-request-duration" } as const;

/** What Flagger may do in AWS: read metrics. GetMetricData has no resource-level permissions. */
export const CLOUDWATCH_READ_POLICY: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "ReadCanaryMetrics", Effect: "Allow", Action: "cloudwatch:GetMetricData", Resource: "*" }],
};

/** A GetMetricData query of a Lattice health signal of the canary's target group (Flagger fills in the variable). */
function signalQuery(signal: "requests" | "target5xx" | "connectionErrors" | "p99", returnData: boolean): Record<string, unknown> {
    const [query] = metricTarget("lattice", LATTICE_HEALTH, { targetGroup: "{{ variables.targetGroup }}" }, [signal]).queries;
    return metricDataQuery(query, 60, returnData);
}

/**
 * CloudWatch GetMetricData queries (Flagger's `cloudwatch` provider takes the MetricDataQueries
 * as JSON; the last value of the query that returns data is compared with the threshold), built
 * from the lattice router's health definition (./health.ts), the one the canary command's gates,
 * the dashboards and the alarms read, with the same failed share (5xx and connection errors).
 */
export function latticeSuccessRateQuery(): string {
    return JSON.stringify(
        [
            {
                Id: "successRate",
                Expression: `100 - 100 * ${failedShareExpression({ requests: "requests", target5xx: "target5xx", connectionErrors: "connectionErrors" })}`,
                Label: "SuccessRate",
            },
            signalQuery("target5xx", false),
            signalQuery("connectionErrors", false),
            signalQuery("requests", false),
        ],
        null,
        2,
    );
}

/** The p99 latency (milliseconds) of the canary's target group. */
export function latticeLatencyQuery(): string {
    return JSON.stringify([signalQuery("p99", true)], null, 2);
}

/** AWS of the Flagger context: the lattice router runs only on EKS. */
function awsOf(context: FlaggerContext): NonNullable<FlaggerContext["aws"]> {
    if (context.aws === undefined) {
        throw new Error("router lattice: Flagger's CloudWatch templates need AWS, and this stack's cluster is not on EKS");
    }
    return context.aws;
}

export function latticeFlaggerRouting(router: LatticeRouter): FlaggerRouting {
    return {
        provider: "gatewayapi:v1",
        install: (context) => {
            const aws = awsOf(context);
            const role = addOnRole(
                context.name,
                { namespace: context.serviceAccount.namespace, serviceAccount: context.serviceAccount.name, policy: CLOUDWATCH_READ_POLICY },
                { oidcProvider: aws.oidcProvider, k8sProvider: context.k8sProvider, ...(context.tags === undefined ? {} : { tags: context.tags }) },
                context.parent,
            );
            // Every check is a CloudWatch MetricTemplate, so no Prometheus is needed.
            return { metricsServer: "none", before: [], serviceAccountAnnotations: { [ROLE_ARN_ANNOTATION]: role.roleArn }, loadTesterValues: {} };
        },
        templates: (context, after) =>
            declareMetricTemplates(context, after, { type: "cloudwatch", region: awsOf(context).region }, [
                [LATTICE_TEMPLATES.successRate, latticeSuccessRateQuery()],
                [LATTICE_TEMPLATES.latency, latticeLatencyQuery()],
            ]),
        metrics: (service) => {
            const templateVariables = { targetGroup: service.targetGroup ?? "" };
            return [
                { name: FLAGGER_TEMPLATE_METRICS.successRate, templateRef: { name: LATTICE_TEMPLATES.successRate }, templateVariables },
                { name: FLAGGER_TEMPLATE_METRICS.duration, templateRef: { name: LATTICE_TEMPLATES.latency }, templateVariables },
            ];
        },
        route: (service, parent, context) => {
            // Flagger writes the HTTPRoute: on the lattice Gateway, with the service's custom domain
            // name, so callers keep calling `<service>.<zone>`.
            const hostname = latticeHostname(service.name, router.zoneName);
            if (service.targetGroup === undefined) {
                void pulumi.log.warn(
                    `service ${service.name}: analysis.latticeTargetGroup is not set, so Flagger cannot read the canary's CloudWatch metrics and rolls every release back; ` +
                        `after the first deploy set it to the VPC Lattice target group of Service ${service.name}-canary (README, "Release modes")`,
                    parent,
                );
            }
            // Health checks of the target groups of the Services Flagger generates (not routes).
            const dependencies = ["primary", "canary"].map((version) =>
                router.healthCheck(`${service.name}-${version}-target-group-policy`, `${service.name}-${version}`, service.namespace, service.healthPath, {
                    parent,
                    provider: context.k8sProvider,
                    dependsOn: [router],
                }),
            );
            return {
                endpoint: { host: pulumi.output(hostname), port: LATTICE_LISTENER.port },
                service: {
                    port: service.port,
                    hosts: [hostname],
                    gatewayRefs: [{ name: router.gatewayName, namespace: context.namespaceName, sectionName: LATTICE_LISTENER.name }],
                },
                // Through VPC Lattice: only requests it routes show in the target group metrics.
                loadTestUrl: `http://${hostname}${service.healthPath}`,
                dependencies,
            };
        },
    };
}
