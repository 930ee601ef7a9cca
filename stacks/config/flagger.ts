/**
 * Flagger's settings: the canary analysis of a service in automated mode (`services.<name>.analysis`,
 * with its defaults) and the stack-wide alerts (`eks-canary:flagger`, the secret `flaggerAlertUrl`).
 */
import { HEALTH_THRESHOLDS } from "../../infra/canary/health";
import { Checker, childKey, Json } from "../checks";
import { CHANNEL, DURATION, TARGET_GROUP_ID } from "./patterns";
import { parseSecretHttpsUrl } from "./secret-url";
import { latticeTargetGroupProblem, RouterKind } from "./routing";
import { AlertProviderType, ALERT_PROVIDERS, AnalysisConfig, FlaggerConfig } from "./types";

/** The analysis of an automated service that sets no `analysis` keys (the README's config reference lists the same). */
export const ANALYSIS_DEFAULTS = {
    interval: "1m",
    threshold: 5,
    maxWeight: 50,
    stepWeight: 5,
    // The shared health thresholds: the canary command's gates and the alarms use the same.
    successRateMin: 100 * (1 - HEALTH_THRESHOLDS.maxErrorRate),
    latencyMaxMs: HEALTH_THRESHOLDS.maxP99Ms,
    loadTest: { requestsPerSecond: 10, concurrency: 2 },
} as const;

const ANALYSIS_KEYS = ["interval", "threshold", "maxWeight", "stepWeight", "stepWeights", "successRateMin", "latencyMaxMs", "loadTest", "latticeTargetGroup"];

/** `router` is undefined when the `router` key is invalid: the router's checks are then skipped. */
export function parseAnalysis(check: Checker, key: string, value: Json | undefined, router: RouterKind | undefined): AnalysisConfig {
    const raw = check.object(key, value, ANALYSIS_KEYS) ?? {};
    const interval =
        check.string(childKey(key, "interval"), raw.interval, { pattern: DURATION, expected: "a duration in whole seconds or minutes, such as 1m or 30s" }) ??
        ANALYSIS_DEFAULTS.interval;
    const threshold = check.integer(childKey(key, "threshold"), raw.threshold, { min: 1, max: 20 }) ?? ANALYSIS_DEFAULTS.threshold;
    const maxWeight = check.integer(childKey(key, "maxWeight"), raw.maxWeight, { min: 1, max: 100 });
    const stepWeight = check.integer(childKey(key, "stepWeight"), raw.stepWeight, { min: 1, max: 100 });
    let stepWeights: number[] | undefined;
    const stepsKey = childKey(key, "stepWeights");
    if (raw.stepWeights !== undefined) {
        const items = check.array(stepsKey, raw.stepWeights, { minItems: 1, maxItems: 100 }) ?? [];
        const steps = items.map((item, index) => check.integer(childKey(stepsKey, index), item, { min: 1, max: 100 }));
        if (steps.every((step) => step !== undefined) && items.length > 0) {
            const valid = steps as number[];
            if (valid.some((step, index) => index > 0 && step <= valid[index - 1])) {
                check.report(stepsKey, `${JSON.stringify(valid)} is not strictly ascending; allowed: ascending weights 1..100 such as [5, 10, 25, 50]`);
            } else {
                stepWeights = valid;
            }
        }
    }
    if (raw.stepWeight !== undefined && raw.stepWeights !== undefined) {
        check.report(key, "both stepWeight and stepWeights are set; allowed: one of them (a fixed step, or the list of weights)");
    }
    if (raw.stepWeights !== undefined && raw.maxWeight !== undefined) {
        check.report(
            childKey(key, "maxWeight"),
            "maxWeight goes with stepWeight; with stepWeights Flagger promotes after the last step; allowed: remove maxWeight, or use stepWeight",
        );
    }
    const effectiveMax = maxWeight ?? ANALYSIS_DEFAULTS.maxWeight;
    if (stepWeight !== undefined && stepWeight > effectiveMax) {
        check.report(childKey(key, "stepWeight"), `${stepWeight} is above maxWeight ${effectiveMax}: Flagger would never take a step; allowed: 1..${effectiveMax}`);
    }
    const loadKey = childKey(key, "loadTest");
    const load = check.object(loadKey, raw.loadTest, ["requestsPerSecond", "concurrency"]) ?? {};
    const loadTest = {
        requestsPerSecond: check.integer(childKey(loadKey, "requestsPerSecond"), load.requestsPerSecond, { min: 1, max: 1000 }) ?? ANALYSIS_DEFAULTS.loadTest.requestsPerSecond,
        concurrency: check.integer(childKey(loadKey, "concurrency"), load.concurrency, { min: 1, max: 100 }) ?? ANALYSIS_DEFAULTS.loadTest.concurrency,
    };
    const groupKey = childKey(key, "latticeTargetGroup");
    const latticeTargetGroup = check.string(groupKey, raw.latticeTargetGroup, { pattern: TARGET_GROUP_ID, expected: "a VPC Lattice target group ID such as tg-0123456789abcdef0" });
    const groupProblem = raw.latticeTargetGroup !== undefined && router !== undefined ? latticeTargetGroupProblem(router) : undefined;
    if (groupProblem !== undefined) {
        check.report(groupKey, groupProblem);
    }
    return {
        interval,
        threshold,
        maxWeight: stepWeights === undefined ? effectiveMax : stepWeights[stepWeights.length - 1],
        ...(stepWeights === undefined ? { stepWeight: stepWeight ?? ANALYSIS_DEFAULTS.stepWeight } : { stepWeights }),
        successRateMin: check.integer(childKey(key, "successRateMin"), raw.successRateMin, { min: 0, max: 100 }) ?? ANALYSIS_DEFAULTS.successRateMin,
        latencyMaxMs: check.integer(childKey(key, "latencyMaxMs"), raw.latencyMaxMs, { min: 1, max: 60000 }) ?? ANALYSIS_DEFAULTS.latencyMaxMs,
        loadTest,
        ...(latticeTargetGroup === undefined ? {} : { latticeTargetGroup }),
    };
}

