/**
 * One walk at a time per stack: a lease held in a stack tag from before the first step until the
 * walk ends. Pulumi's own lock lasts one `pulumi up`; between two steps another walk (or a person)
 * could step the same canary. A second walk is refused, naming the holder.
 */
import type { ChangeDeps } from "./change";
import { errorText } from "./io";
import { CanaryError } from "./schedule";
import type { StackDriver } from "./stack";

export const LEASE_TAG = "eks-canary:lease";

export interface Lease {
    readonly holder: string;
    readonly since: string;
}

/** Takes the stack's lease for `holder`; throws a CanaryError naming the holder when another holds it. */
export async function takeLease(driver: StackDriver, holder: string, now: Date): Promise<Lease> {
    const current = await driver.getTag(LEASE_TAG);
    if (current !== undefined && current !== "") {
        let held: Lease | undefined;
        try {
            held = JSON.parse(current) as Lease;
        } catch {
            held = { holder: current, since: "unknown" };
        }
        throw new CanaryError(
            `another walk holds this stack: ${held.holder} since ${held.since}. Wait for it to end; if it died, release its lease with \`pulumi stack tag rm ${LEASE_TAG}\` after checking the canary's weight`,
        );
    }
    const lease = { holder, since: now.toISOString() };
    await driver.setTag(LEASE_TAG, JSON.stringify(lease));
    // Two walks that read "free" at once: the later write wins, and the earlier one sees it.
    const written = await driver.getTag(LEASE_TAG);
    if (written !== JSON.stringify(lease)) {
        throw new CanaryError(`another walk took this stack's lease at the same moment (${written ?? "gone"}); nothing was changed`);
    }
    return lease;
}

export async function releaseLease(driver: StackDriver, lease: Lease): Promise<void> {
    if ((await driver.getTag(LEASE_TAG)) === JSON.stringify(lease)) {
        await driver.removeTag(LEASE_TAG);
    }
}

/**
 * Runs `body` with the stack's lease, after checking the stack file has no uncommitted change
 * (each step's commit must hold that step alone).
 */
export async function withLease<T>(deps: ChangeDeps, body: (lease: Lease) => Promise<T>): Promise<T> {
    if (!(await deps.git.isClean(deps.stackFile))) {
        throw new CanaryError(`${deps.stackFile} has uncommitted changes: commit or stash them first, so that each step's commit holds that step alone`);
    }
    const lease = await takeLease(deps.driver, deps.holder, new Date(deps.clock.now()));
    try {
        return await body(lease);
    } finally {
        try {
            await releaseLease(deps.driver, lease);
        } catch (error) {
            deps.io.err(`WARNING: could not release the stack's lease (${errorText(error)}); remove it with \`pulumi stack tag rm ${LEASE_TAG}\``);
        }
    }
}
