/**
 * The canary command's decisions, as pure functions: where a service is on its schedule, the next
 * weight, and the config changes each command makes (the README's `pulumi config set --path`
 * commands). No Pulumi, no AWS, no I/O: the orchestrator applies what these return.
 */
import type { FreezeWindow } from "../../infra/canary/freeze";
import { replicaSplitProblem } from "../../infra/canary/weights";
import { RouterKind, routerPlugin } from "../../infra/routers/registry";
import { parseStackConfig, PROJECT, ReleaseGroup, StackConfig } from "../../stacks/config";

/** The schedule walked when the stack sets no `canary.steps`. */
export const DEFAULT_STEPS: readonly number[] = [0, 25, 50, 75, 100];

/** One service's release state, as the stack config holds it. */
export interface ServiceState {
    readonly name: string;
    readonly port: number;
    readonly healthPath: string;
    readonly stableImage: string;
    /** Pods per version (`replicas` router: pods of both versions together). */
    readonly replicas: number;
    /** `automated`: Flagger moves the weight, and the command leaves the service alone. */
    readonly mode: "manual" | "automated";
    readonly canary?: { readonly image: string; readonly weight: number };
}

/** What the command reads from a stack's config before it changes anything. */
export interface CanaryState {
    readonly router: RouterKind;
    /** The stack's `canary.steps`; empty when the stack sets none. */
    readonly stackSteps: readonly number[];
    readonly services: readonly ServiceState[];
    /** The stack's `canary.freeze` windows. */
    readonly freeze: readonly FreezeWindow[];
    /** The stack's lockstep groups (`canary.groups`): each steps as one release (release.ts). */
    readonly groups: readonly ReleaseGroup[];
}

/** One `pulumi config set --path` or `pulumi config rm --path`. */
export type ConfigChange = { readonly op: "set"; readonly key: string; readonly value: string } | { readonly op: "remove"; readonly key: string };

/** A change of one service's release: the config it writes and the message of its `pulumi up`. */
export interface ReleaseChange {
    readonly service: string;
    readonly from: number;
    readonly to: number;
    readonly changes: readonly ConfigChange[];
    readonly message: string;
}

/** A refusal with a message for the user: nothing was changed. */
export class CanaryError extends Error {}

/** The fully qualified config key of a project key path, as `pulumi config set --path` takes it. */
export function configKey(path: string): string {
    return `${PROJECT}:${path}`;
}

export function weightKey(service: string): string {
    return configKey(`services.${service}.canary.weight`);
}

/** The weights `run` walks and `step` moves along: the stack's, or the default. */
export function effectiveSteps(state: CanaryState): readonly number[] {
    return state.stackSteps.length > 0 ? state.stackSteps : DEFAULT_STEPS;
}

/**
 * Reads the raw config (`namespace:key` → string, objects as JSON) with the program's own parser:
 * a stack file the program would refuse is refused here too (a ConfigError listing every problem).
 */
export function stateFromConfig(config: Readonly<Record<string, string>>, stack: string): CanaryState {
    return stateOf(parseStackConfig(config, stack));
}

export function stateOf(config: StackConfig): CanaryState {
    return {
        router: config.router,
        stackSteps: config.canary.steps,
        freeze: config.canary.freeze,
        groups: config.canary.groups,
        services: config.services.map((service) => ({
            name: service.name,
            port: service.port,
            healthPath: service.healthPath,
            stableImage: service.stable.image,
            replicas: service.replicas,
            mode: service.mode,
            ...(service.canary === undefined ? {} : { canary: { image: service.canary.image, weight: service.canary.weight } }),
        })),
    };
}

/** The service a command acts on: the named one, or the only one. */
export function pickService(state: CanaryState, name: string | undefined): ServiceState {
    const names = state.services.map((service) => service.name);
    if (name === undefined) {
        if (state.services.length === 1) {
            return state.services[0];
        }
        throw new CanaryError(
            names.length === 0 ? "the stack configures no services (eks-canary:services)" : `--service is required: the stack has ${names.length} services: ${names.join(", ")}`,
        );
    }
    const found = state.services.find((service) => service.name === name);
    if (found === undefined) {
        throw new CanaryError(`unknown service ${JSON.stringify(name)}; services of this stack: ${names.length > 0 ? names.join(", ") : "none"}`);
    }
    return found;
}

