/** Who hears the alarms (stacks/config/alarms.ts), and alerts that would never be sent. */
import { describe, expect, it } from "vitest";
import { parseEksStackConfig } from "../../../stacks/config";
import { issueAt, issuesOf, minimalRaw } from "./helpers";

describe("parseStackConfig: alarms", () => {
    it("none by default: alarms without actions", () => {
        expect(parseEksStackConfig(minimalRaw(), "test").alarms).toStrictEqual({});
    });

    it("an email and a secret HTTPS endpoint", () => {
        const raw = { ...minimalRaw(), "eks-canary:alarms": JSON.stringify({ email: "ops@example.com" }), "eks-canary:alarmUrl": "https://hooks.example.com/sns" };
        expect(parseEksStackConfig(raw, "test").alarms).toStrictEqual({ email: "ops@example.com", httpsUrl: "https://hooks.example.com/sns" });
    });

    it("refuses a malformed email, an unknown key and a non-HTTPS endpoint, never quoting the endpoint", () => {
        const secret = "http://hooks.example.com/sns?token=s3cr3t";
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:alarms": JSON.stringify({ email: "ops", emails: [] }), "eks-canary:alarmUrl": secret });
        expect(issueAt(issues, "eks-canary:alarms.email").message).toContain("allowed: an email address");
        expect(issueAt(issues, "eks-canary:alarms.emails").message).toContain("did you mean email?");
        expect(issueAt(issues, "eks-canary:alarmUrl").message).toContain("an https:// endpoint");
        expect(JSON.stringify(issues)).not.toContain("s3cr3t");
    });
});

describe("parseStackConfig: Flagger alerts with no service in automated mode", () => {
    it("are refused with the reason and what to set instead", () => {
        const raw = {
            ...minimalRaw(),
            "eks-canary:flagger": JSON.stringify({ alerts: { provider: "slack" } }),
            "eks-canary:flaggerAlertUrl": "https://hooks.slack.com/services/T/B/X",
        };
        const message = issueAt(issuesOf(raw), "eks-canary:flagger.alerts").message;
        expect(message).toMatch(/^Flagger runs only for services in mode automated, and no service is/);
        expect(message).toContain("eks-canary:alarms.email or the secret eks-canary:alarmUrl");
    });

    it("are kept for an automated service", () => {
        const services = { notification: { port: 8096, healthPath: "/health", mode: "automated", stable: { image: "example/notification:1.0.0" } } };
        const raw = {
            ...minimalRaw(),
            "eks-canary:router": "lattice",
            "eks-canary:services": JSON.stringify(services),
            "eks-canary:flagger": JSON.stringify({ alerts: { provider: "slack" } }),
            "eks-canary:flaggerAlertUrl": "https://hooks.slack.com/services/T/B/X",
        };
        expect(parseEksStackConfig(raw, "test").flagger.alerts?.provider).toBe("slack");
    });
});
