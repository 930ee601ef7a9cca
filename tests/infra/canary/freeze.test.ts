/** Freeze windows (infra/canary/freeze.ts): weekly local-time ranges, each in its time zone. */
import { describe, expect, it } from "vitest";
import { activeFreeze, describeFreeze, formatMinutes, parseWeekTime, weekMinuteAt } from "../../../infra/canary/freeze";

// 2026-01-01 is a Thursday.
const THURSDAY_NOON_UTC = new Date(Date.UTC(2026, 0, 1, 12, 0));
const WEEKEND = { start: "Fri 16:00", end: "Mon 08:00", timeZone: "Europe/Berlin", reason: "weekend" };

describe("freeze windows", () => {
    it("reads weekday times as minutes from Monday 00:00", () => {
        expect(parseWeekTime("Mon 00:00")).toBe(0);
        expect(parseWeekTime("Fri 16:00")).toBe(4 * 1440 + 16 * 60);
        expect(parseWeekTime("Sun 23:59")).toBe(7 * 1440 - 1);
        expect(parseWeekTime("Friday 16:00")).toBeUndefined();
        expect(parseWeekTime("Fri 24:00")).toBeUndefined();
    });

    it("reads the time of the week in the window's own time zone", () => {
        expect(weekMinuteAt(THURSDAY_NOON_UTC, "UTC")).toBe(3 * 1440 + 12 * 60);
        // Berlin is UTC+1 in January; Auckland UTC+13 (already Friday).
        expect(weekMinuteAt(THURSDAY_NOON_UTC, "Europe/Berlin")).toBe(3 * 1440 + 13 * 60);
        expect(weekMinuteAt(THURSDAY_NOON_UTC, "Pacific/Auckland")).toBe(4 * 1440 + 1 * 60);
    });

    it("is inside a window that wraps the week, and says when it ends", () => {
        const saturday = new Date(Date.UTC(2026, 0, 3, 10, 0)); // Sat 11:00 in Berlin
        const active = activeFreeze([WEEKEND], saturday);
        expect(active?.minutesLeft).toBe(13 * 60 + 24 * 60 + 8 * 60); // to Mon 08:00
        expect(describeFreeze(active as never)).toBe(
            "the stack is in a change freeze (eks-canary:canary.freeze: Fri 16:00 to Mon 08:00 Europe/Berlin, weekend); it ends at Mon 08:00 Europe/Berlin, in 1 d 21 h",
        );
    });

    it("is outside before the start and from the end on", () => {
        expect(activeFreeze([WEEKEND], THURSDAY_NOON_UTC)).toBeUndefined();
        expect(activeFreeze([WEEKEND], new Date(Date.UTC(2026, 0, 5, 7, 0)))).toBeUndefined(); // Mon 08:00 Berlin: ended
        expect(activeFreeze([WEEKEND], new Date(Date.UTC(2026, 0, 5, 6, 59)))?.minutesLeft).toBe(1);
        expect(activeFreeze([WEEKEND], new Date(Date.UTC(2026, 0, 2, 15, 0)))?.minutesLeft).toBe(2 * 1440 + 16 * 60); // Fri 16:00 Berlin: starts
    });

    it("finds the window that holds, among several", () => {
        const lunch = { start: "Thu 12:30", end: "Thu 14:00", timeZone: "Europe/Berlin" };
        expect(activeFreeze([WEEKEND, lunch], THURSDAY_NOON_UTC)).toEqual({ window: lunch, minutesLeft: 60 });
    });

    it("counts windows that follow on one another as one freeze, to the end of the last", () => {
        const lunch = { start: "Thu 12:30", end: "Thu 14:00", timeZone: "Europe/Berlin" };
        const afternoon = { start: "Thu 14:00", end: "Thu 17:00", timeZone: "Europe/Berlin" };
        expect(activeFreeze([lunch, afternoon], THURSDAY_NOON_UTC)).toEqual({ window: afternoon, minutesLeft: 4 * 60 });
    });

    it("counts real time across a DST change: clocks back (one hour more) and forward (one hour less)", () => {
        // Sat 25 Oct 2025 12:00 UTC (14:00 CEST) to Mon 08:00 CET (07:00 UTC): 43 h, one more than the wall clock shows.
        expect(activeFreeze([WEEKEND], new Date(Date.UTC(2025, 9, 25, 12, 0)))?.minutesLeft).toBe(2580);
        // Sat 28 Mar 2026 12:00 UTC (13:00 CET) to Mon 08:00 CEST (06:00 UTC): 42 h, one fewer than the wall clock shows.
        expect(activeFreeze([WEEKEND], new Date(Date.UTC(2026, 2, 28, 12, 0)))?.minutesLeft).toBe(2520);
    });

    it("formats the time left", () => {
        expect(formatMinutes(5)).toBe("5 min");
        expect(formatMinutes(130)).toBe("2 h 10 min");
        expect(formatMinutes(3 * 1440 + 240)).toBe("3 d 4 h");
    });
});
