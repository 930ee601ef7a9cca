/**
 * How the policy pack reads the lattice router's split: the backend weights of its HTTPRoute.
 * Pure (no Pulumi SDK), so the policy pack loads it without the router.
 */
import { asRecord, at, list, show } from "../../props";
import type { DeclaredSplit } from "../plugin";

export /** The backend weights of every rule of an HTTPRoute. */
function httpRouteSplits(props: Record<string, unknown>): DeclaredSplit[] {
    return list(at(props, "spec.rules")).flatMap((rule, index) => {
        const refs = list(asRecord(rule).backendRefs);
        return refs.length === 0
            ? []
            : [
                  {
                      label: `HTTPRoute ${show(at(props, "metadata.name"))} rule ${index}`,
                      targets: refs.map((ref) => ({ name: String(asRecord(ref).name ?? ""), weight: asRecord(ref).weight })),
                  },
              ];
    });
}
