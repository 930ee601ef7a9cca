/**
 * `eks-canary:services`: the canaried services, each a stable and an optional canary version.
 * Names are checked together (typos, lengths, object names that would collide) before each
 * service is parsed, with the router and the schedule its weights must fit.
 */
import type { ClusterKind } from "../../infra/targets";
import { fixedObjectNames, MAX_SERVICE_NAME, serviceObjectNames, USERMGMT } from "../../infra/names";
import { Checker, childKey, describe, isDefined, isObject, Json, mayBeSecret, NOT_SHOWN, suggestion } from "../checks";
import { parseAnalysis } from "./flagger";
import { CPU, DNS_LABEL, HEADER_NAME, HEADER_VALUE, HTTP_PATH, IMAGE, MEMORY, STICKY_DURATION, TRACING_NAME } from "./patterns";
import { HEADER_MATCH_TYPES, HeaderMatch, HeaderMatchType, Stickiness } from "../../infra/canary/release-controls";
import { automatedModeProblem, canaryWeightProblem, headerMatchProblem, RouterKind, scheduleStepProblem, stickyProblem } from "./routing";
import { CanaryScheduleConfig, CanaryVersionConfig, ContainerResources, ServiceConfig, ServiceMode, SERVICE_MODES } from "./types";

/** The name of the user-management app: no canaried service may take it. */
export const RESERVED_SERVICE_NAMES = [USERMGMT.name] as const;

const SERVICE_KEYS = ["port", "healthPath", "replicas", "smtp", "tracingName", "resources", "stable", "canary", "mode", "analysis"];

const DEFAULT_SERVICE_RESOURCES: ContainerResources = { cpu: "250m", memory: "512Mi" };

/** `router` is undefined when the `router` key is invalid: the router's checks are then skipped, not guessed. */
export function parseServices(
    check: Checker,
    key: string,
    value: Json | undefined,
    router: RouterKind | undefined,
    schedule: CanaryScheduleConfig,
    clusterKind?: ClusterKind,
): ServiceConfig[] {
    if (value === undefined) {
        check.report(key, "missing; allowed: an object of services keyed by name, each with port, healthPath, stable.image and optionally canary.image and canary.weight");
        return [];
    }
    const entries = check.map(key, value, DNS_LABEL, "a DNS label (lowercase letters, digits, '-')") ?? {};
    if (Object.keys(entries).length === 0 && isObject(value)) {
        check.report(key, "no services; allowed: at least one service");
    }
    const taken = new Map(fixedObjectNames().map((objectName) => [objectName, "an object of the program"]));
    const names = Object.keys(entries);
    for (const [name, entry] of Object.entries(entries)) {
        // A path typo (`services.notifcation.canary.weight`) makes a new service of a few keys: one
        // error that names the service it was meant for, not one per missing key.
        const close = suggestion(
            name,
            names.filter((other) => other !== name),
        );
        if (close !== "" && isObject(entry) && entry.port === undefined && entry.stable === undefined) {
            check.report(childKey(key, name), `not a configured service${close}; a service needs port, healthPath and stable.image`);
            delete entries[name];
            continue;
        }
        if (name.length > MAX_SERVICE_NAME) {
            check.report(
                childKey(key, name),
                `the name is ${name.length} characters long, and its objects (such as ${name}-clusterip-service) must be DNS labels of at most 63; allowed: a name of at most ${MAX_SERVICE_NAME} characters`,
            );
            delete entries[name];
            continue;
        }
        if ((RESERVED_SERVICE_NAMES as readonly string[]).includes(name)) {
            check.report(childKey(key, name), `${JSON.stringify(name)} is the name of the user-management app (configured under usermgmt); allowed: any other name`);
            delete entries[name];
            continue;
        }
        // Two services, or a service and the program, must not name the same Kubernetes object.
        const automated = isObject(entry) && entry.mode === "automated";
        const clash = serviceObjectNames(name, automated).find((objectName) => taken.has(objectName));
        if (clash !== undefined) {
            check.report(
                childKey(key, name),
                `its ${automated ? "Flagger-generated " : ""}object ${JSON.stringify(clash)} would collide with ${taken.get(clash)}; allowed: another name`,
            );
            delete entries[name];
            continue;
        }
        for (const objectName of serviceObjectNames(name, automated)) {
            taken.set(objectName, `service ${name}`);
        }
    }
    return Object.entries(entries)
        .map(([name, entry]) => parseService(check, childKey(key, name), name, entry, router, schedule, clusterKind))
        .filter(isDefined);
}

