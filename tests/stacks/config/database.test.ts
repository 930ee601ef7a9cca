/** The database section (stacks/config/database.ts). */
import { describe, expect, it } from "vitest";
import { issueAt, issuesOf, minimalRaw } from "./helpers";

describe("parseStackConfig: every invalid kind, with its full key and the allowed values", () => {
    it("an unknown nested key, with did-you-mean", () => {
        const raw = { ...minimalRaw(), "eks-canary:database": JSON.stringify({ multiAZ: true, engine: "postgres" }) };
        const issues = issuesOf(raw);
        expect(issueAt(issues, "eks-canary:database.multiAZ").message).toMatch(/^unknown key \(did you mean multiAz\?\); allowed keys: instanceClass, /);
        expect(issueAt(issues, "eks-canary:database.engine").message).toMatch(/^unknown key; allowed keys:/);
    });
});
