/**
 * What one command acts on: a release, which is one service or a lockstep group of services
 * (`canary.groups`, `--group`). A group's members share one weight (the config refuses them
 * otherwise), so each of its changes is every member's config change in one `pulumi up`, and its
 * walk gates on every member. Pure: the orchestrators apply what these return.
 */
import {
    applyToService,
    CanaryError,
    CanaryState,
    pickManualService,
    pickService,
    planRollback,
    planStep,
    ReleaseChange,
    requireCanary,
    requireManual,
    restoreChange,
    rollbackChange,
    ServiceState,
    weightChange,
} from "./schedule";

import { groupOfService } from "../../stacks/config";
import { planPromote, promoteMessage, promoteStage, promoteStep } from "./promote";

export interface Release {
    /** How messages name it: the service's name, or `group <name>`. */
    readonly label: string;
    /** The group's name, for a group. */
    readonly group?: string;
    readonly members: readonly ServiceState[];
}

/** Which release a command acts on: `--group <name>`, `--service <name>`, or the stack's only service. */
export interface ReleaseChoice {
    readonly service: string | undefined;
    readonly group?: string | undefined;
}

/**
 * The release a command acts on. A grouped service is refused alone: stepping one member would
 * split the group, which the config refuses after the change; the message names the group.
 */
export function pickRelease(state: CanaryState, choice: ReleaseChoice, command: string): Release {
    if (choice.group !== undefined) {
        const group = state.groups.find((candidate) => candidate.name === choice.group);
        if (group === undefined) {
            const names = state.groups.map((candidate) => candidate.name);
            throw new CanaryError(
                `unknown group ${JSON.stringify(choice.group)}; groups of this stack (eks-canary:canary.groups): ${names.length > 0 ? names.join(", ") : "none"}`,
            );
        }
        const members = group.services.map((name) => pickService(state, name));
        members.forEach((member) => requireManual(member, command));
        return { label: `group ${group.name}`, group: group.name, members };
    }
    if (choice.service === undefined && state.services.length > 1 && state.groups.length > 0) {
        throw new CanaryError(
            `--service or --group is required: the stack has ${state.services.length} services (${state.services.map((service) => service.name).join(", ")}) ` +
                `and groups (eks-canary:canary.groups): ${state.groups.map((group) => group.name).join(", ")}`,
        );
    }
    const service = pickManualService(state, choice.service, command);
    const group = groupOfService(state.groups, service.name);
    if (group !== undefined) {
        throw new CanaryError(
            `${service.name} is released in lockstep with ${group.services.filter((name) => name !== service.name).join(", ")} (group ${group.name}, eks-canary:canary.groups): ` +
                `${command} them together with --group ${group.name}`,
        );
    }
    return { label: service.name, members: [service] };
}

/** Every member's canary block, or a refusal naming the member without one. */
export function requireReleaseCanary(release: Release, command: string): { weight: number } {
    release.members.forEach((member) => requireCanary(member, command));
    return { weight: releaseWeight(release) };
}

/**
 * The release's weight: its members' (0 without a canary). Members at different weights are
 * refused, naming each: a step from a split would move each member from a different weight.
 */
export function releaseWeight(release: Release): number {
    const weights = release.members.map((member) => member.canary?.weight ?? 0);
    if (new Set(weights).size > 1) {
        throw new CanaryError(
            `the services of ${release.label} stand at different weights (${release.members.map((member, index) => `${member.name} at ${weights[index]}%`).join(", ")}); ` +
                `bring them to one weight with ${alignCommands(release, Math.min(...weights))}`,
        );
    }
    return weights[0];
}

/** The `pulumi config set` commands that put every member of a release at `weight` (of `stack`, when given). */
export function alignCommands(release: Release, weight: number, stack?: string): string {
    const on = stack === undefined ? "" : ` --stack ${stack}`;
    return release.members.map((member) => `pulumi config set${on} --path 'services.${member.name}.canary.weight' ${weight}`).join(" && ");
}