function parseService(
    check: Checker,
    key: string,
    name: string,
    value: Json,
    router: RouterKind | undefined,
    schedule: CanaryScheduleConfig,
    clusterKind: ClusterKind | undefined,
): ServiceConfig | undefined {
    const raw = check.object(key, value, SERVICE_KEYS);
    if (raw === undefined) {
        return undefined;
    }
    const port = check.integer(childKey(key, "port"), raw.port, { min: 1, max: 65535 });
    if (raw.port === undefined) {
        check.report(childKey(key, "port"), "missing; allowed: the container port, an integer 1..65535");
    }
    const healthPath = check.requiredString(childKey(key, "healthPath"), raw.healthPath, { pattern: HTTP_PATH, expected: "an HTTP path starting with /" });
    const replicasSetting = check.integer(childKey(key, "replicas"), raw.replicas, { min: 1, max: 100 });
    // An invalid replica count is reported once; the weight is then not checked against a guess.
    const replicas = replicasSetting ?? (raw.replicas === undefined ? 2 : undefined);
    const stableKey = childKey(key, "stable");
    const stableRaw = check.object(stableKey, raw.stable, ["image"]);
    if (raw.stable === undefined) {
        check.report(stableKey, "missing; allowed: an object with the stable version's image");
    }
    const stableImage = check.requiredString(childKey(stableKey, "image"), stableRaw?.image, {
        pattern: IMAGE,
        expected: "an image reference with a tag or digest, such as repo/name:1.2.3",
    });
    const modeKey = childKey(key, "mode");
    // Unset or invalid (reported): manual, for the checks below and in the result.
    const mode = check.string(modeKey, raw.mode, { oneOf: SERVICE_MODES }) as ServiceMode | undefined;
    const modeProblem = mode === "automated" && router !== undefined ? automatedModeProblem(router, clusterKind) : undefined;
    if (modeProblem !== undefined) {
        check.report(modeKey, modeProblem);
    }
    const canary = parseCanary(check, childKey(key, "canary"), raw.canary, replicas, router, mode === "automated" ? { steps: [], freeze: [], groups: [] } : schedule);
    for (const control of ["match", "sticky"] as const) {
        if (mode === "automated" && canary?.[control] !== undefined) {
            check.report(
                childKey(childKey(key, "canary"), control),
                `${control} applies to a manual canary: Flagger writes an automated service's routes; allowed: remove it, or set ${modeKey} to manual`,
            );
        }
    }
    // In automated mode a configured weight is ignored (the program warns): the weight is
    // Flagger's, and switching a service between the modes stays a one-key change.
    const analysisKey = childKey(key, "analysis");
    if (raw.analysis !== undefined && mode !== "automated") {
        check.report(analysisKey, `analysis settings only apply in automated mode; allowed: set ${modeKey} to automated, or remove analysis`);
    }
    const analysis = mode === "automated" ? parseAnalysis(check, analysisKey, raw.analysis, router) : undefined;
    const tracingName = check.string(childKey(key, "tracingName"), raw.tracingName, { pattern: TRACING_NAME, expected: "an X-Ray segment name" });
    if (port === undefined || healthPath === undefined || stableImage === undefined || replicas === undefined) {
        return undefined;
    }
    return {
        name,
        port,
        healthPath,
        replicas,
        smtp: check.boolean(childKey(key, "smtp"), raw.smtp) ?? false,
        tracingName: tracingName ?? `${titleCase(name)}-Microservice`,
        resources: parseResources(check, childKey(key, "resources"), raw.resources, DEFAULT_SERVICE_RESOURCES),
        stable: { image: stableImage },
        ...(canary === undefined ? {} : { canary }),
        mode: mode ?? "manual",
        ...(analysis === undefined ? {} : { analysis }),
    };
}

function parseCanary(
    check: Checker,
    key: string,
    value: Json | undefined,
    replicas: number | undefined,
    router: RouterKind | undefined,
    schedule: CanaryScheduleConfig,
): CanaryVersionConfig | undefined {
    const raw = check.object(key, value, ["image", "weight", "match", "sticky"]);
    if (raw === undefined) {
        return undefined;
    }
    const image = check.requiredString(childKey(key, "image"), raw.image, { pattern: IMAGE, expected: "an image reference with a tag or digest, such as repo/name:1.2.3" });
    const weightKey = childKey(key, "weight");
    const weight = check.integer(weightKey, raw.weight, { min: 0, max: 100 }) ?? (raw.weight === undefined ? 0 : undefined);
    if (weight !== undefined && schedule.steps.length > 0 && !schedule.steps.includes(weight)) {
        check.report(weightKey, `${weight} is not a step of the schedule (eks-canary:canary.steps); allowed: ${schedule.steps.join(", ")}`);
    } else if (weight !== undefined && replicas !== undefined) {
        const problem = canaryWeightProblem(router, weight, replicas);
        if (problem !== undefined) {
            check.report(weightKey, problem);
        }
    }
    const stepProblem = replicas === undefined ? undefined : scheduleStepProblem(router, schedule.steps, replicas);
    if (stepProblem !== undefined) {
        check.report(childKey(key.slice(0, key.lastIndexOf(".")), "replicas"), stepProblem);
    }
    const match = parseMatch(check, childKey(key, "match"), raw.match, router);
    const sticky = parseSticky(check, childKey(key, "sticky"), raw.sticky, router);
    if (image === undefined || weight === undefined) {
        return undefined;
    }
    return { image, weight, ...(match === undefined ? {} : { match }), ...(sticky === undefined ? {} : { sticky }) };
}

