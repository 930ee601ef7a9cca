/** policy/rules/rds.ts: RDS instances, and prod's extra guarantees. */
import { describe, expect, it } from "vitest";
import { TYPES } from "../../policy/rules";
import { goodRds, RDS_CASES } from "./fixtures/rds";
import { itJudgesEachCase, resourcePolicy, validateResource } from "./helpers";

describe("resource policies", () => {
    itJudgesEachCase(RDS_CASES);

    it("checks prod database settings only for resources tagged stack=prod", async () => {
        expect(await validateResource(resourcePolicy("rds-production"), TYPES.rdsInstance, { ...goodRds, multiAz: false })).toEqual([]);
    });
});
