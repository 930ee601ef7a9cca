/**
 * How the policy pack reads the alb router's split: the weighted forward actions of its Ingress.
 * Pure (no Pulumi SDK), so the policy pack loads it without the router.
 */
import { annotations, asRecord, at, list, parseJson, show } from "../../props";
import type { DeclaredSplit } from "../plugin";

const ACTION_PREFIX = "alb.ingress.kubernetes.io/actions.";
const CONDITIONS_PREFIX = "alb.ingress.kubernetes.io/conditions.";

export /** The weighted forward actions (`alb.ingress.kubernetes.io/actions.<name>`) of an Ingress. */
function forwardActionSplits(props: Record<string, unknown>): DeclaredSplit[] {
    const all = annotations(props);
    return Object.entries(all).flatMap(([key, value]) => {
        const groups = at(parseJson(value), "forwardConfig.targetGroups");
        if (!key.startsWith(ACTION_PREFIX) || !Array.isArray(groups)) {
            return [];
        }
        const action = key.slice(ACTION_PREFIX.length);
        return [
            {
                label: `Ingress ${show(at(props, "metadata.name"))} action ${action}`,
                // An action under conditions of its own (a header match) is not the weighted split.
                ...(all[`${CONDITIONS_PREFIX}${action}`] === undefined ? {} : { pinned: true }),
                targets: list(groups).map((group) => ({
                    name: String(asRecord(group).serviceName ?? asRecord(group).targetGroupARN ?? asRecord(group).targetGroupName ?? ""),
                    weight: asRecord(group).weight,
                })),
            },
        ];
    });
}
