/**
 * The router registry: one plug-in per kind, every trait keyed by the program's resource type
 * tokens, and the routers each plug-in creates agree with what the plug-in says about them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { TrafficRouter } from "../../../infra/routers/contract";
import { isUnsupported } from "../../../infra/routers/plugin";
import { createRouter, isRouterKind, ROUTER_KINDS, ROUTER_PLUGINS, RouterKind, routerPlugin } from "../../../infra/routers/registry";
import { RESOURCE_TYPES } from "../../../infra/resource-types";
import { SPLIT_READERS } from "../../../infra/routers/split-readers";
import { derivedObjectNames } from "../../../infra/names";
import { automatedModeProblem } from "../../../stacks/config/routing";
import { recordResources, routerEnvironment } from "./mocks";

const TYPE_TOKENS = new Set<string>(Object.values(RESOURCE_TYPES));
const ROUTERS_DIR = path.join(__dirname, "../../../infra/routers");

describe("router registry", () => {
    it("lists each kind once, and ROUTER_KINDS is the plug-ins' kinds in order", () => {
        const kinds = ROUTER_PLUGINS.map((plugin) => plugin.kind);
        expect(new Set(kinds).size).toBe(kinds.length);
        expect(ROUTER_KINDS).toEqual(kinds);
        expect([...ROUTER_KINDS].sort()).toEqual(["alb", "appmesh", "lattice", "linkerd", "replicas"]);
    });

    it("registers every router folder of infra/routers, under the folder's name", () => {
        const folders = fs
            .readdirSync(ROUTERS_DIR, { withFileTypes: true })
            .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(ROUTERS_DIR, entry.name, "index.ts")))
            .map((entry) => entry.name);
        expect(folders.sort()).toEqual([...ROUTER_KINDS].sort());
    });

    it.each(ROUTER_KINDS.map((kind) => [kind]))("finds the plug-in of %s by its kind", (kind) => {
        expect(routerPlugin(kind).kind).toBe(kind);
        expect(isRouterKind(kind)).toBe(true);
    });

    it("refuses an unknown kind, naming the allowed ones", () => {
        expect(() => routerPlugin("nope" as never)).toThrow("unknown router nope; allowed: appmesh, alb, lattice, linkerd, replicas");
        expect(isRouterKind("nope")).toBe(false);
        expect(isRouterKind("ALB")).toBe(false);
    });

    it.each(ROUTER_KINDS.map((kind) => [kind]))("keys the describers and split readers of %s by the program's resource type tokens", (kind) => {
        const plugin = routerPlugin(kind);
        for (const type of [...Object.keys(plugin.describers), ...Object.keys(plugin.splitReaders)]) {
            expect(TYPE_TOKENS, `${kind}: ${type}`).toContain(type);
        }
    });

    it("gives two plug-ins that read the same resource type the same split reader (the policy pack keeps one per type)", () => {
        const readers = new Map<string, unknown>();
        for (const [type, read] of ROUTER_PLUGINS.flatMap((plugin) => Object.entries(plugin.splitReaders))) {
            expect(readers.get(type) ?? read, type).toBe(read);
            readers.set(type, read);
        }
        expect([...readers.keys()].length).toBe(3);
    });

    it("declares a split reader for every router that splits requests, and none for one that splits pods", () => {
        for (const plugin of ROUTER_PLUGINS) {
            expect(Object.keys(plugin.splitReaders).length > 0, plugin.kind).toBe(plugin.splits === "requests");
        }
    });

    it("makes exactly the routers whose Flagger trait has a provider automatable", () => {
        const withProvider = ROUTER_PLUGINS.filter((plugin) => !isUnsupported(plugin.flagger)).map((plugin) => plugin.kind);
        expect(withProvider).toEqual(["appmesh", "lattice", "linkerd"]);
        for (const kind of ROUTER_KINDS) {
            expect(automatedModeProblem(kind) === undefined, kind).toBe(withProvider.includes(kind));
        }
        expect(automatedModeProblem("alb")).toMatch(/set router to appmesh or lattice or linkerd$/);
    });

    it("has metrics by target group only where Flagger drives the router", () => {
        for (const plugin of ROUTER_PLUGINS) {
            if (isUnsupported(plugin.flagger)) {
                expect(plugin.flagger.unsupported, plugin.kind).not.toBe("");
            } else {
                expect(typeof plugin.flagger.metricsByTargetGroup, plugin.kind).toBe("boolean");
            }
        }
    });
});

describe("routers created through the registry", () => {
    const routers = new Map<RouterKind, TrafficRouter>();
    beforeAll(async () => {
        const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
        const recording = await recordResources();
        const env = routerEnvironment();
        for (const kind of ROUTER_KINDS) {
            routers.set(kind, createRouter(kind, env));
        }
        await recording.settle();
        warnings.mockRestore();
    });

    it.each(ROUTER_KINDS.map((kind) => [kind]))("creates a %s router of its own kind", (kind) => {
        expect(routers.get(kind)?.kind).toBe(kind);
    });

    it.each(ROUTER_KINDS.map((kind) => [kind]))("gives the %s router Flagger routing exactly when its plug-in names a provider, the same one", (kind) => {
        const trait = routerPlugin(kind).flagger;
        const routing = routers.get(kind)?.flagger;
        expect(routing?.provider).toBe(isUnsupported(trait) ? undefined : trait.provider);
    });
});

describe("the policy pack's split readers", () => {
    it("are exactly the registry's: every router's splitReaders, by type, the same functions", () => {
        const fromRegistry = Object.fromEntries(ROUTER_PLUGINS.flatMap((plugin) => Object.entries(plugin.splitReaders)));
        expect(Object.keys(SPLIT_READERS).sort()).toEqual(Object.keys(fromRegistry).sort());
        for (const [type, read] of Object.entries(fromRegistry)) {
            expect(SPLIT_READERS[type], type).toBe(read);
        }
    });
});

describe("the routers' object names", () => {
    it("are among the names the config checks for length and collisions (infra/names.ts derivedObjectNames)", () => {
        for (const plugin of ROUTER_PLUGINS) {
            for (const name of plugin.objectNames("notification")) {
                expect(derivedObjectNames("notification"), `${plugin.kind}: ${name}`).toContain(name);
            }
        }
    });
});
