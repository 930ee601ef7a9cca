/**
 * How the canary command changes a stack, on injected interfaces (a StackDriver, git, a clock):
 * every change is one config change, a preview that may change only what that config change
 * explains, one targeted `pulumi up`, and a git commit of the stack file. A change starts from the
 * weight the stack really runs.
 */
import { printPlan } from "./describe";
import { ExpectedChanges, unexpectedChanges } from "./expected";
import type { GitDriver } from "./git";
import { Clock, errorText, Io } from "./io";
import { alignCommands, applyToRelease, Release, releasePromoteChange, restoreRelease } from "./release";
import { CanaryError, CanaryState, ReleaseChange, ServiceState, stateFromConfig, weightKey } from "./schedule";
import type { StackDriver } from "./stack";

export interface ChangeDeps {
    readonly stack: string;
    readonly driver: StackDriver;
    readonly git: GitDriver;
    /** The stack file the changes are committed in. */
    readonly stackFile: string;
    /** Push after each commit. */
    readonly push: boolean;
    readonly expected: ExpectedChanges;
    readonly io: Io;
    readonly clock: Clock;
    /** Who takes the lease (user@host and process). */
    readonly holder: string;
}

/** The command's view of a stack: config parsed by the program's own parser. */
export async function readState(deps: Pick<ChangeDeps, "driver" | "stack">): Promise<{ state: CanaryState; config: Record<string, string> }> {
    const config = await deps.driver.readConfig();
    return { state: stateFromConfig(config, deps.stack), config };
}

async function writeConfig(driver: StackDriver, change: ReleaseChange): Promise<void> {
    for (const item of change.changes) {
        if (item.op === "set") {
            await driver.setConfig(item.key, item.value);
        } else {
            await driver.removeConfig(item.key);
        }
    }
}

/** A failed `pulumi up`: the stack may be partly updated, and the config was put back. */
export class UpFailed extends Error {}

/**
 * Applies one change: config, preview, targeted up, commit. A preview that would change more
 * than the change explains puts the config back and throws a CanaryError: nothing is deployed.
 */
export async function applyChange(deps: ChangeDeps, before: Release, change: ReleaseChange, options: { fromPossiblyDeployed?: boolean } = {}): Promise<void> {
    const { driver, io } = deps;
    printPlan(change, io);
    if (options.fromPossiblyDeployed === true) {
        // After a failed update the stack may run `before` although the config was put back:
        // what the step may change is judged from `before`.
        const services = stateFromConfig(await driver.readConfig(), deps.stack).services;
        const current = before.members.map((member) => services.find((service) => service.name === member.name));
        if (JSON.stringify(current) !== JSON.stringify(before.members)) {
            await writeConfig(driver, restoreRelease(before, change.message));
        }
    }
    const configBefore = await driver.readConfig();
    await writeConfig(driver, change);
    const configAfter = await driver.readConfig();
    const restore = (): Promise<void> => writeConfig(driver, restoreRelease(before, change.message));
    const expected = await deps.expected(deps.stack, configBefore, configAfter);
    const previewed = await driver.preview((text) => io.out(text.replace(/\n$/, "")));
    const extra = unexpectedChanges(previewed, expected);
    if (extra.length > 0) {
        await restore();
        throw new CanaryError(
            `the preview would change more than this step: ${extra.map((item) => `${item.op} ${item.type} ${item.name}`).join("; ")}. ` +
                "Nothing was deployed and the config is as it was; deploy or undo those changes first (pulumi preview shows them), then step again",
        );
    }
    if (previewed.length === 0) {
        io.out("  the preview shows nothing to change: the stack already runs this");
    } else {
        try {
            await driver.up(
                change.message,
                previewed.map((item) => item.urn),
                (text) => io.out(text.replace(/\n$/, "")),
            );
        } catch (error) {
            await restore();
            throw new UpFailed(`pulumi up failed: ${errorText(error)} (the config is put back; if the stack reports pending operations, run \`pulumi refresh\`)`);
        }
    }
    // Bookkeeping after the deploy: a failed commit or push must not make a deployed step look
    // undeployed (the deploy workflow's guard refuses to undo an uncommitted weight).
    try {
        if (!(await deps.git.isClean(deps.stackFile))) {
            await deps.git.commit(deps.stackFile, change.message);
        }
        if (deps.push) {
            await deps.git.push();
        }
    } catch (error) {
        io.err(`WARNING: deployed, but ${errorText(error)}; commit and push ${deps.stackFile} yourself before the next merge deploys it`);
    }
}

/** The weight the stack runs now, from its `canary` output; undefined when it was never deployed with a canary. */
export function deployedWeight(outputs: Readonly<Record<string, unknown>>, service: string): number | undefined {
    const canary = outputs.canary as Record<string, { weight?: unknown }> | undefined;
    const weight = canary?.[service]?.weight;
    return typeof weight === "number" ? weight : undefined;
}

/**
 * Puts the config's weight back to the deployed one when they differ (a walk interrupted between
 * its config change and its `up`), so the walk resumes from what really runs. A group whose members
 * would resume at different weights (someone moved one by hand) is refused before anything is
 * written: the config cannot hold a split group, and guessing which weight is right is not ours.
 */
export async function resumeFromDeployed(deps: ChangeDeps, release: Release, outputs: Readonly<Record<string, unknown>>): Promise<Release> {
    const resumed = release.members.map((member) => ({ member, deployed: resumedWeight(member, outputs) }));
    const weights = resumed.map(({ member, deployed }) => deployed ?? member.canary?.weight ?? 0);
    if (release.members.length > 1 && new Set(weights).size > 1) {
        const lowest = Math.min(...weights);
        throw new CanaryError(
            `the services of ${release.label} run at different weights (${resumed.map(({ member }, index) => `${member.name} at ${weights[index]}%`).join(", ")}); ` +
                `nothing was changed; bring them to one weight, the lowest is the safe one: ` +
                alignCommands(release, lowest, deps.stack) +
                ` && pulumi up --stack ${deps.stack} --message "canary: align ${release.label} at ${lowest}%", then commit ${deps.stackFile}`,
        );
    }
    const members: ServiceState[] = [];
    for (const { member, deployed } of resumed) {
        if (deployed === undefined || member.canary === undefined) {
            members.push(member);
            continue;
        }
        deps.io.out(`${member.name}: the config says ${member.canary.weight}% but the stack runs ${deployed}%; resuming from ${deployed}% (config set back)`);
        await deps.driver.setConfig(weightKey(member.name), String(deployed));
        members.push({ ...member, canary: { ...member.canary, weight: deployed } });
    }
    return { ...release, members };
}

/** The deployed weight a service resumes from, when it differs from its config's; undefined when there is nothing to resume. */
function resumedWeight(service: ServiceState, outputs: Readonly<Record<string, unknown>>): number | undefined {
    const deployed = deployedWeight(outputs, service.name);
    return service.canary === undefined || deployed === undefined || deployed === service.canary.weight ? undefined : deployed;
}

/** Promotes a release stage by stage from wherever its promotion stands; returns the final state. */
export async function promote(deps: ChangeDeps, release: Release, abort?: AbortSignal): Promise<Release> {
    let current = release;
    for (let change = releasePromoteChange(current); change !== undefined; change = releasePromoteChange(current)) {
        if (abort?.aborted === true) {
            throw new CanaryError(`promotion of ${release.label} interrupted; run \`npm run canary -- promote\` again to resume from where it stopped`);
        }
        deps.io.out(change.message);
        await applyChange(deps, current, change);
        current = applyToRelease(current, change);
    }
    return current;
}
