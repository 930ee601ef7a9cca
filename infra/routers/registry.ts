/**
 * The routers: the one list of them. The `router` config key selects one by its kind; the config
 * parser, the program, the canary command and the offline plan ask this registry, never a router
 * by name (the Flagger add-on asks the router it is given; the policy pack reads the pure
 * split-readers.ts). Adding a router: a folder beside the others whose `index.ts` exports a
 * RouterPlugin, and its line here (see ARCHITECTURE.md).
 */
import type * as pulumi from "@pulumi/pulumi";
import { alb } from "./alb";
import { appmesh } from "./appmesh";
import type { RouterEnvironment, TrafficRouter } from "./contract";
import { lattice } from "./lattice";
import { linkerd } from "./linkerd";
import { RouterPlugin } from "./plugin";
import { replicas } from "./replicas";

export const ROUTER_PLUGINS = [appmesh, alb, lattice, linkerd, replicas] as const;

/** The `router` config values. */
export type RouterKind = (typeof ROUTER_PLUGINS)[number]["kind"];
export const ROUTER_KINDS: readonly RouterKind[] = ROUTER_PLUGINS.map((plugin) => plugin.kind);

export function isRouterKind(value: string): value is RouterKind {
    return (ROUTER_KINDS as readonly string[]).includes(value);
}

/** The plug-in of a router kind. */
export function routerPlugin(kind: RouterKind): RouterPlugin<RouterKind> {
    const plugin = ROUTER_PLUGINS.find((candidate) => candidate.kind === kind);
    if (plugin === undefined) {
        throw new Error(`unknown router ${String(kind)}; allowed: ${ROUTER_KINDS.join(", ")}`);
    }
    return plugin;
}

/** Declares the router `kind` (its controllers and shared resources) for the stack. */
export function createRouter(kind: RouterKind, env: RouterEnvironment, opts?: pulumi.ComponentResourceOptions): TrafficRouter {
    return routerPlugin(kind).create(env, opts);
}
