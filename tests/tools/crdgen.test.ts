import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../tools/crdgen";
import { drift } from "../../tools/crdgen/drift";
import { defaultCrdDir, generate } from "../../tools/crdgen/generate";
import { checkSpec } from "../../infra/crds/validate";

const registered: pulumi.runtime.MockResourceArgs[] = [];
void pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            registered.push(args);
            return { id: args.name + "-id", state: args.inputs };
        },
        call: (args) => args.inputs,
    },
    "eks-canary",
    "test",
    false,
);

// Imported after setMocks so that every resource they construct is mocked.
let crds: typeof import("../../infra/crds");
beforeAll(async () => {
    crds = await import("../../infra/crds");
});

/** Resolves once the resource has been registered with the (mocked) engine. */
function registeredAs(resource: pulumi.Resource): Promise<pulumi.runtime.MockResourceArgs> {
    return new Promise((resolve, reject) => {
        resource.urn.apply((urn) => {
            const found = registered.find((r) => urn.endsWith("::" + r.name));
            if (found) resolve(found);
            else reject(new Error(`no registration for ${urn}`));
            return urn;
        });
    });
}

const meshRef = { name: "mesh", uid: "11111111-2222-3333-4444-555555555555" };

function virtualRouterSpec(weights: number[]) {
    return {
        meshRef,
        listeners: [{ portMapping: { port: 8080, protocol: "http" as const } }],
        routes: [
            {
                name: "notification",
                httpRoute: {
                    match: { prefix: "/" },
                    action: {
                        weightedTargets: weights.map((weight, i) => ({
                            virtualNodeRef: { name: i === 0 ? "notification-primary" : "notification-canary" },
                            weight,
                        })),
                    },
                },
            },
        ],
    };
}

function canarySpec() {
    return {
        targetRef: { apiVersion: "apps/v1", kind: "Deployment" as const, name: "notification" },
        service: { port: 8080 },
        analysis: { interval: "1m", threshold: 5, maxWeight: 50, stepWeight: 10 },
    };
}

function httpRouteSpec(backendRefs: { name: string; port: number; weight?: number }[]) {
    return {
        parentRefs: [{ name: "lattice-network", sectionName: "http" }],
        rules: [{ matches: [{ path: { type: "PathPrefix" as const, value: "/" } }], backendRefs }],
    };
}