/**
 * Refuses a service whose canary Flagger drives: a weight the command set would be ignored, and
 * its rollback would change nothing.
 */
export function pickManualService(state: CanaryState, name: string | undefined, command: string): ServiceState {
    const service = pickService(state, name);
    requireManual(service, command);
    return service;
}

export function requireManual(service: ServiceState, command: string): void {
    if (service.mode === "automated") {
        throw new CanaryError(
            `service ${service.name} is in automated mode: Flagger moves its weight and rolls it back, so \`${command}\` has nothing to do; ` +
                "watch it with `kubectl get canary -A -w`; to release it step by step instead, set services." +
                service.name +
                ".mode to manual, remove its analysis block and give it a canary block",
        );
    }
}

/** The canary block of a service, or a refusal that says how to start one. */
export function requireCanary(service: ServiceState, command: string): { image: string; weight: number } {
    if (service.canary === undefined) {
        throw new CanaryError(
            `${service.name} has no canary to ${command}: start one with ` +
                `pulumi config set --path 'services.${service.name}.canary.image' <image> && pulumi config set --path 'services.${service.name}.canary.weight' 0`,
        );
    }
    return { image: service.canary.image, weight: service.canary.weight };
}

/** The next weight of the schedule above `weight`, or undefined at (or past) its last step. */
export function nextWeight(weight: number, steps: readonly number[]): number | undefined {
    return steps.find((step) => step > weight);
}

/** The weights `run` walks from `weight` to the end of the schedule. */
export function remainingSteps(weight: number, steps: readonly number[]): number[] {
    return steps.filter((step) => step > weight);
}

/** `(step k/n)` for a weight on the schedule: 0 is the start, not a step. */
export function stepLabel(weight: number, steps: readonly number[]): string {
    const index = steps.indexOf(weight);
    return index < 0 ? "" : ` (step ${index}/${steps.length - 1})`;
}

/** Checks a target weight: 0..100, on the stack's schedule, expressible by the replicas router. */
export function checkWeight(state: CanaryState, service: ServiceState, weight: number): void {
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
        throw new CanaryError(`--to ${weight}: a weight is an integer 0..100`);
    }
    if (state.stackSteps.length > 0 && !state.stackSteps.includes(weight)) {
        throw new CanaryError(`--to ${weight} is not a step of the schedule (eks-canary:canary.steps); allowed: ${state.stackSteps.join(", ")}`);
    }
    if (routerPlugin(state.router).splits === "pods") {
        const problem = replicaSplitProblem(weight, service.replicas);
        if (problem !== undefined) {
            throw new CanaryError(`--to ${weight}: ${problem}`);
        }
    }
}

/**
 * `step [--to N]`: the next weight of the schedule, or N. Going up more than one step skips the
 * schedule's gates, and needs `force`; going down (towards 0) never does.
 */
export function planStep(state: CanaryState, serviceName: string | undefined, to: number | undefined, force = false): ReleaseChange {
    const service = pickManualService(state, serviceName, "step");
    const canary = requireCanary(service, "step");
    const steps = effectiveSteps(state);
    let target: number;
    if (to === undefined) {
        const next = nextWeight(canary.weight, steps);
        if (next === undefined) {
            throw new CanaryError(
                `${service.name} is already at ${canary.weight}%, the last step of the schedule (${steps.join(", ")}): promote it with \`npm run canary -- promote\`, or roll back`,
            );
        }
        target = next;
    } else {
        target = to;
    }
    checkWeight(state, service, target);
    if (target === canary.weight) {
        throw new CanaryError(`${service.name} is already at ${target}%: nothing to change`);
    }
    const next = nextWeight(canary.weight, steps);
    if (!force && next !== undefined && target > next) {
        throw new CanaryError(
            `--to ${target} skips the schedule: from ${canary.weight}% the next step is ${next}% (${steps.join(", ")}); step there first, or pass --force to skip its checks`,
        );
    }
    return weightChange(service.name, canary.weight, target, steps);
}

