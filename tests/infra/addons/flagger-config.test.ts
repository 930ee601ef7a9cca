/** Config errors of automated mode and Flagger's settings: every one names its key. */
import { describe, expect, it } from "vitest";
import { configErrors } from "../../helpers";

const AUTOMATED = "services.notification.mode=automated";
const ALERTS = ["flagger.alerts.provider=slack", "flagger.alerts.channel=#releases", "flaggerAlertUrl=https://hooks.slack.com/services/T000/B000/XXXX"];

describe("config errors", () => {
    it("automated on alb and on replicas, naming why", () => {
        const alb = configErrors(["router=alb", AUTOMATED]);
        expect(alb).toContainEqual({ key: "eks-canary:services.notification.mode", message: expect.stringMatching(/router alb.*target groups of an ALB/) as string });
        const replicas = configErrors(["router=replicas", AUTOMATED, "services.notification.canary.weight=50"]);
        expect(replicas).toContainEqual({ key: "eks-canary:services.notification.mode", message: expect.stringMatching(/router replicas.*blue\/green/) as string });
    });

    it("analysis values out of range, all at once", () => {
        const keys = configErrors([
            AUTOMATED,
            "services.notification.analysis.threshold=0",
            "services.notification.analysis.maxWeight=101",
            "services.notification.analysis.successRateMin=120",
            "services.notification.analysis.latencyMaxMs=0",
            "services.notification.analysis.interval=1h",
        ]).map((issue) => issue.key);
        for (const name of ["threshold", "maxWeight", "successRateMin", "latencyMaxMs", "interval"]) {
            expect(keys).toContain(`eks-canary:services.notification.analysis.${name}`);
        }
        expect(
            configErrors([AUTOMATED, "services.notification.analysis.stepWeights[0]=20", "services.notification.analysis.stepWeights[1]=10"]).map((issue) => issue.key),
        ).toContain("eks-canary:services.notification.analysis.stepWeights");
        expect(configErrors([AUTOMATED, "services.notification.analysis.stepWeight=5", "services.notification.analysis.stepWeights[0]=10"]).map((issue) => issue.key)).toContain(
            "eks-canary:services.notification.analysis",
        );
    });

    it("analysis without automated mode, and a mode that does not exist", () => {
        expect(configErrors(["services.notification.analysis.threshold=3"])).toContainEqual({
            key: "eks-canary:services.notification.analysis",
            message: expect.stringMatching(/only apply in automated mode/) as string,
        });
        expect(configErrors(["services.notification.mode=auto"]).map((issue) => issue.key)).toContain("eks-canary:services.notification.mode");
    });

    it("alerts without the secret URL, a non-https URL, and the generic provider", () => {
        expect(configErrors([AUTOMATED, "flagger.alerts.provider=slack"])).toContainEqual({
            key: "eks-canary:flaggerAlertUrl",
            message: expect.stringMatching(/missing/) as string,
        });
        const insecure = configErrors([AUTOMATED, ...ALERTS.slice(0, 2), "flaggerAlertUrl=http://hooks.example.com/secret-token-123"]);
        expect(insecure.map((issue) => issue.key)).toEqual(["eks-canary:flaggerAlertUrl"]);
        // A secret is never quoted back, even when it is wrong.
        expect(insecure[0].message).not.toContain("secret-token-123");
        expect(insecure[0].message).toContain("the secret value is malformed");
        expect(configErrors([AUTOMATED, "flagger.alerts.provider=generic", ALERTS[2]])).toContainEqual({
            key: "eks-canary:flagger.alerts.provider",
            message: expect.stringMatching(/no generic webhook type/) as string,
        });
    });

    it("an encrypted URL (offline: unknown) is not checked, and the dev and prod files stay valid", () => {
        expect(configErrors([AUTOMATED, ALERTS[0], "flaggerAlertUrl=[secret]"])).toEqual([]);
        expect(configErrors([])).toEqual([]);
        expect(configErrors([], "prod")).toEqual([]);
    });
});
