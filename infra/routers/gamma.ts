/**
 * The Gateway API's mesh profile (GAMMA): an HTTPRoute whose parent is a Service sends that
 * Service's requests to weighted backend Services, and the mesh's sidecars apply it for every meshed
 * caller. What is mesh-neutral lives here, so that a mesh router (Linkerd today; Istio would be
 * another folder using the same functions) adds only its control plane and its metrics.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gatewayapi } from "../crds";
import { versionWeights } from "../canary/weights";
import { PART_OF } from "../k8s";
import { sharedServiceName } from "../names";
import type { CanaryServiceSpec, VersionServices } from "./contract";
import { httpRouteRules } from "./httproute";

/** The parentRef of a GAMMA route: a Service (the core group) and its port. */
export function serviceParentRef(serviceName: string, port: number): gatewayapi.HTTPRouteSpecParentRef {
    return { group: "core", kind: "Service", name: serviceName, port };
}

/** The weighted backends of a GAMMA route: the versions' Services, v1 at 100 - weight and v2 at weight. */
export function versionBackendRefs(versions: VersionServices, port: number, weight: number): gatewayapi.HTTPRouteSpecRuleBackendRef[] {
    return versionWeights(weight, versions.stable, versions.canary).map((version) => ({ group: "", kind: "Service", name: version.service, port, weight: version.weight }));
}

/**
 * The Service callers call, `<service>-clusterip-service` (the seed's name): a cluster IP (a mesh
 * routes by it; a headless Service is not a GAMMA parent) that selects the stable version's pods
 * only, so a caller outside the mesh, which the route does not apply to, never reaches the canary.
 */
export function gammaParentService(spec: CanaryServiceSpec, opts: pulumi.CustomResourceOptions): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
        `${spec.name}-shared`,
        {
            metadata: { name: sharedServiceName(spec.name), namespace: spec.namespace, labels: { app: spec.name, ...PART_OF } },
            spec: {
                type: "ClusterIP",
                selector: { app: spec.name, version: "v1" },
                ports: [{ name: "http", port: spec.port, targetPort: "http", protocol: "TCP" }],
            },
        },
        opts,
    );
}

/** The service's GAMMA HTTPRoute, named after it: its weights are the only input a canary step changes (a header match, when set, is a rule before them). */
export function gammaRoute(spec: CanaryServiceSpec, versions: VersionServices, parentServiceName: string, opts: pulumi.CustomResourceOptions): gatewayapi.HTTPRoute {
    return new gatewayapi.HTTPRoute(
        spec.name,
        {
            metadata: { name: spec.name, namespace: spec.namespace, labels: { app: spec.name, ...PART_OF } },
            spec: {
                parentRefs: [serviceParentRef(parentServiceName, spec.port)],
                rules: httpRouteRules(spec, versions, (weight) => versionBackendRefs(versions, spec.port, weight)),
            },
        },
        opts,
    );
}
