/**
 * The Gateway API HTTPRoute of every router that routes by one (lattice on its Gateway, a mesh
 * through GAMMA on a Service): its rules, the one reader of its weights and the one description
 * of it. Pure (no Pulumi SDK), so the policy pack loads it without the routers.
 */
import { describeMatch } from "../canary/release-controls";
import type { gatewayapi } from "../crds";
import { asRecord, at, list, objectName, show, text } from "../props";
import type { CanaryServiceSpec, VersionServices } from "./contract";
import type { DeclaredSplit } from "./plugin";

/**
 * The rules of a service's HTTPRoute: with a header match (`canary.match`), first a rule that
 * sends matching requests to v2 alone, then the weighted split for the rest. Gateway API ranks a
 * rule with header matches above one without, and the lattice controller numbers rules in order,
 * so both read the match first. `refs(weight)` are the router's backends at a canary weight.
 */
export function httpRouteRules(
    spec: Pick<CanaryServiceSpec, "weight" | "match">,
    versions: VersionServices,
    refs: (weight: number) => gatewayapi.HTTPRouteSpecRuleBackendRef[],
): gatewayapi.HTTPRouteSpecRule[] {
    const weighted: gatewayapi.HTTPRouteSpecRule = { backendRefs: refs(spec.weight) };
    if (spec.match === undefined || versions.canary === undefined) {
        return [weighted];
    }
    const header: gatewayapi.HTTPRouteSpecRuleMatchHeader = {
        type: spec.match.type === "exact" ? "Exact" : "RegularExpression",
        name: spec.match.header,
        value: spec.match.value,
    };
    return [{ matches: [{ headers: [header] }], backendRefs: refs(100) }, weighted];
}

/** The backend weights of every rule of an HTTPRoute. */
export function httpRouteSplits(props: Record<string, unknown>): DeclaredSplit[] {
    return list(at(props, "spec.rules")).flatMap((rule, index) => {
        const refs = list(asRecord(rule).backendRefs);
        const matchesHeaders = list(asRecord(rule).matches).some((match) => list(asRecord(match).headers).length > 0);
        return refs.length === 0
            ? []
            : [
                  {
                      label: `HTTPRoute ${show(at(props, "metadata.name"))} rule ${index}`,
                      ...(matchesHeaders ? { pinned: true } : {}),
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
    const rules = list(at(inputs, "spec.rules")).map((rule) => {
        const backends = list(at(rule, "backendRefs")).map((ref) => `${text(at(ref, "name"))}:${text(at(ref, "port"))} ${text(at(ref, "weight"))}%`);
        const headers = list(at(rule, "matches")).flatMap((match) =>
            list(at(match, "headers")).map((header) =>
                describeMatch({ header: text(at(header, "name")), value: text(at(header, "value")), type: (at(header, "type") ?? "Exact") === "Exact" ? "exact" : "regex" }),
            ),
        );
        return headers.length === 0 ? `weighted ${backends.join(" / ")}` : `when ${headers.join(" and ")} ${backends.join(" / ")}`;
    });
    return [`${objectName(inputs)}  parent ${parents.join(",")}${hostnames.length === 0 ? "" : `  hosts ${hostnames.join(",")}`}  ${rules.join("  ")}`];
}
