/** What the canary commands print to (Io) and wait on (Clock), both replaced in tests, and how they exit. */

export interface Io {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    /** Resolves after `ms`, or as soon as `signal` aborts. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Exit codes of the commands that change a stack. */
export const EXIT = { done: 0, refused: 1, usage: 2, unreadable: 3, inconclusive: 4, interrupted: 130 } as const;

/** An error's message without its stack trace (Automation API errors carry the CLI's stderr). */
export function errorText(error: unknown): string {
    return error instanceof Error ? error.message.trim() : String(error);
}
