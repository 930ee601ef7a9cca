/**
 * The `lattice` router plug-in: Gateway API on Amazon VPC Lattice weighs requests between the
 * versions' target groups by the HTTPRoute's backend weights.
 */
import { versionObjectName } from "../../names";
import { at, list, objectName, text } from "../../props";
import { RESOURCE_TYPES } from "../../resource-types";
import { MetricTarget, RouterPlugin, single } from "../plugin";
import { LATTICE_READINESS_GATE_LABEL, latticeHostname, latticeZoneName } from "./names";
import { LatticeRouter } from "./router";
import { httpRouteSplits } from "./splits";

/** The VPC Lattice gates of a canary target group (`tg-...`). */
export function latticeTarget(targetGroupId: string): MetricTarget {
    const dimensions = [{ Name: "TargetGroup", Value: targetGroupId }];
    const namespace = "AWS/VpcLattice";
    return {
        router: "lattice",
        latencyToMs: 1,
        queries: [
            { id: "requests", namespace, metric: "TotalRequestCount", dimensions, stat: "Sum" },
            { id: "target5xx", namespace, metric: "HTTPCode_5XX_Count", dimensions, stat: "Sum" },
            { id: "connectionErrors", namespace, metric: "ConnectionErrorCount", dimensions, stat: "Sum" },
            { id: "p99", namespace, metric: "RequestTime", dimensions, stat: "p99" },
        ],
    };
}

export const lattice: RouterPlugin<"lattice"> = {
    kind: "lattice",
    splits: "requests",
    flagger: { provider: "gatewayapi:v1", metricsByTargetGroup: true },
    namespaceLabels: () => ({ ...LATTICE_READINESS_GATE_LABEL }),
    objectNames: () => [],
    describers: {
        [RESOURCE_TYPES.gatewayClass]: (inputs) => [`${objectName(inputs)}  controller ${text(at(inputs, "spec.controllerName"))}`],
        [RESOURCE_TYPES.gateway]: (inputs) => {
            const listeners = list(at(inputs, "spec.listeners")).map((listener) => `${text(at(listener, "name"))} ${text(at(listener, "protocol"))}:${text(at(listener, "port"))}`);
            return [`${objectName(inputs)}  class ${text(at(inputs, "spec.gatewayClassName"))}  listeners ${listeners.join(", ")}`];
        },
        [RESOURCE_TYPES.httpRoute]: (inputs) => {
            const backends = list(at(inputs, "spec.rules")).flatMap((rule) =>
                list(at(rule, "backendRefs")).map((ref) => `${text(at(ref, "name"))}:${text(at(ref, "port"))} ${text(at(ref, "weight"))}%`),
            );
            return [`${objectName(inputs)}  hosts ${list(at(inputs, "spec.hostnames")).map(text).join(",")}  weighted ${backends.join(" / ")}`];
        },
        [RESOURCE_TYPES.targetGroupPolicy]: (inputs) => [
            `${objectName(inputs)}  target ${text(at(inputs, "spec.targetRef.name"))}  health check ${text(at(inputs, "spec.healthCheck.path"))}`,
        ],
        [RESOURCE_TYPES.serviceNetwork]: (inputs) => [`${text(inputs.name)}  auth ${text(inputs.authType)}`],
        [RESOURCE_TYPES.serviceNetworkVpcAssociation]: (inputs) => [`vpc ${text(inputs.vpcIdentifier)}  security groups ${list(inputs.securityGroupIds).map(text).join(",")}`],
    },
    splitReaders: { [RESOURCE_TYPES.httpRoute]: httpRouteSplits },
    command: {
        metrics: {
            /**
             * The AWS Gateway API Controller tags a route's target groups with
             * `application-networking.k8s.aws/ServiceName`, `ServiceNamespace`, `RouteName` and `RouteNamespace`.
             */
            async find(service, { clusterName, namespace }, lookup) {
                const canaryService = versionObjectName(service, "v2");
                const prefix = "application-networking.k8s.aws";
                const groups = await lookup(["vpc-lattice:targetgroup"], {
                    [`${prefix}/ClusterName`]: clusterName,
                    [`${prefix}/ServiceName`]: canaryService,
                    [`${prefix}/ServiceNamespace`]: namespace,
                    [`${prefix}/RouteName`]: service,
                    [`${prefix}/RouteNamespace`]: namespace,
                });
                const group = single(groups, `VPC Lattice target group of ${namespace}/${canaryService} in HTTPRoute ${namespace}/${service}`);
                return typeof group === "string" ? group : latticeTarget(group.arn.slice(group.arn.lastIndexOf("/") + 1));
            },
        },
        loadUrl: (service, { clusterName }) => `http://${latticeHostname(service.name, latticeZoneName(clusterName))}${service.healthPath}`,
    },
    create: (env, opts) => new LatticeRouter("lattice", env, opts),
};
