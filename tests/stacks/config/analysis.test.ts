/** An automated service's analysis and Flagger's alerts as parsed (stacks/config/flagger.ts). */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../stacks/config";
import { issueAt, issuesOf, minimalRaw, withNotification } from "./helpers";

const URL = "https://hooks.slack.com/services/T000/B000/XXXX";

/** The minimal config with notification automated behind Lattice, its analysis `analysis`. */
function automated(analysis?: Record<string, unknown>, extra: Record<string, string> = {}): Record<string, string> {
    return {
        ...withNotification((service) => {
            service.mode = "automated";
            if (analysis !== undefined) {
                service.analysis = analysis;
            }
        }),
        "eks-canary:router": "lattice",
        ...extra,
    };
}

const analysisOf = (raw: Record<string, string>): unknown => parseStackConfig(raw, "test").services[0].analysis;
const keysOf = (raw: Record<string, string>): string[] => issuesOf(raw).map((issue) => issue.key);
const KEY = "eks-canary:services.notification.analysis";

describe("parseStackConfig: an automated service's analysis", () => {
    it("has Flagger's defaults", () => {
        expect(analysisOf(automated())).toStrictEqual({
            interval: "1m",
            threshold: 5,
            maxWeight: 50,
            stepWeight: 5,
            successRateMin: 99,
            latencyMaxMs: 500,
            loadTest: { requestsPerSecond: 10, concurrency: 2 },
        });
    });

    it("keeps every key as given", () => {
        const analysis = {
            interval: "30s",
            threshold: 3,
            maxWeight: 40,
            stepWeight: 10,
            successRateMin: 95,
            latencyMaxMs: 800,
            loadTest: { requestsPerSecond: 20, concurrency: 4 },
            latticeTargetGroup: "tg-0123456789abcdef0",
        };
        expect(analysisOf(automated(analysis))).toStrictEqual(analysis);
    });

    it("with stepWeights: no stepWeight, and the last weight is the promotion weight", () => {
        expect(analysisOf(automated({ stepWeights: [10, 25, 60] }))).toMatchObject({ stepWeights: [10, 25, 60], maxWeight: 60 });
        expect(analysisOf(automated({ stepWeights: [10, 25, 60] }))).not.toHaveProperty("stepWeight");
        expect(analysisOf(automated({ stepWeights: [30] }))).toMatchObject({ stepWeights: [30], maxWeight: 30 });
    });

    it("refuses weights that do not ascend, and reports a bad weight once", () => {
        expect(issueAt(issuesOf(automated({ stepWeights: [10, 10, 60] })), `${KEY}.stepWeights`).message).toContain("[10,10,60] is not strictly ascending");
        expect(keysOf(automated({ stepWeights: [60, 10] }))).toEqual([`${KEY}.stepWeights`]);
        expect(keysOf(automated({ stepWeights: [10, 0] }))).toEqual([`${KEY}.stepWeights[1]`]);
        expect(keysOf(automated({ stepWeights: [] }))).toEqual([`${KEY}.stepWeights`]);
    });

    it("refuses stepWeight with stepWeights, and maxWeight with stepWeights", () => {
        expect(issueAt(issuesOf(automated({ stepWeight: 5, stepWeights: [10, 20] })), KEY).message).toMatch(/^both stepWeight and stepWeights are set/);
        expect(issueAt(issuesOf(automated({ maxWeight: 50, stepWeights: [10, 20] })), `${KEY}.maxWeight`).message).toMatch(/^maxWeight goes with stepWeight/);
        expect(analysisOf(automated({ maxWeight: 50, stepWeight: 10 }))).toMatchObject({ maxWeight: 50, stepWeight: 10 });
    });

    it("refuses a step above the promotion weight, its own or the default, and takes one equal to it", () => {
        expect(issueAt(issuesOf(automated({ stepWeight: 30, maxWeight: 20 })), `${KEY}.stepWeight`).message).toBe(
            "30 is above maxWeight 20: Flagger would never take a step; allowed: 1..20",
        );
        expect(issueAt(issuesOf(automated({ stepWeight: 60 })), `${KEY}.stepWeight`).message).toContain("above maxWeight 50");
        expect(analysisOf(automated({ stepWeight: 20, maxWeight: 20 }))).toMatchObject({ stepWeight: 20, maxWeight: 20 });
        expect(analysisOf(automated({ stepWeight: 50 }))).toMatchObject({ stepWeight: 50, maxWeight: 50 });
    });

    it("refuses a Lattice target group behind a router whose Flagger metrics are not keyed by one", () => {
        const raw = { ...automated({ latticeTargetGroup: "tg-0123456789abcdef0" }), "eks-canary:router": "appmesh" };
        expect(keysOf(raw)).toEqual([`${KEY}.latticeTargetGroup`]);
    });
});

describe("parseStackConfig: Flagger's alerts", () => {
    const withAlerts = (alerts: Record<string, unknown>, url: string | null = URL): Record<string, string> =>
        automated(undefined, { "eks-canary:flagger": JSON.stringify({ alerts }), ...(url === null ? {} : { "eks-canary:flaggerAlertUrl": url }) });

    it("keeps the provider, the channel and the secret URL", () => {
        expect(parseStackConfig(withAlerts({ provider: "slack", channel: "#releases" }), "test").flagger).toStrictEqual({
            alerts: { provider: "slack", channel: "#releases", url: URL },
        });
        expect(parseStackConfig(withAlerts({ provider: "msteams" }), "test").flagger).toStrictEqual({ alerts: { provider: "msteams", url: URL } });
    });

    it("requires the URL and the provider", () => {
        expect(keysOf(withAlerts({ provider: "slack" }, null))).toEqual(["eks-canary:flaggerAlertUrl"]);
        expect(keysOf(withAlerts({ channel: "#releases" }))).toEqual(["eks-canary:flagger.alerts.provider"]);
    });

    it("takes a URL of 2048 characters and refuses a longer one", () => {
        const at = (length: number): string => `https://hooks.example.com/${"a".repeat(length - "https://hooks.example.com/".length)}`;
        expect(parseStackConfig(withAlerts({ provider: "slack" }, at(2048)), "test").flagger.alerts?.url).toHaveLength(2048);
        expect(issueAt(issuesOf(withAlerts({ provider: "slack" }, at(2049))), "eks-canary:flaggerAlertUrl").message).toBe(
            "is longer than 2048 characters; allowed: an https:// webhook URL",
        );
    });

    it("has none without an alerts block, even with a URL", () => {
        expect(parseStackConfig(automated(undefined, { "eks-canary:flaggerAlertUrl": URL }), "test").flagger).toStrictEqual({});
        expect(parseStackConfig(minimalRaw(), "test").flagger).toStrictEqual({});
    });
});
