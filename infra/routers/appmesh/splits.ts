/**
 * How the policy pack reads the appmesh router's split: the weighted targets of its VirtualRouter.
 * Pure (no Pulumi SDK), so the policy pack loads it without the router.
 */
import { asRecord, at, list, show } from "../../props";
import type { DeclaredSplit } from "../plugin";

const ROUTE_KINDS = ["httpRoute", "http2Route", "grpcRoute", "tcpRoute"];

export /** The weighted targets of every route of a VirtualRouter. */
function virtualRouterSplits(props: Record<string, unknown>): DeclaredSplit[] {
    return list(at(props, "spec.routes")).flatMap((route, index) =>
        ROUTE_KINDS.flatMap((kind) => {
            const targets = at(route, `${kind}.action.weightedTargets`);
            return Array.isArray(targets)
                ? [
                      {
                          label: `VirtualRouter ${show(at(props, "metadata.name"))} route ${show(asRecord(route).name ?? index)}`,
                          ...(list(at(route, `${kind}.match.headers`)).length > 0 ? { pinned: true } : {}),
                          targets: targets.map((target) => ({
                              name: String(at(target, "virtualNodeRef.name") ?? at(target, "virtualNodeARN") ?? ""),
                              weight: asRecord(target).weight,
                          })),
                      },
                  ]
                : [];
        }),
    );
}