describe("generated App Mesh classes", () => {
    it("accepts a valid VirtualRouter spec with weightedTargets", () => {
        expect(checkSpec(crds.appmesh.VirtualRouterSpecSchema, virtualRouterSpec([90, 10]), "spec")).toEqual([]);
        expect(() => new crds.appmesh.VirtualRouter("valid-router", { spec: virtualRouterSpec([90, 10]) })).not.toThrow();
    });

    it("rejects a weight above 100, naming kind, resource and path", () => {
        expect(() => new crds.appmesh.VirtualRouter("notification", { spec: virtualRouterSpec([101, 0]) })).toThrow(
            'VirtualRouter "notification": spec.routes[0].httpRoute.action.weightedTargets[0].weight: 101 is above the maximum 100',
        );
    });

    it("reports every violation, each with its path", () => {
        const spec = virtualRouterSpec([-1, 101]);
        let message = "";
        try {
            new crds.appmesh.VirtualRouter("two-errors", { spec });
        } catch (e) {
            message = e instanceof Error ? e.message : String(e);
        }
        expect(message.split("\n")).toEqual([
            'VirtualRouter "two-errors": spec.routes[0].httpRoute.action.weightedTargets[0].weight: -1 is below the minimum 0',
            'VirtualRouter "two-errors": spec.routes[0].httpRoute.action.weightedTargets[1].weight: 101 is above the maximum 100',
        ]);
    });

    it("rejects a missing required field", () => {
        const spec = virtualRouterSpec([100]);
        const target = { virtualNodeRef: { name: "notification-primary" } };
        const broken = {
            ...spec,
            routes: [{ ...spec.routes[0], httpRoute: { ...spec.routes[0].httpRoute, action: { weightedTargets: [target] } } }],
        };
        expect(checkSpec(crds.appmesh.VirtualRouterSpecSchema, broken, "spec")).toEqual(["spec.routes[0].httpRoute.action.weightedTargets[0].weight: required field is missing"]);
    });

    it("rejects an enum violation (VirtualNode listener protocol)", () => {
        const spec = {
            meshRef,
            podSelector: { matchLabels: { app: "notification" } },
            listeners: [{ portMapping: { port: 8080, protocol: "udp" } }],
        };
        expect(checkSpec(crds.appmesh.VirtualNodeSpecSchema, spec, "spec")).toEqual(['spec.listeners[0].portMapping.protocol: "udp" is not one of "grpc", "http", "http2", "tcp"']);
        expect(
            () =>
                new crds.appmesh.VirtualNode("notification", {
                    spec: { ...spec, listeners: [{ portMapping: { port: 8080, protocol: "udp" as "tcp" } }] },
                }),
        ).toThrow(/^VirtualNode "notification": spec\.listeners\[0\]\.portMapping\.protocol: "udp" is not one of/);
    });

    it("rejects wrong types, fields unknown to the CRD and list size limits", () => {
        const spec = { ...virtualRouterSpec([100]), listeners: [], awsName: 42, weigth: 1 };
        expect(checkSpec(crds.appmesh.VirtualRouterSpecSchema, spec, "spec")).toEqual([
            "spec.listeners: has 0 item(s), fewer than the minimum 1",
            "spec.awsName: expected a string, got 42",
            "spec.weigth: unknown field (not in the CRD schema)",
        ]);
        const targets = virtualRouterSpec(Array.from({ length: 11 }, () => 9));
        expect(checkSpec(crds.appmesh.VirtualRouterSpecSchema, targets, "spec")).toEqual([
            "spec.routes[0].httpRoute.action.weightedTargets: has 11 items, more than the maximum 10",
        ]);
    });

    it("skips Outputs, Promises and unknowns, checking only plain known values", () => {
        const spec = virtualRouterSpec([90, 10]);
        const withOutputs = {
            ...spec,
            meshRef: { name: pulumi.output("mesh"), uid: pulumi.output(meshRef.uid) },
            routes: [
                {
                    ...spec.routes[0],
                    httpRoute: {
                        ...spec.routes[0].httpRoute,
                        action: {
                            weightedTargets: [
                                { virtualNodeRef: { name: "a" }, weight: pulumi.output(500) },
                                { virtualNodeRef: { name: "b" }, weight: Promise.resolve(500) },
                            ],
                        },
                    },
                },
            ],
        };
        expect(checkSpec(crds.appmesh.VirtualRouterSpecSchema, withOutputs, "spec")).toEqual([]);
        expect(checkSpec(crds.appmesh.VirtualRouterSpecSchema, pulumi.output({ routes: "nope" }), "spec")).toEqual([]);
        expect(() => new crds.appmesh.VirtualRouter("outputs", { spec: withOutputs })).not.toThrow();
        expect(() => new crds.appmesh.VirtualRouter("whole-output", { spec: pulumi.output(spec) })).not.toThrow();
        // A known value next to an Output is still checked.
        const mixed = { ...withOutputs, awsName: 7 };
        expect(checkSpec(crds.appmesh.VirtualRouterSpecSchema, mixed, "spec")).toEqual(["spec.awsName: expected a string, got 7"]);
    });

    it("sets apiVersion and kind on the registered resource", async () => {
        const router = new crds.appmesh.VirtualRouter("registered-router", {
            metadata: { name: "notification", namespace: "prod" },
            spec: virtualRouterSpec([90, 10]),
        });
        const args = await registeredAs(router);
        expect(args.type).toBe("kubernetes:appmesh.k8s.aws/v1beta2:VirtualRouter");
        expect(args.inputs.apiVersion).toBe("appmesh.k8s.aws/v1beta2");
        expect(args.inputs.kind).toBe("VirtualRouter");
        expect(args.inputs.metadata).toEqual({ name: "notification", namespace: "prod" });
        expect(args.inputs.spec.routes[0].httpRoute.action.weightedTargets[1].weight).toBe(10);
        expect(crds.appmesh.VirtualRouter.apiVersion).toBe("appmesh.k8s.aws/v1beta2");
        expect(crds.appmesh.VirtualRouter.kind).toBe("VirtualRouter");

        const route = new crds.gatewayapi.HTTPRoute("registered-route", { spec: httpRouteSpec([{ name: "svc", port: 80 }]) });
        const routeArgs = await registeredAs(route);
        expect(routeArgs.inputs.apiVersion).toBe("gateway.networking.k8s.io/v1");
        expect(routeArgs.inputs.kind).toBe("HTTPRoute");

        const canary = new crds.flagger.Canary("registered-canary", { spec: canarySpec() });
        expect((await registeredAs(canary)).type).toBe("kubernetes:flagger.app/v1beta1:Canary");

        const policy = new crds.lattice.TargetGroupPolicy("registered-tgp", {
            spec: { targetRef: { group: "", kind: "Service", name: "svc" }, protocol: "HTTP" },
        });
        expect((await registeredAs(policy)).type).toBe("kubernetes:application-networking.k8s.aws/v1alpha1:TargetGroupPolicy");
    });
});

