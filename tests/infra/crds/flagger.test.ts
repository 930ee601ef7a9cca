/** The generated Flagger CRD types: their spec checks refuse a broken object before it is registered. */
import { describe, expect, it } from "vitest";
import { checkSpec } from "../../../infra/crds";
import * as flagger from "../../../infra/crds/flagger";
import { configErrors } from "../../helpers";

describe("the generated spec checks refuse a broken Flagger object before it is registered", () => {
    const good = (): flagger.CanarySpec => ({
        targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "notification" },
        analysis: { interval: "1m", threshold: 5, stepWeight: 5 },
    });

    it("accepts a complete one", () => {
        expect(checkSpec(flagger.CanarySpecSchema, good(), "spec")).toEqual([]);
    });

    it("a Canary without a targetRef", () => {
        const broken: Partial<flagger.CanarySpec> = good();
        delete broken.targetRef;
        expect(() => new flagger.Canary("broken", { spec: broken as flagger.CanarySpec })).toThrow(/targetRef/);
    });

    it("a Canary whose interval is not a duration, or whose provider is unknown", () => {
        expect(() => new flagger.Canary("broken", { spec: { ...good(), analysis: { ...good().analysis, interval: "one minute" } } })).toThrow(/spec\.analysis\.interval/);
        expect(() => new flagger.Canary("broken", { spec: { ...good(), provider: "alb" as flagger.CanarySpec["provider"] } })).toThrow(/provider/);
    });

    it("an AlertProvider with a type Flagger does not have (there is no generic one)", () => {
        expect(() => new flagger.AlertProvider("broken", { spec: { type: "generic" as "slack", secretRef: { name: "x" } } })).toThrow(/type/);
    });

    it("the CRD sets no maximum on stepWeight: the config check refuses one above 100", () => {
        expect(checkSpec(flagger.CanarySpecSchema, { ...good(), analysis: { interval: "1m", threshold: 5, stepWeight: 150 } }, "spec")).toEqual([]);
        expect(configErrors(["services.notification.mode=automated", "services.notification.analysis.stepWeight=150"]).map((issue) => issue.key)).toContain(
            "eks-canary:services.notification.analysis.stepWeight",
        );
    });
});