/** The change of one step: the canary's weight from `from` to `to`, and the message naming it. */
export function weightChange(service: string, from: number, to: number, steps: readonly number[]): ReleaseChange {
    return {
        service,
        from,
        to,
        changes: [{ op: "set", key: weightKey(service), value: String(to) }],
        message: `canary: ${service} ${from}% -> ${to}%${stepLabel(to, steps)}`,
    };
}

/** `rollback`: all requests back to v1; v2 stays deployed until its canary block is removed. */
export function planRollback(state: CanaryState, serviceName: string | undefined, reason?: string): ReleaseChange | undefined {
    const service = pickManualService(state, serviceName, "rollback");
    const canary = requireCanary(service, "roll back");
    if (canary.weight === 0) {
        return undefined;
    }
    return rollbackChange(service.name, canary.weight, reason);
}

export function rollbackChange(service: string, from: number, reason?: string): ReleaseChange {
    return {
        service,
        from,
        to: 0,
        changes: [{ op: "set", key: weightKey(service), value: "0" }],
        message: `canary: rollback ${service} ${from}% -> 0%${reason === undefined ? "" : `: ${reason}`}`,
    };
}

/** The service as it is once `change` is applied (for planning the next stage without reading the stack again). */
export function applyToService(service: ServiceState, change: ReleaseChange): ServiceState {
    let next: ServiceState = service;
    for (const item of change.changes) {
        if (item.op === "remove" && item.key === configKey(`services.${service.name}.canary`)) {
            next = Object.fromEntries(Object.entries(next).filter(([key]) => key !== "canary")) as unknown as ServiceState;
        } else if (item.op === "set" && item.key === weightKey(service.name) && next.canary !== undefined) {
            next = { ...next, canary: { ...next.canary, weight: Number(item.value) } };
        } else if (item.op === "set" && item.key === configKey(`services.${service.name}.stable.image`)) {
            next = { ...next, stableImage: item.value };
        }
    }
    return next;
}

/** The config changes that put a service's release back as `service` was (to undo a step that was not deployed). */
export function restoreChange(service: ServiceState, reason: string): ReleaseChange {
    const changes: ConfigChange[] = [{ op: "set", key: configKey(`services.${service.name}.stable.image`), value: service.stableImage }];
    if (service.canary === undefined) {
        changes.push({ op: "remove", key: configKey(`services.${service.name}.canary`) });
    } else {
        changes.push(
            { op: "set", key: configKey(`services.${service.name}.canary.image`), value: service.canary.image },
            { op: "set", key: weightKey(service.name), value: String(service.canary.weight) },
        );
    }
    const weight = service.canary?.weight ?? 0;
    return { service: service.name, from: weight, to: weight, changes, message: `canary: restore ${service.name}'s config: ${reason}` };
}

/** A config change as the `pulumi config` command line that makes it. */
export function describeChange(change: ConfigChange): string {
    const key = change.key.startsWith(`${PROJECT}:`) ? change.key.slice(PROJECT.length + 1) : change.key;
    return change.op === "set" ? `pulumi config set --path '${key}' ${change.value}` : `pulumi config rm --path '${key}'`;
}

// ---------------------------------------------------------------------------------------------
// Durations and thresholds

/** `10m`, `30s`, `1h`, `1m30s` → milliseconds. */
export function parseDuration(text: string): number {
    const pattern = /(\d+)(h|m|s)/gy;
    let total = 0;
    let matched = 0;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(text)) !== null) {
        total += Number(match[1]) * { h: 3_600_000, m: 60_000, s: 1000 }[match[2] as "h" | "m" | "s"];
        matched = pattern.lastIndex;
    }
    if (text === "" || matched !== text.length) {
        throw new CanaryError(`cannot read the duration ${JSON.stringify(text)}; write it like 10m, 90s or 1h30m`);
    }
    return total;
}

/** Milliseconds as `9m30s`, `45s`, `1h0m`. */
export function formatDuration(ms: number): string {
    const seconds = Math.max(0, Math.round(ms / 1000));
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (h > 0) {
        return `${h}h${m}m`;
    }
    return m > 0 ? (s > 0 ? `${m}m${s}s` : `${m}m`) : `${s}s`;
}
