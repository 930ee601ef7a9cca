import { describe, expect, it } from "vitest";
import {
    canExpress,
    isValidWeight,
    MAX_WEIGHT,
    MIN_WEIGHT,
    podsPerVersion,
    replicaSplit,
    replicaSplitProblem,
    smallestExactTotal,
    trafficSplit,
    versionWeights,
} from "../../../infra/canary/weights";

describe("replicaSplit: the seed table on 4 replicas", () => {
    it.each([
        [0, 4, 0],
        [25, 3, 1],
        [50, 2, 2],
        [75, 1, 3],
        [100, 0, 4],
    ])("weight %i gives %i stable / %i canary pods", (weight, stable, canary) => {
        expect(replicaSplit(weight, 4)).toEqual({ stable, canary });
    });

    it("scales the split with the total: 25% on 8 pods is 6/2", () => {
        expect(replicaSplit(25, 8)).toEqual({ stable: 6, canary: 2 });
    });
});

describe("smallestExactTotal", () => {
    it.each([
        [25, 4],
        [50, 2],
        [10, 10],
        [33, 100],
        [20, 5],
        [75, 4],
        [0, 1],
        [100, 1],
    ])("weight %i needs at least %i pods", (weight, total) => {
        expect(smallestExactTotal(weight)).toBe(total);
    });

    it.each([-1, 101, 2.5, Number.NaN])("rejects the invalid weight %s", (weight) => {
        expect(() => smallestExactTotal(weight)).toThrow(RangeError);
    });
});

describe("weights a total cannot express", () => {
    it("30% on 4 pods names the totals that would express it", () => {
        expect(() => replicaSplit(30, 4)).toThrow(RangeError);
        expect(() => replicaSplit(30, 4)).toThrow(/multiples of 10/);
        expect(() => replicaSplit(30, 4)).toThrow("10, 20, 30");
        expect(replicaSplitProblem(30, 4)).toContain("30% cannot be expressed with 4 replicas");
        expect(replicaSplitProblem(30, 4)).toContain("steps of 25%");
    });

    it("33% on 3 pods asks for multiples of 100", () => {
        expect(replicaSplitProblem(33, 3)).toMatch(/multiples of 100: 100, 200, 300/);
        expect(replicaSplitProblem(33, 3)).toContain("steps of 33.3%");
    });

    it("25% on 2 pods asks for multiples of 4", () => {
        expect(() => replicaSplit(25, 2)).toThrow(/multiples of 4: 4, 8, 12/);
    });

    it("reports no problem for an expressible weight", () => {
        expect(replicaSplitProblem(25, 4)).toBeUndefined();
        expect(replicaSplitProblem(0, 3)).toBeUndefined();
        expect(replicaSplitProblem(100, 7)).toBeUndefined();
        expect(canExpress(50, 6)).toBe(true);
        expect(canExpress(50, 5)).toBe(false);
        // No pods, or a fraction of one, carry nothing, whatever the weight.
        expect(canExpress(0, 0)).toBe(false);
        expect(canExpress(100, 0)).toBe(false);
        expect(canExpress(0, 1.5)).toBe(false);
        expect(canExpress(0, -4)).toBe(false);
    });
});

describe("invalid weights and totals", () => {
    it.each([-1, 101, 2.5, Number.NaN, Number.POSITIVE_INFINITY])("weight %s is rejected everywhere", (weight) => {
        expect(isValidWeight(weight)).toBe(false);
        expect(() => trafficSplit(weight)).toThrow(/integer 0\.\.100/);
        expect(() => replicaSplit(weight, 4)).toThrow(RangeError);
    });

    it.each([0, -4, 2.5])("total %s is rejected", (total) => {
        expect(() => replicaSplit(0, total)).toThrow(/replica total must be a positive integer/);
    });

    it("accepts the bounds", () => {
        expect(isValidWeight(MIN_WEIGHT)).toBe(true);
        expect(isValidWeight(MAX_WEIGHT)).toBe(true);
    });
});

