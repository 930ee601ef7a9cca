/**
 * The `linkerd` router plug-in: the Linkerd mesh weighs each service's requests between its
 * versions by a Gateway API HTTPRoute whose parent is the service's Service (GAMMA), on EKS or on
 * an existing cluster; its proxies' metrics, in linkerd-viz's Prometheus, measure each version.
 */
import { sharedServiceName } from "../../names";
import { describeHttpRoute, httpRouteSplits } from "../httproute";
import { clusterServiceUrl, RouterPlugin } from "../plugin";
import { RESOURCE_TYPES } from "../../resource-types";
import { LINKERD_HEALTH } from "./health";
import { LINKERD_INJECT_ANNOTATION } from "./names";
import { LinkerdRouter } from "./router";

export const linkerd: RouterPlugin<"linkerd"> = {
    kind: "linkerd",
    clusterKinds: ["eks", "existing"],
    splits: "requests",
    // Linkerd's proxies match HTTPRoute headers Exact (case-sensitive) and RegularExpression.
    releaseControls: {
        match: { types: ["exact", "regex"] },
        sticky: { unsupported: "Linkerd's HTTPRoute support has no session persistence: each request is balanced on its own" },
    },
    flagger: { provider: "gatewayapi:v1", metricsByTargetGroup: false },
    namespaceLabels: () => ({}),
    namespaceAnnotations: { [LINKERD_INJECT_ANNOTATION]: "enabled" },
    objectNames: () => [],
    describers: { [RESOURCE_TYPES.httpRoute]: describeHttpRoute },
    splitReaders: { [RESOURCE_TYPES.httpRoute]: httpRouteSplits },
    health: {
        unsupported:
            "the linkerd router's versions are measured by its proxies, in Prometheus, not in CloudWatch: the canary command reads them there " +
            "(`npm run canary -- run --prometheus <url>`), and there are no CloudWatch dashboards or alarms per version",
    },
    prometheusHealth: LINKERD_HEALTH,
    command: {
        // Through the shared Service, the route's parent: a meshed load pod's proxy applies the weights.
        loadUrl: (service, location) => clusterServiceUrl(sharedServiceName(service.name), service, location),
    },
    create: (env, opts) => new LinkerdRouter("linkerd", env, opts),
};
