/** `eks-canary:ingress`: the public ALB's protections, both on unless a stack lifts them. */
import { Checker, childKey, Json } from "../checks";
import { IngressConfig } from "./types";

export function parseIngress(check: Checker, key: string, value: Json | undefined): IngressConfig {
    const raw = check.object(key, value, ["deletionProtection", "retainAccessLogs"]) ?? {};
    return {
        deletionProtection: check.boolean(childKey(key, "deletionProtection"), raw.deletionProtection) ?? true,
        retainAccessLogs: check.boolean(childKey(key, "retainAccessLogs"), raw.retainAccessLogs) ?? true,
    };
}
