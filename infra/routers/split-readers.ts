/**
 * The routers' split readers, for the policy pack: the pure twin of the registry's `splitReaders`
 * (tests/infra/routers/registry.test.ts requires the two to be equal). The pack loads this, not
 * the registry, because the registry loads every router and so the provider SDKs, which the pack
 * must take from its own dependencies (policy/package.json), not the program's.
 */
import { RESOURCE_TYPES } from "../resource-types";
import { forwardActionSplits } from "./alb/splits";
import { virtualRouterSplits } from "./appmesh/splits";
import { httpRouteSplits } from "./httproute";
import type { SplitReader } from "./plugin";

export const SPLIT_READERS: Readonly<Record<string, SplitReader>> = {
    [RESOURCE_TYPES.virtualRouter]: virtualRouterSplits,
    [RESOURCE_TYPES.ingress]: forwardActionSplits,
    [RESOURCE_TYPES.httpRoute]: httpRouteSplits,
};
