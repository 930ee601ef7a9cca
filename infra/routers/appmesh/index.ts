/**
 * The `appmesh` router plug-in: App Mesh weighs requests in the callers' Envoy sidecars. AWS
 * discontinued App Mesh on 2026-09-30; the router plans and warns, and cannot be deployed.
 */
import { describeMatch } from "../../canary/release-controls";
import { sharedServiceName } from "../../names";
import { at, labels, list, objectName, text } from "../../props";
import { RESOURCE_TYPES } from "../../resource-types";
import { clusterServiceUrl, RouterPlugin } from "../plugin";
import { eksEnvironment } from "../contract";
import { virtualRouterSplits } from "./splits";
import { APPMESH_DISCONTINUED_WARNING, appMeshNamespaceLabels, AppMeshRouter } from "./router";

export const appmesh: RouterPlugin<"appmesh"> = {
    kind: "appmesh",
    clusterKinds: ["eks"],
    splits: "requests",
    // A VirtualRouter route matches headers (exact, regex, and more) at a priority of its own.
    releaseControls: {
        match: { types: ["exact", "regex"] },
        sticky: { unsupported: "App Mesh routes have no session stickiness: Envoy weighs each request on its own" },
    },
    discontinued: APPMESH_DISCONTINUED_WARNING,
    flagger: { provider: "appmesh:v1beta2", metricsByTargetGroup: false },
    namespaceLabels: appMeshNamespaceLabels,
    objectNames: (service) => [`${service}-router`],
    describers: {
        [RESOURCE_TYPES.mesh]: (inputs) => [
            `${objectName(inputs)}  namespaces ${labels(at(inputs, "spec.namespaceSelector.matchLabels"))}  egress ${text(at(inputs, "spec.egressFilter.type"))}`,
        ],
        [RESOURCE_TYPES.virtualNode]: (inputs) => {
            const backends = list(at(inputs, "spec.backends")).map((backend) => text(at(backend, "virtualService.virtualServiceRef.name")));
            return [
                `${objectName(inputs)}  pods ${labels(at(inputs, "spec.podSelector.matchLabels"))}  dns ${text(at(inputs, "spec.serviceDiscovery.dns.hostname"))}${backends.length > 0 ? `  backends ${backends.join(",")}` : ""}`,
            ];
        },
        [RESOURCE_TYPES.virtualRouter]: (inputs) => {
            const routes = list(at(inputs, "spec.routes")).map((route) => {
                const targets = list(at(route, "httpRoute.action.weightedTargets")).map((target) => `${text(at(target, "virtualNodeRef.name"))} ${text(at(target, "weight"))}%`);
                const headers = list(at(route, "httpRoute.match.headers")).map((header) => {
                    const exact = at(header, "match.exact");
                    return describeMatch({ header: text(at(header, "name")), value: text(exact ?? at(header, "match.regex")), type: exact === undefined ? "regex" : "exact" });
                });
                return headers.length === 0 ? `weighted ${targets.join(" / ")}` : `when ${headers.join(" and ")} ${targets.join(" / ")}`;
            });
            return [`${objectName(inputs)}  ${routes.join("  ")}`];
        },
        [RESOURCE_TYPES.virtualService]: (inputs) => [
            `${objectName(inputs)}  ${text(at(inputs, "spec.awsName"))} → router ${text(at(inputs, "spec.provider.virtualRouter.virtualRouterRef.name"))}`,
        ],
    },
    splitReaders: { [RESOURCE_TYPES.virtualRouter]: virtualRouterSplits },
    health: {
        unsupported:
            "the appmesh router has no CloudWatch metrics the command can read: Envoy's metrics reach CloudWatch only when exported " +
            "(CloudWatch agent or EMF), which this stack does not set up (and AWS discontinued App Mesh on 2026-09-30); switch to alb or lattice",
    },
    command: {
        loadUrl: (service, location) => clusterServiceUrl(sharedServiceName(service.name), service, location),
    },
    create: (env, opts) => new AppMeshRouter("appmesh", eksEnvironment(env, "appmesh"), opts),
};
