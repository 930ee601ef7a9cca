/** The router factory: the `router` config value picks one TrafficRouter. */
import * as pulumi from "@pulumi/pulumi";
import { AlbRouter } from "./alb";
import { AppMeshRouter, appMeshNamespaceLabels } from "./appmesh";
import { LATTICE_READINESS_GATE_LABEL, LatticeRouter } from "./lattice";
import { ReplicasRouter } from "./replicas";
import { RouterEnvironment, RouterKind, TrafficRouter } from "./router";

/**
 * Labels the app namespace must carry for a router: App Mesh, sidecar injection and mesh
 * membership; Lattice, its readiness gate. (The load balancer controller's readiness gate is on
 * whatever the router: the public ALB's targets are in the app namespace.)
 */
export function namespaceLabels(kind: RouterKind, name: string): Record<string, string> {
    switch (kind) {
        case "appmesh":
            return appMeshNamespaceLabels(name);
        case "lattice":
            return { ...LATTICE_READINESS_GATE_LABEL };
        default:
            return {};
    }
}

/** Declares the router `kind` (its controllers and shared resources) for the stack. */
export function createRouter(kind: RouterKind, env: RouterEnvironment, opts?: pulumi.ComponentResourceOptions): TrafficRouter {
    switch (kind) {
        case "appmesh":
            return new AppMeshRouter("appmesh", env, opts);
        case "alb":
            return new AlbRouter(env);
        case "lattice":
            return new LatticeRouter("lattice", env, opts);
        case "replicas":
            return new ReplicasRouter(env.k8sProvider);
    }
}
