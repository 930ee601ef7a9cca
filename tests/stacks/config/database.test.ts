/** The database section (stacks/config/database.ts). */
import { describe, expect, it } from "vitest";
import { parseEksStackConfig } from "../../../stacks/config";
import { issueAt, issuesOf, minimalRaw } from "./helpers";

describe("parseStackConfig: every invalid kind, with its full key and the allowed values", () => {
    it("an unknown nested key, with did-you-mean", () => {
        const raw = { ...minimalRaw(), "eks-canary:database": JSON.stringify({ multiAZ: true, engine: "postgres" }) };
        const issues = issuesOf(raw);
        expect(issueAt(issues, "eks-canary:database.multiAZ").message).toMatch(/^unknown key \(did you mean multiAz\?\); allowed keys: instanceClass, /);
        expect(issueAt(issues, "eks-canary:database.engine").message).toMatch(/^unknown key; allowed keys:/);
    });
});

describe("parseStackConfig: the database's safe defaults and storage bounds", () => {
    const database = (section?: Record<string, unknown>) =>
        parseEksStackConfig(section === undefined ? minimalRaw() : { ...minimalRaw(), "eks-canary:database": JSON.stringify(section) }, "test").database;

    it("defaults to multi-AZ, deletion protection and a final snapshot, on 20..100 GiB of db.t4g.micro", () => {
        expect(database()).toMatchObject({
            instanceClass: "db.t4g.micro",
            allocatedStorageGiB: 20,
            maxAllocatedStorageGiB: 100,
            multiAz: true,
            deletionProtection: true,
            finalSnapshot: true,
        });
    });

    it("a stack may lift each protection explicitly", () => {
        expect(database({ multiAz: false, deletionProtection: false, finalSnapshot: false })).toMatchObject({ multiAz: false, deletionProtection: false, finalSnapshot: false });
    });

    it("the autoscaling ceiling defaults to at least the allocated storage, may equal it, and may not be below it", () => {
        expect(database({ allocatedStorageGiB: 200 }).maxAllocatedStorageGiB).toBe(200);
        expect(database({ allocatedStorageGiB: 50, maxAllocatedStorageGiB: 50 }).maxAllocatedStorageGiB).toBe(50);
        const issues = issuesOf({ ...minimalRaw(), "eks-canary:database": JSON.stringify({ allocatedStorageGiB: 50, maxAllocatedStorageGiB: 40 }) });
        expect(issueAt(issues, "eks-canary:database.maxAllocatedStorageGiB").message).toBe("40 is below allocatedStorageGiB 50; allowed: at least allocatedStorageGiB");
    });
});
