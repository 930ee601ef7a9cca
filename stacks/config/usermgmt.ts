/**
 * `eks-canary:usermgmt`: the user-management app, which is not canaried. It is parsed after the
 * services, since `calls` must name one of them.
 */
import { Checker, childKey, Json, JsonObject } from "../checks";
import { DNS_LABEL, IMAGE } from "./patterns";
import { parseResources } from "./services";
import { ServiceConfig, UserManagementConfig } from "./types";

export function parseUserManagement(check: Checker, key: string, value: Json | undefined, services: readonly ServiceConfig[]): UserManagementConfig | undefined {
    const raw: JsonObject | undefined = check.object(key, value, ["image", "replicas", "calls", "resources"]);
    if (value === undefined) {
        check.report(key, "missing; allowed: an object with image, replicas and calls");
    }
    const image = check.requiredString(childKey(key, "image"), raw?.image, { pattern: IMAGE, expected: "an image reference with a tag or digest, such as repo/name:1.2.3" });
    const names = services.map((service) => service.name);
    const calls = check.string(childKey(key, "calls"), raw?.calls ?? "notification", { pattern: DNS_LABEL, expected: "the name of a configured service" });
    if (calls !== undefined && names.length > 0 && !names.includes(calls)) {
        check.report(childKey(key, "calls"), `${JSON.stringify(calls)} is not a configured service; allowed: ${names.join(", ")}`);
    }
    if (image === undefined || calls === undefined) {
        return undefined;
    }
    return {
        image,
        replicas: check.integer(childKey(key, "replicas"), raw?.replicas, { min: 1, max: 100 }) ?? 2,
        calls,
        resources: parseResources(check, childKey(key, "resources"), raw?.resources, { cpu: "250m", memory: "768Mi" }),
    };
}
