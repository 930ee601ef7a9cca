/** The walk simulation: the real walk against a traffic model, and Flagger's loop on the same traffic. */
import { describe, expect, it } from "vitest";
import { FLAGGER, SCENARIOS, simulateCommandWalk, simulateFlagger } from "../../../tools/bench/walk";

describe("walk simulation", () => {
    const [healthy, failing, slow] = SCENARIOS;

    it("promotes a healthy canary, through every step and bake of the schedule and the four promotion ups", async () => {
        const walk = await simulateCommandWalk(healthy);
        expect(walk.outcome).toBe("promoted");
        // prod: 4 steps × (1 up + a 10 min bake), then 3 promotion ups (at 100 % the first stage has nothing to do).
        expect(walk.timeMs).toBe(4 * 11 * 60_000 + 3 * 60_000);
        expect(simulateFlagger(healthy)).toMatchObject({ outcome: "promoted", timeMs: (FLAGGER.maxWeight / FLAGGER.stepWeight + 2) * FLAGGER.intervalMs });
    });

    it.each([failing, slow])("rolls back a %s early in the first bake, and Flagger after its threshold of failed checks", async (scenario) => {
        const walk = await simulateCommandWalk(scenario);
        expect(walk.outcome).toBe("rolled back");
        // The first mid-bake look (30 s) already has enough requests at 10 %: up, 30 s, rollback up.
        expect(walk.timeMs).toBe(60_000 + 30_000 + 60_000);
        const flagger = simulateFlagger(scenario);
        expect(flagger).toMatchObject({ outcome: "rolled back", timeMs: FLAGGER.threshold * FLAGGER.intervalMs });
    });

    it("counts the failed share of all requests", async () => {
        expect((await simulateCommandWalk(failing)).failedShare).toBeGreaterThan((await simulateCommandWalk(healthy)).failedShare);
        expect(simulateFlagger(failing).failedShare).toBeGreaterThan(0.001);
    });
});
