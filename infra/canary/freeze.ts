/**
 * Freeze windows (`canary.freeze`): weekly ranges of local time, each in its own time zone, in
 * which the canary command makes no step forward (a rollback is never frozen). Pure: the config
 * checks the windows, the canary command asks whether `now` is inside one and when it ends.
 */

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
const MINUTES_PER_WEEK = 7 * 24 * 60;

/** A moment of the week, in minutes from Monday 00:00 local time. */
export type WeekMinute = number;

export interface FreezeWindow {
    /** `Fri 16:00`: the first minute frozen. */
    readonly start: string;
    /** `Mon 08:00`: the first minute no longer frozen (may be earlier in the week than start: it wraps). */
    readonly end: string;
    /** An IANA time zone, such as Europe/Berlin. */
    readonly timeZone: string;
    readonly reason?: string;
}

/** A weekday and a 24-hour time, `Fri 16:00`: the form of a window's start and end. */
export const WEEK_TIME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01]\d|2[0-3]):([0-5]\d)$/;

/** `Fri 16:00` as a minute of the week, or undefined when it is not one. */
export function parseWeekTime(text: string): WeekMinute | undefined {
    const match = WEEK_TIME.exec(text);
    if (match === null) {
        return undefined;
    }
    return WEEKDAYS.indexOf(match[1] as (typeof WEEKDAYS)[number]) * 1440 + Number(match[2]) * 60 + Number(match[3]);
}

/** Whether `timeZone` is an IANA time zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
    try {
        new Intl.DateTimeFormat("en-US", { timeZone });
        return true;
    } catch {
        return false;
    }
}

/** The minute of the week `date` is, in `timeZone`. */
export function weekMinuteAt(date: Date, timeZone: string): WeekMinute {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(date);
    const part = (type: string): string => parts.find((item) => item.type === type)?.value ?? "";
    return WEEKDAYS.indexOf(part("weekday") as (typeof WEEKDAYS)[number]) * 1440 + Number(part("hour")) * 60 + Number(part("minute"));
}

export interface ActiveFreeze {
    /** The window that holds the freeze last: where it ends (windows that follow on one another count as one freeze). */
    readonly window: FreezeWindow;
    /** Whole minutes until the freeze ends, in real time (a DST change on the way counts). */
    readonly minutesLeft: number;
}

/** The first window `date` falls in; undefined outside every window. Wall clock: on a DST day, a boundary inside the skipped or repeated hour follows the clock. */
function windowAt(windows: readonly FreezeWindow[], date: Date): FreezeWindow | undefined {
    return windows.find((window) => {
        const start = parseWeekTime(window.start);
        const end = parseWeekTime(window.end);
        if (start === undefined || end === undefined || start === end) {
            return false;
        }
        const now = weekMinuteAt(date, window.timeZone);
        return start < end ? now >= start && now < end : now >= start || now < end;
    });
}

/** The instant `window` ends after `date`, inside it: its end's wall-clock time, corrected for the zone's offset on the way. */
function endOf(window: FreezeWindow, date: Date): number {
    const end = parseWeekTime(window.end) as number;
    let at = date.getTime();
    // Two corrections settle a DST change (an hour) between now and the end.
    for (let pass = 0; pass < 3; pass++) {
        const delta = (end - weekMinuteAt(new Date(at), window.timeZone) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
        const signed = pass > 0 && delta > MINUTES_PER_WEEK / 2 ? delta - MINUTES_PER_WEEK : delta;
        at += signed * 60_000;
    }
    return Math.floor(at / 60_000) * 60_000;
}

/** The freeze `date` falls in, with the time left until no window holds; undefined outside every window. */
export function activeFreeze(windows: readonly FreezeWindow[], date: Date): ActiveFreeze | undefined {
    let window = windowAt(windows, date);
    if (window === undefined) {
        return undefined;
    }
    let at = date.getTime();
    // Windows that follow on one another (or overlap) hold one freeze: follow them to its end.
    for (let hop = 0; hop <= windows.length; hop++) {
        at = endOf(window, new Date(at));
        const next = windowAt(windows, new Date(at));
        if (next === undefined) {
            break;
        }
        window = next;
    }
    return { window, minutesLeft: Math.round((at - Math.floor(date.getTime() / 60_000) * 60_000) / 60_000) };
}

/** `2 h 10 min`, `3 d 4 h`. */
export function formatMinutes(minutes: number): string {
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const rest = minutes % 60;
    return days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${rest} min` : `${rest} min`;
}

/** What the canary command says of an active freeze. */
export function describeFreeze(active: ActiveFreeze): string {
    const { window } = active;
    return (
        `the stack is in a change freeze (eks-canary:canary.freeze: ${window.start} to ${window.end} ${window.timeZone}${window.reason === undefined ? "" : `, ${window.reason}`}); ` +
        `it ends at ${window.end} ${window.timeZone}, in ${formatMinutes(active.minutesLeft)}`
    );
}
