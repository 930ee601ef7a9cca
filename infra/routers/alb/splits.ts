/**
 * How the policy pack reads the alb router's split: the weighted forward actions of its Ingress.
 * Pure (no Pulumi SDK), so the policy pack loads it without the router.
 */
import { annotations, asRecord, at, list, parseJson, show } from "../../props";
import type { DeclaredSplit } from "../plugin";

const ACTION_PREFIX = "alb.ingress.kubernetes.io/actions.";

export /** The weighted forward actions (`alb.ingress.kubernetes.io/actions.<name>`) of an Ingress. */
function forwardActionSplits(props: Record<string, unknown>): DeclaredSplit[] {
    return Object.entries(annotations(props)).flatMap(([key, value]) => {
        const groups = at(parseJson(value), "forwardConfig.targetGroups");
        if (!key.startsWith(ACTION_PREFIX) || !Array.isArray(groups)) {
            return [];
        }
        return [
            {
                label: `Ingress ${show(at(props, "metadata.name"))} action ${key.slice(ACTION_PREFIX.length)}`,
                targets: list(groups).map((group) => ({
                    name: String(asRecord(group).serviceName ?? asRecord(group).targetGroupARN ?? asRecord(group).targetGroupName ?? ""),
                    weight: asRecord(group).weight,
                })),
            },
        ];
    });
}