describe("trafficSplit", () => {
    it("gives the canary the weight and the stable version the rest", () => {
        expect(trafficSplit(25)).toEqual({ stable: 75, canary: 25 });
        expect(trafficSplit(0)).toEqual({ stable: 100, canary: 0 });
        expect(trafficSplit(100)).toEqual({ stable: 0, canary: 100 });
    });

    it("always sums to 100", () => {
        for (let weight = 0; weight <= 100; weight++) {
            const split = trafficSplit(weight);
            expect(split.stable + split.canary).toBe(100);
            expect(split.canary).toBe(weight);
        }
    });
});

describe("replicaSplit, every weight 0..100 on every total 1..20", () => {
    it("either throws or splits the total exactly at the weight", () => {
        let splits = 0;
        let rejected = 0;
        for (let weight = 0; weight <= 100; weight++) {
            for (let total = 1; total <= 20; total++) {
                const expressible = canExpress(weight, total);
                let split: { stable: number; canary: number } | undefined;
                try {
                    split = replicaSplit(weight, total);
                } catch (error) {
                    expect(error).toBeInstanceOf(RangeError);
                    expect(expressible, `${weight}% on ${total} threw but is expressible`).toBe(false);
                    expect((error as Error).message).toContain(`multiples of ${smallestExactTotal(weight)}`);
                    rejected++;
                    continue;
                }
                expect(expressible, `${weight}% on ${total} split but is not expressible`).toBe(true);
                expect(Number.isInteger(split.stable) && Number.isInteger(split.canary)).toBe(true);
                expect(split.stable).toBeGreaterThanOrEqual(0);
                expect(split.canary).toBeGreaterThanOrEqual(0);
                expect(split.stable + split.canary).toBe(total);
                // canary/total*100 === weight, in integers (11/20*100 is 55.00000000000001 in floats).
                expect(split.canary * 100).toBe(weight * total);
                expect((split.canary / total) * 100).toBeCloseTo(weight, 9);
                // The total is a multiple of the smallest exact total exactly when it can express the weight.
                expect(total % smallestExactTotal(weight)).toBe(0);
                splits++;
            }
        }
        // 0 and 100 fit all 20 totals; 50 the 10 even ones; 25 and 75 the 5 multiples of 4; 20, 40, 60 and
        // 80 the 4 multiples of 5; 10, 30, 70 and 90 the 2 multiples of 10; the 8 odd multiples of 5 only 20.
        expect(splits).toBe(2 * 20 + 10 + 2 * 5 + 4 * 4 + 4 * 2 + 8 * 1);
        expect(splits + rejected).toBe(101 * 20);
    });
});

describe("versionWeights: what a traffic-weighting router declares", () => {
    it("gives v1 100 - weight and v2 weight, keeping v2 listed at 0", () => {
        expect(versionWeights(25, "svc-v1", "svc-v2")).toEqual([
            { service: "svc-v1", weight: 75 },
            { service: "svc-v2", weight: 25 },
        ]);
        expect(versionWeights(0, "svc-v1", "svc-v2")).toEqual([
            { service: "svc-v1", weight: 100 },
            { service: "svc-v2", weight: 0 },
        ]);
    });

    it("lists v1 alone at 100 without a canary, and refuses a weight that needs one", () => {
        expect(versionWeights(0, "svc-v1", undefined)).toEqual([{ service: "svc-v1", weight: 100 }]);
        expect(() => versionWeights(10, "svc-v1", undefined)).toThrow(/needs a canary version/);
    });

    it("refuses weights outside 0..100", () => {
        expect(() => versionWeights(101, "a", "b")).toThrow(RangeError);
        expect(() => versionWeights(-1, "a", "b")).toThrow(RangeError);
    });

    it("sums to 100 for every weight", () => {
        for (let weight = 0; weight <= 100; weight++) {
            expect(versionWeights(weight, "a", "b").reduce((sum, version) => sum + version.weight, 0)).toBe(100);
        }
    });
});

describe("podsPerVersion", () => {
    it("runs every version at full size, and no v2 without a canary", () => {
        expect(podsPerVersion(3, true)).toEqual({ stable: 3, canary: 3 });
        expect(podsPerVersion(3, false)).toEqual({ stable: 3, canary: 0 });
    });
});
