/** The canary step schedule (stacks/config/schedule.ts) and the weights it allows. */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../stacks/config";
import { issueAt, issuesOf, minimalRaw, withSchedule } from "./helpers";

describe("parseStackConfig: the canary step schedule", () => {
    it("has no schedule by default: any weight 0..100", () => {
        expect(parseStackConfig(minimalRaw(), "test").canary.steps).toEqual([]);
    });

    it("accepts a weight on the schedule", () => {
        const config = parseStackConfig(withSchedule([0, 10, 25, 50, 100], 10), "test");
        expect(config.canary.steps).toEqual([0, 10, 25, 50, 100]);
        expect(config.services[0].canary?.weight).toBe(10);
    });

    it("rejects a weight off the schedule, listing the steps", () => {
        const issues = issuesOf(withSchedule([0, 10, 25, 50, 100], 30));
        expect(issues).toHaveLength(1);
        expect(issueAt(issues, "eks-canary:services.notification.canary.weight").message).toBe(
            "30 is not a step of the schedule (eks-canary:canary.steps); allowed: 0, 10, 25, 50, 100",
        );
    });

    it("rejects steps that are not strictly ascending, or out of range", () => {
        expect(issueAt(issuesOf(withSchedule([0, 50, 25, 100], 0)), "eks-canary:canary.steps").message).toContain("not strictly ascending");
        expect(issueAt(issuesOf(withSchedule([0, 150], 0)), "eks-canary:canary.steps[1]").message).toContain("0..100");
        expect(issueAt(issuesOf(withSchedule([50], 50)), "eks-canary:canary.steps").message).toContain("2..101 items");
    });
});

describe("parseStackConfig: a broken schedule is reported alone", () => {
    it("refuses a repeated step: strictly ascending means no two equal", () => {
        expect(issueAt(issuesOf(withSchedule([0, 50, 50, 100], 0)), "eks-canary:canary.steps").message).toBe(
            "[0,50,50,100] is not strictly ascending; allowed: ascending weights 0..100 such as [0, 10, 25, 50, 100]",
        );
    });

    it("a step out of range is the only issue: the weight is not judged against a broken schedule", () => {
        const issues = issuesOf(withSchedule([0, 150, 100], 30));
        expect(issues.map((issue) => issue.key)).toEqual(["eks-canary:canary.steps[1]"]);
    });

    it("a schedule out of order is the only issue too", () => {
        const issues = issuesOf(withSchedule([0, 50, 25, 100], 30));
        expect(issues.map((issue) => issue.key)).toEqual(["eks-canary:canary.steps"]);
    });
});