/** Each member's changes as one: the config changes of all, under `message` (a single service's change is left as it is). */
function combine(release: Release, changes: readonly ReleaseChange[], message: () => string): ReleaseChange {
    if (release.members.length === 1) {
        return changes[0];
    }
    return { service: release.label, from: changes[0].from, to: changes[0].to, changes: changes.flatMap((change) => change.changes), message: message() };
}

/** `step [--to N]` of a release. */
export function planReleaseStep(state: CanaryState, release: Release, to: number | undefined, force: boolean, steps: readonly number[]): ReleaseChange {
    releaseWeight(release);
    const changes = release.members.map((member) => planStep(state, member.name, to, force));
    return combine(release, changes, () => weightChange(release.label, changes[0].from, changes[0].to, steps).message);
}

/** One weight change of a release, from `from` to `to` (the walk's steps and its rollbacks). */
export function releaseWeightChange(release: Release, from: number, to: number, steps: readonly number[], reason?: string): ReleaseChange {
    const message = (name: string): string => (reason === undefined ? weightChange(name, from, to, steps).message : `canary: rollback ${name} ${from}% -> ${to}%: ${reason}`);
    const changes = release.members.map((member) => ({ ...weightChange(member.name, from, to, steps), message: message(member.name) }));
    return combine(release, changes, () => message(release.label));
}

/** `rollback` of a release; undefined when it is at 0 already. */
export function planReleaseRollback(state: CanaryState, release: Release): ReleaseChange | undefined {
    const changes = release.members.map((member) => planRollback(state, member.name));
    const first = changes[0];
    return first === undefined ? undefined : combine(release, changes as ReleaseChange[], () => rollbackChange(release.label, first.from).message);
}

/** The checks of `promote` for each member (the router's refusal, 100 on the schedule); the next stage's change. */
export function planReleasePromote(state: CanaryState, release: Release): ReleaseChange | undefined {
    release.members.forEach((member) => planPromote(state, member.name));
    return releasePromoteChange(release);
}

/**
 * The next stage of the release's promotion, every member at once; undefined when it is done. The
 * members must stand at the same stage, as they do when only group commands moved them.
 */
export function releasePromoteChange(release: Release): ReleaseChange | undefined {
    const stages = release.members.map((member) => promoteStage(member));
    if (new Set(stages).size > 1) {
        throw new CanaryError(
            `the services of ${release.label} stand at different stages of a promotion (${release.members.map((member, index) => `${member.name}: ${stages[index] ?? "done"}`).join(", ")}); ` +
                "bring them to one stage with pulumi config set --path before promoting the group",
        );
    }
    const steps = release.members.map((member) => promoteStep(member));
    if (steps.some((step) => step === undefined)) {
        return undefined;
    }
    const defined = steps as NonNullable<(typeof steps)[number]>[];
    const what = release.members.length === 1 ? defined[0].what : defined.map((step, index) => `${release.members[index].name}: ${step.what}`).join("; ");
    return {
        service: release.label,
        from: defined[0].from,
        to: defined[0].to,
        changes: defined.flatMap((step) => step.changes),
        message: promoteMessage(release.label, defined[0].stage, what),
    };
}

/** The release as it is once `change` is applied. */
export function applyToRelease(release: Release, change: ReleaseChange): Release {
    return { ...release, members: release.members.map((member) => applyToService(member, change)) };
}

/** The config changes that put every member back as it was. */
export function restoreRelease(release: Release, reason: string): ReleaseChange {
    const changes = release.members.map((member) => restoreChange(member, reason));
    return combine(release, changes, () => `canary: restore ${release.label}'s config: ${reason}`);
}

/** The flag that names the release on the command line: `--service <name>` or `--group <name>`. */
export function releaseFlag(release: Release): string {
    return release.group === undefined ? `--service ${release.label}` : `--group ${release.group}`;
}

/** The members' names, for a header: `notification` or `group mail (notification, email)`. */
export function describeRelease(release: Release): string {
    return release.group === undefined ? release.label : `${release.label} (${release.members.map((member) => member.name).join(", ")})`;
}
