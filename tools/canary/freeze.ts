/**
 * The canary command in a freeze window (`canary.freeze`): a step forward is refused inside one,
 * or goes ahead with --force and says so; a dry run says which. A rollback is never frozen
 * (callers do not ask). The windows themselves are ../../infra/canary/freeze.ts.
 */
import { activeFreeze, describeFreeze } from "../../infra/canary/freeze";
import type { Io } from "./io";
import { CanaryError, CanaryState } from "./schedule";

/**
 * Whether a step forward may go at `now`: outside every freeze window; inside one only with
 * `force`, and then with a note to print. A rollback is never frozen (callers do not ask).
 */
export function freezeCheck(state: CanaryState, now: number, force: boolean, command: string): { readonly refusal?: string; readonly note?: string } {
    const active = activeFreeze(state.freeze, new Date(now));
    if (active === undefined) {
        return {};
    }
    return force
        ? { note: `note: --force: ${command} goes ahead inside a freeze: ${describeFreeze(active)}` }
        : { refusal: `${command} refused: ${describeFreeze(active)}; pass --force to ${command} anyway (a rollback is never frozen)` };
}

/** Before a real step forward: refuses it inside a freeze (a CanaryError), or prints that --force passed one. */
export function enforceFreeze(state: CanaryState, now: number, force: boolean, command: string, io: Io): void {
    const { refusal, note } = freezeCheck(state, now, force, command);
    if (refusal !== undefined) {
        throw new CanaryError(refusal);
    }
    if (note !== undefined) {
        io.err(note);
    }
}

/** What a dry run says of a freeze at `now`: that a real step would be refused, or would pass with --force; undefined outside one. */
export function freezeDryRunNote(state: CanaryState, now: number, force: boolean, command: string): string | undefined {
    const { refusal, note } = freezeCheck(state, now, force, command);
    return refusal === undefined ? note : `note: ${refusal}`;
}
