/**
 * The App Mesh controller add-on, which the appmesh router runs: it turns the mesh objects into
 * App Mesh resources and its webhook injects the Envoy sidecars. AWS discontinued App Mesh on
 * 2026-09-30; the router plans it and cannot deploy it.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CHARTS, IMAGES } from "../../versions";
import { AddOnCluster, helmAddOn, upstreamPolicy } from "../addon";
import policyFile from "./appmesh-controller.json";

/** The controller's namespace (Flagger's Prometheus for the mesh runs there too). */
export const APPMESH_CONTROLLER_NAMESPACE = "appmesh-system";
export const APPMESH_CONTROLLER_SERVICE_ACCOUNT = "appmesh-controller";

export interface AppMeshControllerArgs {
    readonly region: string;
}

/** Declares the controller (Helm, in its own namespace) and its IRSA role as children of `parent`. */
export function appMeshController(name: string, args: AppMeshControllerArgs, cluster: AddOnCluster, parent: pulumi.Resource): k8s.helm.v3.Release {
    const [xrayRepository, xrayTag] = IMAGES.xrayDaemon.split(":");
    return helmAddOn(
        name,
        {
            chart: CHARTS.appMeshController,
            releaseName: "appmesh-controller",
            namespace: APPMESH_CONTROLLER_NAMESPACE,
            createNamespace: true,
            serviceAccount: APPMESH_CONTROLLER_SERVICE_ACCOUNT,
            permissions: { policy: upstreamPolicy(CHARTS.appMeshController, policyFile) },
            values: {
                // Pods cannot read instance metadata (hop limit 1): the region is given.
                region: args.region,
                // Envoy traces to an injected X-Ray daemon sidecar, pinned like the cluster's daemon.
                tracing: { enabled: true, provider: "x-ray" },
                xray: { image: { repository: xrayRepository, tag: xrayTag } },
                resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "1", memory: "512Mi" } },
            },
        },
        cluster,
        parent,
    );
}
