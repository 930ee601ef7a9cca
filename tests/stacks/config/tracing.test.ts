/** The `tracing` key (stacks/config/index.ts): the backend behind xray-service. */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../stacks/config";
import { issueAt, issuesOf, minimalRaw } from "./helpers";

describe("parseStackConfig: tracing", () => {
    it("is the ADOT collector unless set", () => {
        expect(parseStackConfig(minimalRaw(), "test").tracing).toBe("adot");
    });

    it("keeps the X-Ray daemon when asked", () => {
        expect(parseStackConfig({ ...minimalRaw(), "eks-canary:tracing": "xray-daemon" }, "test").tracing).toBe("xray-daemon");
    });

    it("refuses another backend, listing the allowed ones", () => {
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:tracing": "jaeger" });
        expect(issueAt(issues, "eks-canary:tracing").message).toBe('"jaeger" is not allowed; allowed: adot, xray-daemon, none');
    });
});