describe("generated Gateway API classes", () => {
    it("rejects an HTTPRoute backendRef weight above the maximum", () => {
        expect(
            () =>
                new crds.gatewayapi.HTTPRoute("notification", {
                    spec: httpRouteSpec([
                        { name: "primary", port: 80, weight: 2_000_000 },
                        { name: "canary", port: 80, weight: 0 },
                    ]),
                }),
        ).toThrow('HTTPRoute "notification": spec.rules[0].backendRefs[0].weight: 2000000 is above the maximum 1000000');
    });

    it("enforces list size limits (backendRefs maxItems)", () => {
        const refs = Array.from({ length: 17 }, (_v, i) => ({ name: `svc-${i}`, port: 80 }));
        expect(checkSpec(crds.gatewayapi.HTTPRouteSpecSchema, httpRouteSpec(refs), "spec")).toEqual(["spec.rules[0].backendRefs: has 17 items, more than the maximum 16"]);
        expect(checkSpec(crds.gatewayapi.HTTPRouteSpecSchema, httpRouteSpec(refs.slice(0, 16)), "spec")).toEqual([]);
    });

    it("checks string length and pattern", () => {
        const errors = checkSpec(crds.gatewayapi.HTTPRouteSpecSchema, { hostnames: ["Not_A_Host"] }, "spec");
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(/^spec\.hostnames\[0\]: "Not_A_Host" does not match the pattern /);
    });

    it("applies defaults before oneOf (a Gateway address without type is an IPAddress)", () => {
        const spec = {
            gatewayClassName: "amazon-vpc-lattice",
            listeners: [{ name: "http", port: 80, protocol: "HTTP" }],
            addresses: [{ value: "10.0.0.1" }, { type: "Hostname", value: "example.com" }],
        };
        expect(checkSpec(crds.gatewayapi.GatewaySpecSchema, spec, "spec")).toEqual([]);
    });
});

describe("generated Flagger classes", () => {
    it("accepts a valid Canary spec", () => {
        expect(checkSpec(crds.flagger.CanarySpecSchema, canarySpec(), "spec")).toEqual([]);
    });

    it("rejects a Canary spec missing targetRef", () => {
        const spec: Partial<ReturnType<typeof canarySpec>> = canarySpec();
        delete spec.targetRef;
        expect(checkSpec(crds.flagger.CanarySpecSchema, spec, "spec")).toEqual(["spec.targetRef: required field is missing"]);
        expect(() => new crds.flagger.Canary("notification", { spec: spec as ReturnType<typeof canarySpec> })).toThrow(
            'Canary "notification": spec.targetRef: required field is missing',
        );
    });

    it("checks the analysis oneOf (exactly one of iterations, stepWeight, stepWeights)", () => {
        const both = { ...canarySpec(), analysis: { interval: "1m", threshold: 5, stepWeight: 10, stepWeights: [10, 50] } };
        const [error, ...rest] = checkSpec(crds.flagger.CanarySpecSchema, both, "spec");
        expect(rest).toEqual([]);
        expect(error).toMatch(/^spec\.analysis: must match exactly one of: .*; matches \(2\) and \(3\)$/);
        const none = { ...canarySpec(), analysis: { interval: "1m", threshold: 5 } };
        expect(checkSpec(crds.flagger.CanarySpecSchema, none, "spec")[0]).toMatch(/^spec\.analysis: must match exactly one of: .*; matches none$/);
        // An Output where a branch needs a value does not make the branch fail.
        const unknown = { ...canarySpec(), analysis: { interval: pulumi.output("1m"), threshold: 5, stepWeight: pulumi.output(10) } };
        expect(checkSpec(crds.flagger.CanarySpecSchema, unknown, "spec")).toEqual([]);
    });

    it("accepts int-or-string targetPort values", () => {
        for (const targetPort of [8080, "http"]) {
            const spec = { ...canarySpec(), service: { port: 80, targetPort } };
            expect(checkSpec(crds.flagger.CanarySpecSchema, spec, "spec")).toEqual([]);
        }
        const bad = { ...canarySpec(), service: { port: 80, targetPort: true } };
        expect(checkSpec(crds.flagger.CanarySpecSchema, bad, "spec")).toEqual(["spec.service.targetPort: expected an integer or a string, got true"]);
    });
});

