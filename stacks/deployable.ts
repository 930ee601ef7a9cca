/**
 * What only a real deployment refuses: config that plans and previews (so that a stack still on
 * it can be read and moved off it) but that AWS can no longer create.
 */
import { routerPlugin } from "../infra/routers/registry";
import type { StackConfig } from "./config";

/**
 * Why `pulumi up` of this config cannot succeed, or undefined. `preview` is Pulumi's dry-run flag:
 * previews and the offline plan are never refused.
 */
export function undeployableReason(config: StackConfig, preview: boolean): string | undefined {
    if (preview) {
        return undefined;
    }
    const discontinued = routerPlugin(config.router).discontinued;
    return discontinued === undefined ? undefined : `${discontinued} Nothing was deployed: \`pulumi up\` stops before it declares any resource (previews still run).`;
}
