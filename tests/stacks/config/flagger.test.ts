/** Flagger's settings (stacks/config/flagger.ts): the alerts' webhook URL stays secret. */
import { describe, expect, it } from "vitest";
import { issuesOf, minimalRaw } from "./helpers";

describe("parseStackConfig: every invalid kind, with its full key and the allowed values", () => {
    it("a webhook URL pasted in the wrong key is never quoted", () => {
        const url = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX";
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:flagger": JSON.stringify({ alerts: { provider: url, channel: url } }), "eks-canary:flaggerAlertUrl": url });
        expect(JSON.stringify(issues)).not.toContain("hooks.slack.com");
        expect(JSON.stringify(issues)).toContain("not shown");
    });
});
