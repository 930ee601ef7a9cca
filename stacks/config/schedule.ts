/**
 * `eks-canary:canary`: the step schedule, the weights a manual canary may take. The services'
 * parser checks each canary's weight against it.
 */
import { Checker, childKey, Json } from "../checks";
import { CanaryScheduleConfig } from "./types";

export function parseSchedule(check: Checker, key: string, value: Json | undefined): CanaryScheduleConfig {
    const raw = check.object(key, value, ["steps"]) ?? {};
    const stepsKey = childKey(key, "steps");
    const items = check.array(stepsKey, raw.steps, { minItems: 2, maxItems: 101 }) ?? [];
    const steps = items.map((item, index) => check.integer(childKey(stepsKey, index), item, { min: 0, max: 100 }));
    if (steps.some((step) => step === undefined)) {
        return { steps: [] };
    }
    const valid = steps as number[];
    if (valid.some((step, index) => index > 0 && step <= valid[index - 1])) {
        check.report(stepsKey, `${JSON.stringify(valid)} is not strictly ascending; allowed: ascending weights 0..100 such as [0, 10, 25, 50, 100]`);
        return { steps: [] };
    }
    return { steps: valid };
}
