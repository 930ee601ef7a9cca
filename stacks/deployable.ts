/**
 * What only a real deployment refuses: config that plans and previews (so that a stack still on
 * it can be read and moved off it) but that AWS can no longer create.
 */
import { APPMESH_DISCONTINUED_WARNING } from "../infra/routers/appmesh/router";
import type { StackConfig } from "./config";

/**
 * Why `pulumi up` of this config cannot succeed, or undefined. `preview` is Pulumi's dry-run flag:
 * previews and the offline plan are never refused.
 */
export function undeployableReason(config: StackConfig, preview: boolean): string | undefined {
    if (preview) {
        return undefined;
    }
    if (config.router === "appmesh") {
        return `${APPMESH_DISCONTINUED_WARNING} Nothing was deployed: \`pulumi up\` stops before it declares any resource (previews still run).`;
    }
    return undefined;
}
