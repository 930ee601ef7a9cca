/** The canary command in a freeze window (canary.freeze): steps forward refused unless --force, rollbacks never. */
import { describe, expect, it } from "vitest";
import { canary, fakeClock, fakeMetrics, fakeStack, healthy } from "./fakes";
import { configErrors } from "../../helpers";

// Thu 2026-01-01 12:00 UTC, inside a window Thu 08:00 to Fri 08:00 UTC.
const FROZEN = ["canary.freeze[0].start=Thu 08:00", "canary.freeze[0].end=Fri 08:00", "canary.freeze[0].timeZone=UTC", "canary.freeze[0].reason=release review"];

describe("canary command in a freeze", () => {
    it("refuses a step and says when the freeze ends, changing nothing", async () => {
        const { driver, log } = fakeStack({ overrides: FROZEN });
        const run = await canary(["step", "--stack", "prod", "--yes"], { stack: driver, clock: fakeClock(Date.UTC(2026, 0, 1, 12, 0)) });
        expect(run.code).toBe(1);
        expect(run.err).toBe(
            "step refused: the stack is in a change freeze (eks-canary:canary.freeze: Thu 08:00 to Fri 08:00 UTC, release review); it ends at Fri 08:00 UTC, in 20 h 0 min; pass --force to step anyway (a rollback is never frozen)",
        );
        expect(log).toEqual([]);
    });

    it("steps with --force, and outside the window", async () => {
        const forced = fakeStack({ overrides: FROZEN });
        expect((await canary(["step", "--stack", "prod", "--yes", "--force"], { stack: forced.driver, clock: fakeClock(Date.UTC(2026, 0, 1, 12, 0)) })).code).toBe(0);
        const after = fakeStack({ overrides: FROZEN });
        expect((await canary(["step", "--stack", "prod", "--yes"], { stack: after.driver, clock: fakeClock(Date.UTC(2026, 0, 2, 8, 0)) })).code).toBe(0);
    });

    it("says so when --force acts inside a window", async () => {
        const { driver } = fakeStack({ overrides: FROZEN });
        const run = await canary(["step", "--stack", "prod", "--yes", "--force"], { stack: driver, clock: fakeClock(Date.UTC(2026, 0, 1, 12, 0)) });
        expect(run.code).toBe(0);
        expect(run.err).toContain("note: --force: step goes ahead inside a freeze: the stack is in a change freeze");
        const walk = await canary(["run", "--stack", "prod", "--yes", "--force"], {
            stack: fakeStack({ overrides: FROZEN }).driver,
            clock: fakeClock(Date.UTC(2026, 0, 1, 12, 0)),
            metrics: fakeMetrics(healthy),
        });
        expect(walk.code).toBe(0);
        expect(walk.err).toContain("note: --force: run goes ahead inside a freeze");
    });

    it("holds run --promote when a freeze begins during the last bake: no promotion inside it", async () => {
        // From 75 % (prod at 25 %: 25 -> 50 -> 100 after a re-bake): three 10-minute bakes from Wed 23:35 end after Thu 00:00.
        const { driver, log } = fakeStack({ overrides: ["canary.freeze[0].start=Thu 00:00", "canary.freeze[0].end=Thu 06:00", "canary.freeze[0].timeZone=UTC"] });
        const run = await canary(["run", "--stack", "prod", "--yes", "--promote", "--bake", "10m"], {
            stack: driver,
            clock: fakeClock(Date.UTC(2025, 11, 31, 23, 31)),
            metrics: fakeMetrics(healthy),
        });
        expect(run.code).toBe(4);
        expect(run.err).toContain("promote after the freeze");
        expect(log.filter((entry) => entry.includes("stable.image"))).toEqual([]);
    });

    it("never freezes a rollback, and its dry run has no freeze note", async () => {
        const dry = await canary(["rollback", "--stack", "prod", "--dry-run"], {
            stackFile: () => fakeStack({ overrides: FROZEN }).driver,
            clock: fakeClock(Date.UTC(2026, 0, 1, 12, 0)),
        });
        expect(dry.code).toBe(0);
        expect(dry.out).not.toContain("freeze");
    });

    it("never freezes a rollback", async () => {
        const { driver } = fakeStack({ overrides: FROZEN });
        const run = await canary(["rollback", "--stack", "prod", "--yes"], { stack: driver, clock: fakeClock(Date.UTC(2026, 0, 1, 12, 0)) });
        expect(run.code).toBe(0);
    });

    it("refuses a walk, and promote, inside the window", async () => {
        for (const command of ["run", "promote"]) {
            const { driver } = fakeStack({ overrides: FROZEN });
            const run = await canary([command, "--stack", "prod", "--yes"], { stack: driver, clock: fakeClock(Date.UTC(2026, 0, 1, 12, 0)), metrics: fakeMetrics(healthy) });
            expect(run.code, command).toBe(1);
            expect(run.err, command).toContain(`${command} refused: the stack is in a change freeze`);
        }
    });

    it("holds a walk where it is when a freeze begins during it (exit 4)", async () => {
        // Wed 23:50 UTC: the first bake (30 min) ends after the window opened at Thu 00:00.
        const { driver, log } = fakeStack({ overrides: ["canary.freeze[0].start=Thu 00:00", "canary.freeze[0].end=Thu 06:00", "canary.freeze[0].timeZone=UTC"] });
        const run = await canary(["run", "--stack", "prod", "--yes", "--bake", "30m"], {
            stack: driver,
            clock: fakeClock(Date.UTC(2025, 11, 31, 23, 50)),
            metrics: fakeMetrics(healthy),
        });
        expect(run.code).toBe(4);
        expect(run.err).toContain("run refused: the stack is in a change freeze");
        expect(run.err).toContain("notification stays at 25%; run again after the freeze");
        expect(log.filter((entry) => entry.startsWith("set "))).toEqual([]);
    });

    it("shows the freeze in a dry run", async () => {
        const { driver } = fakeStack({ overrides: FROZEN });
        const run = await canary(["step", "--stack", "prod", "--dry-run"], { stackFile: () => driver, clock: fakeClock(Date.UTC(2026, 0, 1, 12, 0)) });
        expect(run.code).toBe(0);
        expect(run.out).toContain("note: step refused: the stack is in a change freeze");
    });
});