describe("tools/crdgen.ts", () => {
    const crdDir = defaultCrdDir;
    const outDir = path.resolve(__dirname, "..", "..", "infra", "crds");

    it("resolves the CRD directory as ../shared/crds/json relative to the repo", () => {
        expect(crdDir).toBe(path.resolve(__dirname, "..", "..", "..", "shared", "crds", "json"));
    });

    it.skipIf(!fs.existsSync(crdDir))("committed infra/crds files are up to date", () => {
        const { files, warnings } = generate(crdDir);
        expect(warnings).toEqual([]);
        expect([...files.keys()].sort()).toEqual(["appmesh.ts", "flagger.ts", "gatewayapi.ts", "index.ts", "lattice.ts"]);
        expect(drift(files, outDir)).toEqual([]);
    });

    it.skipIf(!fs.existsSync(crdDir))("is deterministic and copies no upstream descriptions", () => {
        const first = generate(crdDir).files;
        const second = generate(crdDir).files;
        expect([...second]).toEqual([...first]);

        const descriptions = new Set<string>();
        const collect = (v: unknown): void => {
            if (Array.isArray(v)) v.forEach(collect);
            else if (typeof v === "object" && v !== null) {
                for (const [k, x] of Object.entries(v)) {
                    if (k === "description" && typeof x === "string" && x.length >= 40) descriptions.add(x.slice(0, 40));
                    else collect(x);
                }
            }
        };
        for (const f of fs.readdirSync(crdDir).filter((f) => f.endsWith(".json"))) {
            collect(JSON.parse(fs.readFileSync(path.join(crdDir, f), "utf8")));
        }
        expect(descriptions.size).toBeGreaterThan(100);
        for (const [name, content] of first) {
            expect(content.startsWith("// Code generated by `npm run crdgen`"), name).toBe(true);
            for (const d of descriptions) expect(content.includes(d), `${name} contains "${d}"`).toBe(false);
        }
    });

    it("--check exits 0 with a notice when the CRD directory is absent", () => {
        const missing = path.join(os.tmpdir(), "crdgen-no-such-dir");
        expect(main(["--check", "--crds", missing])).toBe(0);
    });

    it.skipIf(!fs.existsSync(crdDir))("--check exits 1 when generated files drift", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crdgen-"));
        try {
            expect(main(["--crds", crdDir, "--out", tmp])).toBe(0);
            expect(main(["--check", "--crds", crdDir, "--out", tmp])).toBe(0);
            fs.appendFileSync(path.join(tmp, "flagger.ts"), "// edited\n");
            fs.writeFileSync(path.join(tmp, "old.ts"), `${fs.readFileSync(path.join(tmp, "index.ts"), "utf8")}`);
            expect(drift(generate(crdDir).files, tmp)).toEqual(["flagger.ts (differs)", "old.ts (stale)"]);
            expect(main(["--check", "--crds", crdDir, "--out", tmp])).toBe(1);
            expect(main(["--crds", crdDir, "--out", tmp])).toBe(0);
            expect(fs.existsSync(path.join(tmp, "old.ts"))).toBe(false);
            expect(main(["--check", "--crds", crdDir, "--out", tmp])).toBe(0);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
