/** The router factory: the `router` config value picks one TrafficRouter. */
import * as pulumi from "@pulumi/pulumi";
import { AlbRouter } from "./alb";
import { AppMeshRouter, appMeshNamespaceLabels } from "./appmesh";
import { LatticeRouter } from "./lattice";
import { ReplicasRouter } from "./replicas";
import { RouterEnvironment, RouterKind, TrafficRouter } from "./router";

/** Labels the app namespace must carry for a router (App Mesh: sidecar injection and mesh membership). */
export function namespaceLabels(kind: RouterKind, name: string): Record<string, string> {
    return kind === "appmesh" ? appMeshNamespaceLabels(name) : {};
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