/** `canary.match`: a header, its value and how to compare them; refused where the router cannot route by it. */
function parseMatch(check: Checker, key: string, value: Json | undefined, router: RouterKind | undefined): HeaderMatch | undefined {
    const raw = check.object(key, value, ["header", "value", "type"]);
    if (raw === undefined) {
        return undefined;
    }
    const headerKey = childKey(key, "header");
    let header = check.requiredString(headerKey, raw.header, { pattern: HEADER_NAME, expected: "a header name of letters, digits and hyphens, at most 40, such as x-canary" });
    if (header !== undefined && header.toLowerCase() === "host") {
        // ALB refuses an http-header condition on Host; a route by host is a different thing.
        check.report(headerKey, "host is not a header a canary can match on; allowed: another header, such as x-canary");
        header = undefined;
    }
    const typeKey = childKey(key, "type");
    const type = (check.string(typeKey, raw.type, { oneOf: HEADER_MATCH_TYPES }) ?? (raw.type === undefined ? "exact" : undefined)) as HeaderMatchType | undefined;
    const valueKey = childKey(key, "value");
    let text = check.requiredString(valueKey, raw.value, { pattern: HEADER_VALUE, expected: "printable ASCII, at most 128 characters, no space at either end" });
    if (text !== undefined && mayBeSecret(text)) {
        // The value sits in clear text in the routing resource and the stack's outputs.
        check.report(
            valueKey,
            `${NOT_SHOWN}: the value is written in clear text into the routing resource and the stack outputs; allowed: a plain marker such as always or beta-tester`,
        );
        text = undefined;
    } else if (text !== undefined && type === "regex" && !compiles(text)) {
        check.report(valueKey, `${describe(text)} is not a regular expression; allowed: a regular expression such as ^beta-`);
        text = undefined;
    } else if (text !== undefined && type === "regex" && BEYOND_RE2.test(text)) {
        // Linkerd's Rust regex and Envoy's RE2 have neither; Linkerd skips a route it cannot read and keeps the old one.
        check.report(
            valueKey,
            `${describe(text)} uses a lookaround or a backreference, which the routers' regular expressions lack; allowed: a regular expression without (?= (?! (?<= (?<! \\1 \\k<`,
        );
        text = undefined;
    }
    if (header === undefined || type === undefined || text === undefined) {
        return undefined;
    }
    const match = { header, value: text, type };
    const problem = router === undefined ? undefined : headerMatchProblem(router, match);
    if (problem !== undefined) {
        check.report(key, problem);
        return undefined;
    }
    return match;
}

/** Lookarounds and backreferences: JavaScript has them, RE2 (Envoy) and Rust's regex (Linkerd) do not. */
const BEYOND_RE2 = /\(\?<?[=!]|\\[1-9]|\\k</;

function compiles(pattern: string): boolean {
    try {
        new RegExp(pattern);
        return true;
    } catch {
        return false;
    }
}

/** `canary.sticky`: a duration such as 30m; refused where the router cannot keep a client on a version. */
function parseSticky(check: Checker, key: string, value: Json | undefined, router: RouterKind | undefined): Stickiness | undefined {
    const duration = check.string(key, value, { pattern: STICKY_DURATION, expected: "a duration in whole seconds, minutes or hours, such as 30m" });
    const parts = duration === undefined ? null : STICKY_DURATION.exec(duration);
    if (duration === undefined || parts === null) {
        return undefined;
    }
    const seconds = Number(parts[1]) * { s: 1, m: 60, h: 3600 }[parts[2] as "s" | "m" | "h"];
    const problem = router === undefined ? undefined : stickyProblem(router, seconds);
    if (problem !== undefined) {
        check.report(key, problem);
        return undefined;
    }
    return { duration, seconds };
}

/** A container's requests; the services and the user-management app each have their own defaults. */
export function parseResources(check: Checker, key: string, value: Json | undefined, defaults: ContainerResources): ContainerResources {
    const raw = check.object(key, value, ["cpu", "memory"]) ?? {};
    return {
        cpu: check.string(childKey(key, "cpu"), raw.cpu, { pattern: CPU, expected: "a CPU quantity such as 250m or 1" }) ?? defaults.cpu,
        memory: check.string(childKey(key, "memory"), raw.memory, { pattern: MEMORY, expected: "a memory quantity such as 512Mi or 1Gi" }) ?? defaults.memory,
    };
}

function titleCase(name: string): string {
    return name
        .split("-")
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join("-");
}