/** The webhook URL is a key of its own (`urlKey`) so that Pulumi keeps it encrypted, as a secret. */
export function parseFlagger(check: Checker, key: string, value: Json | undefined, urlKey: string, urlValue: Json | undefined): FlaggerConfig {
    const raw = check.object(key, value, ["alerts"]) ?? {};
    const alertsKey = childKey(key, "alerts");
    const alerts = check.object(alertsKey, raw.alerts, ["provider", "channel"]);
    const url = parseSecretHttpsUrl(check, urlKey, urlValue, "an https:// webhook URL", "an https:// webhook URL (set it with `pulumi config set --secret flaggerAlertUrl <url>`)");
    if (alerts === undefined) {
        return {};
    }
    let provider: AlertProviderType | undefined;
    if (alerts.provider === "generic") {
        check.report(
            childKey(alertsKey, "provider"),
            "Flagger's AlertProvider has no generic webhook type, and its event webhook would carry the URL in plain resource inputs; allowed: " + ALERT_PROVIDERS.join(", "),
        );
    } else {
        provider = check.requiredString(childKey(alertsKey, "provider"), alerts.provider, { oneOf: ALERT_PROVIDERS }) as AlertProviderType | undefined;
    }
    const channel = check.string(childKey(alertsKey, "channel"), alerts.channel, { pattern: CHANNEL, expected: "a channel name such as #releases" });
    if (urlValue === undefined) {
        check.report(urlKey, "missing: alerts are configured but have no webhook URL; set it with `pulumi config set --secret flaggerAlertUrl https://...`");
    }
    if (provider === undefined || url === undefined) {
        return {};
    }
    return { alerts: { provider, ...(channel === undefined ? {} : { channel }), url } };
}
