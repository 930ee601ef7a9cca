/**
 * `eks-canary:canary`: the step schedule, the weights a manual canary may take (the services'
 * parser checks each canary's weight against it), and the freeze windows, in which the canary
 * command takes no step forward, and the groups of services released in lockstep (./groups.ts).
 */
import { FreezeWindow, isTimeZone, parseWeekTime, WEEK_TIME } from "../../infra/canary/freeze";
import { Checker, childKey, isDefined, Json } from "../checks";
import { parseGroups } from "./groups";
import { CanaryScheduleConfig } from "./types";

const REASON = /^[A-Za-z0-9 .,:;()'&/_-]{1,200}$/;

export function parseSchedule(check: Checker, key: string, value: Json | undefined): CanaryScheduleConfig {
    const raw = check.object(key, value, ["steps", "freeze", "groups"]) ?? {};
    const freeze = parseFreeze(check, childKey(key, "freeze"), raw.freeze);
    const groups = parseGroups(check, childKey(key, "groups"), raw.groups);
    return { ...parseSteps(check, key, raw.steps), freeze, groups };
}

function parseFreeze(check: Checker, key: string, value: Json | undefined): FreezeWindow[] {
    return (check.array(key, value, { minItems: 0, maxItems: 50 }) ?? [])
        .map((item, index): FreezeWindow | undefined => {
            const itemKey = childKey(key, index);
            const window = check.object(itemKey, item, ["start", "end", "timeZone", "reason"]);
            if (window === undefined) {
                return undefined;
            }
            const weekTime = { pattern: WEEK_TIME, expected: "a weekday and a 24-hour time, such as Fri 16:00" };
            const start = check.requiredString(childKey(itemKey, "start"), window.start, weekTime);
            const end = check.requiredString(childKey(itemKey, "end"), window.end, weekTime);
            if (start !== undefined && end !== undefined && parseWeekTime(start) === parseWeekTime(end)) {
                check.report(childKey(itemKey, "end"), `is the same moment as start (${start}): the window would be empty; allowed: another weekday or time`);
                return undefined;
            }
            const timeZone = check.requiredString(childKey(itemKey, "timeZone"), window.timeZone, {
                pattern: /^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/,
                expected: "an IANA time zone, such as Europe/Berlin or UTC",
            });
            if (timeZone !== undefined && !isTimeZone(timeZone)) {
                check.report(
                    childKey(itemKey, "timeZone"),
                    `${JSON.stringify(timeZone)} is not a time zone; allowed: an IANA time zone, such as Europe/Berlin, America/New_York or UTC`,
                );
                return undefined;
            }
            const reason = check.string(childKey(itemKey, "reason"), window.reason, {
                pattern: REASON,
                expected: "a short text: letters, digits, spaces and . , : ; ( ) ' & / _ -",
            });
            return start === undefined || end === undefined || timeZone === undefined ? undefined : { start, end, timeZone, ...(reason === undefined ? {} : { reason }) };
        })
        .filter(isDefined);
}

function parseSteps(check: Checker, key: string, value: Json | undefined): { steps: number[] } {
    const raw = { steps: value };
    const stepsKey = childKey(key, "steps");
    const items = check.array(stepsKey, raw.steps, { minItems: 2, maxItems: 101 }) ?? [];
    const steps = items.map((item, index) => check.integer(childKey(stepsKey, index), item, { min: 0, max: 100 }));
    if (steps.some((step) => step === undefined)) {
        return { steps: [] };
    }
    const valid = steps as number[];
    if (valid.some((step, index) => index > 0 && step <= valid[index - 1])) {
        check.report(stepsKey, `${JSON.stringify(valid)} is not strictly ascending; allowed: ascending weights 0..100 such as [0, 10, 25, 50, 100]`);
        return { steps: [] };
    }
    return { steps: valid };
}
