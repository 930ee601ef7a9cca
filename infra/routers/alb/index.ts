/**
 * The `alb` router plug-in: an internal ALB per canaried service (an Ingress of the AWS Load
 * Balancer Controller the stack already runs) weighs requests between the versions' target groups.
 */
import { sharedServiceName, versionObjectName } from "../../names";
import { RESOURCE_TYPES } from "../../resource-types";
import { ALB_HEALTH, findIngressTarget } from "../../addons/load-balancer-controller/health";
import { clusterServiceUrl, RouterPlugin } from "../plugin";
import { eksEnvironment } from "../contract";
import { AlbRouter, canaryIngressName } from "./router";
import { forwardActionSplits } from "./splits";

export const alb: RouterPlugin<"alb"> = {
    kind: "alb",
    clusterKinds: ["eks"],
    splits: "requests",
    // A listener rule's http-header condition (values, with * and ? as wildcards, or regexValues), and target group stickiness of the forward action.
    releaseControls: {
        match: {
            types: ["exact", "regex"],
            problem: (match) =>
                match.type === "exact" && /[*?]/.test(match.value)
                    ? "an ALB header condition reads * and ? in a value as wildcards; allowed: a value without them, or type regex"
                    : undefined,
        },
        sticky: { maxSeconds: 604_800 },
    },
    flagger: {
        unsupported:
            "Flagger has no provider that shifts weights between the target groups of an ALB Ingress (its nginx, contour, gloo, ... providers drive other ingress controllers)",
    },
    namespaceLabels: () => ({}),
    objectNames: (service) => [canaryIngressName(service)],
    // The Ingress describer of the offline plan shows the forward actions of every Ingress.
    describers: {},
    splitReaders: { [RESOURCE_TYPES.ingress]: forwardActionSplits },
    health: {
        metrics: ALB_HEALTH,
        alsoCounts: "the ALB's own 5xx",
        // Each service's Ingress (outside any group) forwards to the versions' Services on the service's port.
        find: (service, version, { clusterName, namespace }, lookup) =>
            findIngressTarget({ clusterName, namespace, ingress: canaryIngressName(service.name), service: versionObjectName(service.name, version), port: service.port }, lookup),
    },
    command: {
        loadUrl: (service, location) => clusterServiceUrl(sharedServiceName(service.name), service, location),
    },
    create: (env) => new AlbRouter(eksEnvironment(env, "alb")),
};
