/**
 * The stages of a promotion, so that no request ever goes to pods that are rolling: the canary
 * takes all requests; the stable version takes the canary's image while it carries none; the
 * weight returns to the stable version; the canary goes. Each stage is one `pulumi up`, and the
 * stage to run is read from the config, so an interrupted promotion resumes where it stopped.
 * Pure, like schedule.ts.
 */
import { routerPlugin } from "../../infra/routers/registry";
import { CanaryError, CanaryState, configKey, ConfigChange, effectiveSteps, pickManualService, ReleaseChange, requireCanary, ServiceState, weightKey } from "./schedule";

export type PromoteStage = "shift-to-canary" | "stable-takes-image" | "shift-to-stable" | "remove-canary";

export function promoteStage(service: ServiceState): PromoteStage | undefined {
    if (service.canary === undefined) {
        return undefined;
    }
    if (service.stableImage !== service.canary.image) {
        return service.canary.weight < 100 ? "shift-to-canary" : "stable-takes-image";
    }
    return service.canary.weight > 0 ? "shift-to-stable" : "remove-canary";
}

/** `promote`: the next stage of the service's promotion; undefined when it is done. */
export function planPromote(state: CanaryState, serviceName: string | undefined): ReleaseChange | undefined {
    const service = pickManualService(state, serviceName, "promote");
    requireCanary(service, "promote");
    const refusal = routerPlugin(state.router).command.promoteRefusal?.(service.name);
    if (refusal !== undefined) {
        throw new CanaryError(refusal);
    }
    if (promoteStage(service) === "shift-to-canary" && !effectiveSteps(state).includes(100)) {
        throw new CanaryError(
            `a promotion first sends all requests to the canary, and 100 is not a step of the schedule (${effectiveSteps(state).join(", ")}); add it to eks-canary:canary.steps`,
        );
    }
    return promoteChange(service);
}

/** The next stage of a service's promotion: its number (1..4), what it does, and its config change. */
export interface PromoteStep {
    readonly stage: number;
    readonly what: string;
    readonly from: number;
    readonly to: number;
    readonly changes: readonly ConfigChange[];
}

export function promoteStep(service: ServiceState): PromoteStep | undefined {
    const stage = promoteStage(service);
    const canary = service.canary;
    if (stage === undefined || canary === undefined) {
        return undefined;
    }
    const name = service.name;
    switch (stage) {
        case "shift-to-canary":
            return { stage: 1, what: `all requests to the canary (${canary.image})`, from: canary.weight, to: 100, changes: [{ op: "set", key: weightKey(name), value: "100" }] };
        case "stable-takes-image":
            return {
                stage: 2,
                what: `the stable version takes ${canary.image} while it serves no requests`,
                from: 100,
                to: 100,
                changes: [{ op: "set", key: configKey(`services.${name}.stable.image`), value: canary.image }],
            };
        case "shift-to-stable":
            return {
                stage: 3,
                what: `all requests back to the stable version, now ${canary.image}`,
                from: canary.weight,
                to: 0,
                changes: [{ op: "set", key: weightKey(name), value: "0" }],
            };
        case "remove-canary":
            return { stage: 4, what: "remove the canary version", from: 0, to: 0, changes: [{ op: "remove", key: configKey(`services.${name}.canary`) }] };
    }
}

/** The next stage of a service's promotion as a change, `canary: promote <name> k/4: <what>`; undefined when it is done. */
export function promoteChange(service: ServiceState): ReleaseChange | undefined {
    const step = promoteStep(service);
    return step === undefined
        ? undefined
        : { service: service.name, from: step.from, to: step.to, changes: step.changes, message: promoteMessage(service.name, step.stage, step.what) };
}

export function promoteMessage(label: string, stage: number, what: string): string {
    return `canary: promote ${label} ${stage}/4: ${what}`;
}
