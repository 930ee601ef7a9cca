/**
 * Generated stacks for the scaling rows of `npm run bench`: the dev stack's config with its one
 * canaried service replaced by `svc-1` … `svc-N`, each shaped like it, and usermgmt calling
 * `svc-1`. Pure: raw Pulumi config in, raw Pulumi config out.
 */
import { PROJECT } from "../../stacks/config";

type JsonObject = Record<string, unknown>;

function objectAt(raw: Readonly<Record<string, string>>, key: string): JsonObject {
    const text = raw[key];
    if (text === undefined) {
        throw new Error(`the template config has no ${key}`);
    }
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new Error(`${key} is not an object`);
    }
    return value as JsonObject;
}

export function serviceName(index: number): string {
    return `svc-${index}`;
}

/**
 * `raw` with `count` canaried services copied from `template` (default: the first configured
 * service). Each copy drops the template's `tracingName`, so it gets its own default
 * (`Svc-<i>-Microservice`); everything else — port, health path, replicas, images, canary weight —
 * is the template's.
 */
export function withServices(raw: Readonly<Record<string, string>>, count: number, template?: string): Record<string, string> {
    if (!Number.isInteger(count) || count < 1) {
        throw new Error(`the service count must be a positive integer, got ${count}`);
    }
    const servicesKey = `${PROJECT}:services`;
    const usermgmtKey = `${PROJECT}:usermgmt`;
    const services = objectAt(raw, servicesKey);
    const templateName = template ?? Object.keys(services)[0];
    const shape = services[templateName];
    if (typeof shape !== "object" || shape === null) {
        throw new Error(`no service ${JSON.stringify(templateName)} to copy`);
    }
    const copy = structuredClone(shape) as JsonObject;
    delete copy.tracingName;
    const generated: JsonObject = {};
    for (let index = 1; index <= count; index++) {
        generated[serviceName(index)] = structuredClone(copy);
    }
    return {
        ...raw,
        [servicesKey]: JSON.stringify(generated),
        [usermgmtKey]: JSON.stringify({ ...objectAt(raw, usermgmtKey), calls: serviceName(1) }),
    };
}
