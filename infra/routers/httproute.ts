/**
 * The Gateway API HTTPRoute as the offline plan and the policy pack read it, for every router
 * that routes by one (lattice on its Gateway, a mesh through GAMMA on a Service): the one reader
 * of its weights and the one description of it. Pure (no Pulumi SDK), so the policy pack loads it
 * without the routers.
 */
import { asRecord, at, list, objectName, show, text } from "../props";
import type { DeclaredSplit } from "./plugin";

/** The backend weights of every rule of an HTTPRoute. */
export function httpRouteSplits(props: Record<string, unknown>): DeclaredSplit[] {
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

/** An HTTPRoute in one line: its parents (a Gateway, or a Service for a mesh), its hostnames and its weighted backends. */
export function describeHttpRoute(inputs: Record<string, unknown>): string[] {
    const parents = list(at(inputs, "spec.parentRefs")).map(
        (ref) => `${text(at(ref, "kind") ?? "Gateway")} ${text(at(ref, "name"))}${at(ref, "port") === undefined ? "" : `:${text(at(ref, "port"))}`}`,
    );
    const hostnames = list(at(inputs, "spec.hostnames")).map(text);
    const backends = list(at(inputs, "spec.rules")).flatMap((rule) =>
        list(at(rule, "backendRefs")).map((ref) => `${text(at(ref, "name"))}:${text(at(ref, "port"))} ${text(at(ref, "weight"))}%`),
    );
    return [`${objectName(inputs)}  parent ${parents.join(",")}${hostnames.length === 0 ? "" : `  hosts ${hostnames.join(",")}`}  weighted ${backends.join(" / ")}`];
}
