/**
 * Kept for stacks/config/types.ts, which still imports the analysis type from here; Flagger
 * itself is the add-on ../addons/flagger.
 */
export type { CanaryAnalysis } from "../addons/flagger";
