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

const WEEK_TIME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01]\d|2[0-3]):([0-5]\d)$/;

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
    readonly window: FreezeWindow;
    /** Whole minutes until the window ends (by the wall clock of its time zone). */
    readonly minutesLeft: number;
}

/** The window `date` falls in, with the time left in it; undefined outside every window. */
export function activeFreeze(windows: readonly FreezeWindow[], date: Date): ActiveFreeze | undefined {
    for (const window of windows) {
        const start = parseWeekTime(window.start);
        const end = parseWeekTime(window.end);
        if (start === undefined || end === undefined || start === end) {
            continue;
        }
        const now = weekMinuteAt(date, window.timeZone);
        const inside = start < end ? now >= start && now < end : now >= start || now < end;
        if (inside) {
            return { window, minutesLeft: (end - now + MINUTES_PER_WEEK) % MINUTES_PER_WEEK };
        }
    }
    return undefined;
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