describe("canary.freeze in config", () => {
    const window = (fields: Record<string, string>): string[] => Object.entries(fields).map(([field, value]) => `canary.freeze[0].${field}=${value}`);
    it.each([
        [{ start: "Friday 16:00", end: "Mon 08:00", timeZone: "UTC" }, "eks-canary:canary.freeze[0].start", "a weekday and a 24-hour time, such as Fri 16:00"],
        [{ start: "Fri 16:00", end: "Fri 16:00", timeZone: "UTC" }, "eks-canary:canary.freeze[0].end", "is the same moment as start"],
        [{ start: "Fri 16:00", end: "Mon 08:00", timeZone: "Mars/Olympus" }, "eks-canary:canary.freeze[0].timeZone", "is not a time zone; allowed: an IANA time zone"],
        [{ start: "Fri 16:00", end: "Mon 08:00" }, "eks-canary:canary.freeze[0].timeZone", "missing"],
        [{ start: "Fri 16:00", end: "Mon 08:00", timeZone: "UTC", when: "always" }, "eks-canary:canary.freeze[0]", "unknown key"],
    ])("refuses %j at %s", (fields, key, message) => {
        const issue = configErrors(window(fields), "prod").find((candidate) => candidate.key.startsWith(key));
        expect(issue?.message, JSON.stringify(fields)).toContain(message);
    });

    it("takes a valid window", () => {
        expect(configErrors(window({ start: "Fri 16:00", end: "Mon 08:00", timeZone: "Europe/Berlin", reason: "weekend" }), "prod")).toEqual([]);
    });
});
