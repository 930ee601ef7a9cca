/**
 * The canary commands that make one change (`step`, `promote`, `rollback`), their dry runs, the
 * walk's dry run, and `status`. Changes go through change.ts's applyChange (preview, targeted up,
 * commit) under the stack's lease.
 */
import { renderCanary } from "../split";
import { applyChange, ChangeDeps, deployedWeight, promote, readState, resumeFromDeployed } from "./change";
import { describeWalk, printPlan, WalkOptions } from "./describe";
import { EXIT, Io } from "./io";
import { withLease } from "./lease";
import { metricsUnavailable } from "./metrics";
import { promoteStage } from "./promote";
import { CanaryError, CanaryState, effectiveSteps, ReleaseChange } from "./schedule";
import {
    describeRelease,
    pickRelease,
    planReleasePromote,
    planReleaseRollback,
    planReleaseStep,
    Release,
    releasePromoteChange,
    releaseWeight,
    requireReleaseCanary,
} from "./release";
import { enforceFreeze, freezeDryRunNote } from "./freeze";
import type { StackDriver } from "./stack";
import type { ChangeDiff } from "./expected";
import { withConfigEdits } from "../stackfile";

export const DRY_RUN_NOTE = "dry run: nothing is changed; no Pulumi CLI, no cloud access.";

export type SingleCommand = "step" | "promote" | "rollback";

export interface SingleOptions {
    readonly service: string | undefined;
    /** A lockstep group (canary.groups) instead of one service. */
    readonly group?: string | undefined;
    readonly to?: number;
    readonly force: boolean;
}

function planSingle(command: SingleCommand, state: CanaryState, release: Release, options: SingleOptions): ReleaseChange | undefined {
    switch (command) {
        case "step":
            return planReleaseStep(state, release, options.to, options.force, effectiveSteps(state));
        case "promote":
            return planReleasePromote(state, release);
        case "rollback":
            return planReleaseRollback(state, release);
    }
}

function nothingToDo(command: SingleCommand, release: Release, io: Io): number {
    const removal = release.members.map((member) => `pulumi config rm --path 'services.${member.name}.canary'`).join(" && ");
    io.out(
        command === "rollback" ? `${release.label} is already at 0%: nothing to roll back (remove v2 with ${removal} && pulumi up)` : `${release.label} has no promotion to finish`,
    );
    return EXIT.done;
}

/** `step|promote|rollback --dry-run`: the change, from the stack file, with no CLI. */
export async function dryRunSingle(
    command: SingleCommand,
    driver: StackDriver,
    stack: string,
    options: SingleOptions,
    io: Io,
    now: () => number,
    changeDiff?: ChangeDiff,
): Promise<number> {
    const { state, config } = await readState({ driver, stack });
    const release = pickRelease(state, options, command);
    const change = planSingle(command, state, release, options);
    if (change === undefined) {
        return nothingToDo(command, release, io);
    }
    io.out(DRY_RUN_NOTE);
    io.out(`stack ${stack}, ${describeRelease(release)}: ${command} ${change.from}% -> ${change.to}%`);
    const frozen = command === "rollback" ? undefined : freezeDryRunNote(state, now(), options.force, command);
    if (frozen !== undefined) {
        io.out(frozen);
    }
    printPlan(change, io);
    if (changeDiff !== undefined) {
        io.out("what it changes (offline plans of the stack file's config before and after):");
        (await changeDiff(stack, config, withConfigEdits(config, change.changes))).forEach((line) => io.out(`  ${line}`));
    }
    // The last stage removes the canary: nothing follows it.
    if (command === "promote" && promoteStage(release.members[0]) !== "remove-canary") {
        io.out("then the next stages, one up each, until the canary is gone: run promote again (or without --dry-run, it runs them all)");
    }
    return EXIT.done;
}

/** `step`, `promote` (every remaining stage), `rollback`, under the stack's lease. */
export async function runSingle(command: SingleCommand, deps: ChangeDeps, options: SingleOptions): Promise<number> {
    const { io } = deps;
    const { state } = await readState(deps);
    const picked = pickRelease(state, options, command);
    requireReleaseCanary(picked, command === "rollback" ? "roll back" : command);
    // A rollback is never frozen.
    if (command !== "rollback") {
        enforceFreeze(state, deps.clock.now(), options.force, command, io);
    }
    return withLease(deps, async () => {
        const release = await resumeFromDeployed(deps, picked, await deps.driver.outputs());
        const resumed = new Map(release.members.map((member) => [member.name, member]));
        const current: CanaryState = { ...state, services: state.services.map((item) => resumed.get(item.name) ?? item) };
        if (command === "promote") {
            if (promoteStage(release.members[0]) === undefined || releasePromoteChange(release) === undefined) {
                return nothingToDo(command, release, io);
            }
            planReleasePromote(current, release);
            const weight = releaseWeight(release);
            if (weight < 100 && promoteStage(release.members[0]) === "shift-to-canary") {
                io.out(`note: ${release.label}'s canary takes ${weight}% of requests; promoting first sends it all of them.`);
            }
            const promoted = await promote(deps, release);
            io.out(`done: ${promoted.members.map((member) => `${member.name} runs ${member.stableImage} as its stable version`).join("; ")}`);
            return EXIT.done;
        }
        const change = planSingle(command, current, release, options);
        if (change === undefined) {
            return nothingToDo(command, release, io);
        }
        io.out(`stack ${deps.stack}, ${describeRelease(release)}: ${command} ${change.from}% -> ${change.to}%`);
        await applyChange(deps, release, change);
        io.out(`done: ${change.message}`);
        return EXIT.done;
    });
}

/** `run --dry-run`: the walk, from the stack file, with no CLI and no cloud. */
export async function dryRunWalk(driver: StackDriver, stack: string, options: WalkOptions, io: Io, now: () => number): Promise<number> {
    const { state } = await readState({ driver, stack });
    const release = pickRelease(state, options, "run");
    const canary = requireReleaseCanary(release, "walk");
    const { lines } = describeWalk(stack, state, release, canary.weight, options);
    io.out(DRY_RUN_NOTE);
    lines.forEach((line) => io.out(line));
    const frozen = freezeDryRunNote(state, now(), options.force, "run");
    if (frozen !== undefined) {
        io.out(frozen);
    }
    const unavailable = metricsUnavailable(state.router);
    if (unavailable !== undefined) {
        io.out(`note: a real run refuses this stack: ${unavailable}`);
    }
    return EXIT.done;
}

/** `status`: the split per service, from the stack's `canary` output. */
export function renderStatus(stack: string, outputs: Readonly<Record<string, unknown>>, source: string): string[] {
    const canary = outputs.canary;
    if (typeof canary !== "object" || canary === null) {
        return [`stack ${stack} has no canary output (${source}): has it been deployed with this program?`];
    }
    const lines = [`stack ${stack} (${source})`];
    renderCanary(canary, lines);
    return lines;
}

export { CanaryError, deployedWeight };
