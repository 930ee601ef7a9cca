/**
 * The `replicas` router plug-in: one Service over both versions' pods, so the weight is the
 * canary's share of the pods. Needs no controller; the split is only as fine as the pod count.
 */
import { sharedServiceName } from "../../names";
import { clusterServiceUrl, RouterPlugin } from "../plugin";
import { ReplicasRouter } from "./router";

export const replicas: RouterPlugin<"replicas"> = {
    kind: "replicas",
    clusterKinds: ["eks", "existing"],
    splits: "pods",
    releaseControls: {
        match: { unsupported: "the replicas router has no routing resource, only pod counts: kube-proxy picks a pod for each connection and reads no header" },
        sticky: {
            unsupported:
                "the replicas router has no routing resource, only pod counts: kube-proxy picks a pod for each connection, and a Service's sessionAffinity would pin clients by IP to pods of both versions alike",
        },
    },
    flagger: {
        unsupported: "the replicas router has no weights to shift, only pod counts, and Flagger's kubernetes provider does blue/green only, not progressive weights",
    },
    namespaceLabels: () => ({}),
    objectNames: () => [],
    describers: {},
    // No routing resource: the policy pack reads the split from the versions' Deployments.
    splitReaders: {},
    health: {
        unsupported:
            "the replicas router has no per-version metrics: one Service selects the pods of both versions, so nothing measures v2 alone; " +
            "switch to alb or lattice, or step by hand with `npm run canary -- step`",
    },
    command: {
        loadUrl: (service, location) => clusterServiceUrl(sharedServiceName(service.name), service, location),
        promoteRefusal: (service) =>
            "the replicas router carries the weight in pod counts, so a promotion's return to the stable version would swap every pod at once; " +
            `promote by hand: step the weight down the schedule (npm run canary -- step --to <lower>) after setting services.${service}.stable.image to the canary's, then remove the canary block`,
    },
    create: (env) => new ReplicasRouter(env.k8sProvider),
};
