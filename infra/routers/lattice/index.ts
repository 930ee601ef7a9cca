/**
 * The `lattice` router plug-in: Gateway API on Amazon VPC Lattice weighs requests between the
 * versions' target groups by the HTTPRoute's backend weights.
 */
import { versionObjectName } from "../../names";
import { at, list, objectName, text } from "../../props";
import { RESOURCE_TYPES } from "../../resource-types";
import { RouterPlugin } from "../plugin";
import { eksEnvironment } from "../contract";
import { findRouteTarget, LATTICE_HEALTH } from "./health";
import { LATTICE_READINESS_GATE_LABEL, latticeHostname, latticeZoneName } from "./names";
import { LatticeRouter } from "./router";
import { describeHttpRoute, httpRouteSplits } from "../httproute";

export const lattice: RouterPlugin<"lattice"> = {
    kind: "lattice",
    clusterKinds: ["eks"],
    splits: "requests",
    // The gateway API controller turns an HTTPRoute header match into a Lattice rule match: Exact only, case-insensitive.
    releaseControls: {
        match: { types: ["exact"] },
        sticky: { unsupported: "VPC Lattice has no session stickiness between a rule's target groups, and its gateway API controller offers none" },
    },
    flagger: { provider: "gatewayapi:v1", metricsByTargetGroup: true },
    namespaceLabels: () => ({ ...LATTICE_READINESS_GATE_LABEL }),
    objectNames: () => [],
    describers: {
        [RESOURCE_TYPES.gatewayClass]: (inputs) => [`${objectName(inputs)}  controller ${text(at(inputs, "spec.controllerName"))}`],
        [RESOURCE_TYPES.gateway]: (inputs) => {
            const listeners = list(at(inputs, "spec.listeners")).map((listener) => `${text(at(listener, "name"))} ${text(at(listener, "protocol"))}:${text(at(listener, "port"))}`);
            return [`${objectName(inputs)}  class ${text(at(inputs, "spec.gatewayClassName"))}  listeners ${listeners.join(", ")}`];
        },
        [RESOURCE_TYPES.httpRoute]: describeHttpRoute,
        [RESOURCE_TYPES.targetGroupPolicy]: (inputs) => [
            `${objectName(inputs)}  target ${text(at(inputs, "spec.targetRef.name"))}  health check ${text(at(inputs, "spec.healthCheck.path"))}`,
        ],
        [RESOURCE_TYPES.serviceNetwork]: (inputs) => [`${text(inputs.name)}  auth ${text(inputs.authType)}`],
        [RESOURCE_TYPES.serviceNetworkVpcAssociation]: (inputs) => [`vpc ${text(inputs.vpcIdentifier)}  security groups ${list(inputs.securityGroupIds).map(text).join(",")}`],
    },
    splitReaders: { [RESOURCE_TYPES.httpRoute]: httpRouteSplits },
    health: {
        metrics: LATTICE_HEALTH,
        // Each service's HTTPRoute is named after it and sends to the versions' Services.
        find: (service, version, { clusterName, namespace }, lookup) => findRouteTarget(clusterName, namespace, service.name, versionObjectName(service.name, version), lookup),
    },
    command: {
        loadUrl: (service, { clusterName }) => `http://${latticeHostname(service.name, latticeZoneName(clusterName))}${service.healthPath}`,
    },
    create: (env, opts) => new LatticeRouter("lattice", eksEnvironment(env, "lattice"), opts),
};
