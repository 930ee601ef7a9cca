/**
 * The one typed view of stack config. Pulumi hands the program raw strings (objects as JSON);
 * `parseStackConfig` checks every key, reports every problem at once with its full key and the
 * allowed values, and returns typed values with defaults. Nothing else reads config.
 *
 * This file is the top level: it splits the keys by namespace, checks the top-level values, calls
 * each section's parser (a file per section beside it) and makes the checks across sections. The
 * parsers run in a fixed order, which is the order of the problems reported.
 */
import { DEFAULT_TRACING_BACKEND, TRACING_BACKENDS, TracingBackend } from "../../infra/addons/tracing/backends";
import type { RouterKind } from "../../infra/routers/registry";
import { Checker, childKey, Json, parseConfigText, suggestion } from "../checks";
import { DeployerConfig, parseDeployer } from "../deployer";
import { AWS_REGIONS, isReservedNamespace } from "../networks";
import { parseAlarms } from "./alarms";
import { parseCluster } from "./cluster";
import { parseDatabase } from "./database";
import { parseFlagger } from "./flagger";
import { parseIngress } from "./ingress";
import { parseNetwork } from "./network";
import { CERTIFICATE_ARN, DNS_LABEL, DOMAIN, EMAIL, HOSTED_ZONE_ID, STACK_NAME } from "./patterns";
import { DEFAULT_ROUTER, ROUTERS } from "./routing";
import { parseSchedule } from "./schedule";
import { parseServices } from "./services";
import { CONFIG_KEYS, PROJECT, StackConfig, UserManagementConfig } from "./types";
import { parseUserManagement } from "./usermgmt";

export { DEFAULT_ROUTER, ROUTERS } from "./routing";
export type { RouterKind } from "./routing";
export { ANALYSIS_DEFAULTS } from "./flagger";
export { RESERVED_SERVICE_NAMES } from "./services";
export * from "./types";

/**
 * Parses raw Pulumi config (`namespace:key` → string, objects as JSON) into a StackConfig.
 * Throws a ConfigError listing every problem.
 */
export function parseStackConfig(raw: Readonly<Record<string, string>>, stack: string): StackConfig {
    const check = new Checker();
    const key = (name: string): string => `${PROJECT}:${name}`;
    const values: Record<string, Json | undefined> = {};
    for (const [fullKey, text] of Object.entries(raw)) {
        const [namespace, name] = splitKey(fullKey);
        if (namespace !== PROJECT) {
            // Another package's key (aws:region), or a typo of the project's namespace that Pulumi would keep silently.
            const close = suggestion(namespace, [PROJECT]);
            if (close !== "") {
                check.report(fullKey, `unknown namespace ${JSON.stringify(namespace)}${close}; the program reads keys of ${PROJECT}: (and aws:region), so this one is ignored`);
            } else if (namespace === "aws" && name !== "region" && suggestion(name, ["region"]) !== "") {
                check.report(fullKey, `unknown key${suggestion(name, ["region"])}; the provider would ignore it and the stack would have no region`);
            }
            continue;
        }
        if (!(CONFIG_KEYS as readonly string[]).includes(name)) {
            check.report(fullKey, `unknown key${suggestion(name, CONFIG_KEYS)}; allowed keys: ${CONFIG_KEYS.join(", ")}`);
            continue;
        }
        values[name] = parseConfigText(text);
    }

    if (!STACK_NAME.test(stack)) {
        check.report(
            "stack",
            `${JSON.stringify(stack)} cannot name the cluster and its resources; allowed: lowercase letters, digits and '-', at most 31 characters, starting with a letter`,
        );
    }
    const region = check.requiredString("aws:region", raw["aws:region"], { oneOf: AWS_REGIONS, expected: "an AWS region such as eu-west-1" });
    const domain = check.requiredString(key("domain"), values.domain, { pattern: DOMAIN, expected: "a lowercase fully qualified domain name such as canary.example.com" });
    const hostedZoneId = check.requiredString(key("hostedZoneId"), values.hostedZoneId, {
        pattern: HOSTED_ZONE_ID,
        expected: "a Route53 hosted zone ID such as Z0123456789ABCDEFGHIJ",
    });
    const certificateArn = check.requiredString(key("certificateArn"), values.certificateArn, {
        pattern: CERTIFICATE_ARN,
        expected: "an ACM certificate ARN such as arn:aws:acm:eu-west-1:111122223333:certificate/<uuid>",
    });
    if (certificateArn !== undefined && region !== undefined) {
        const certificateRegion = CERTIFICATE_ARN.exec(certificateArn)?.[2];
        if (certificateRegion !== region) {
            check.report(
                key("certificateArn"),
                `the certificate is in ${certificateRegion} but an ALB can only use a certificate of its own region; allowed: a certificate in ${region}`,
            );
        }
    }
    const router = check.string(key("router"), values.router, { oneOf: ROUTERS }) as RouterKind | undefined;
    const tracing = check.string(key("tracing"), values.tracing, { oneOf: TRACING_BACKENDS }) as TracingBackend | undefined;
    let namespace = check.string(key("namespace"), values.namespace, { pattern: DNS_LABEL, expected: "a Kubernetes namespace name (lowercase letters, digits, '-')" });
    if (namespace !== undefined && isReservedNamespace(namespace)) {
        check.report(
            key("namespace"),
            `${JSON.stringify(namespace)} belongs to Kubernetes or to a controller the stack installs: the stack would own and label it, and delete it on destroy; allowed: a namespace of the app's own, such as eks-canary`,
        );
        namespace = undefined;
    }

    const network = parseNetwork(check, key("network"), values.network);
    const cluster = parseCluster(check, key("cluster"), values.cluster, stack);
    const deployer = parseDeployer(check, key("deployer"), values.deployer, {
        publicAccessCidrsKey: childKey(key("cluster"), "publicAccessCidrs"),
        publicAccessCidrs: cluster.publicAccessCidrs,
        adminsKey: childKey(key("cluster"), "adminPrincipalArns"),
        adminPrincipalArns: cluster.adminPrincipalArns,
    });
    const database = parseDatabase(check, key("database"), values.database);
    const ingress = parseIngress(check, key("ingress"), values.ingress);
    const mailObject = check.object(key("mail"), values.mail, ["fromAddress"]);
    const fromAddressKey = childKey(key("mail"), "fromAddress");
    const fromAddressRule = { pattern: EMAIL, expected: "an email address verified in SES (a service has smtp: true)" };
    const schedule = parseSchedule(check, key("canary"), values.canary);
    // An invalid router is reported once: the router-specific checks of services are then skipped.
    const routerToCheck = values.router === undefined ? DEFAULT_ROUTER : router;
    const services = parseServices(check, key("services"), values.services, routerToCheck, schedule);
    // Mail is the sender of the services with smtp: required for them, checked if given anyway.
    const fromAddress = services.some((service) => service.smtp)
        ? check.requiredString(fromAddressKey, mailObject?.fromAddress, fromAddressRule)
        : check.string(fromAddressKey, mailObject?.fromAddress, fromAddressRule);
    const usermgmt = parseUserManagement(check, key("usermgmt"), values.usermgmt, services);
    const flagger = parseFlagger(check, key("flagger"), values.flagger, key("flaggerAlertUrl"), values.flaggerAlertUrl);
    if (flagger.alerts !== undefined && services.length > 0 && !services.some((service) => service.mode === "automated")) {
        check.report(
            childKey(key("flagger"), "alerts"),
            `Flagger runs only for services in mode automated, and no service is, so these alerts would never be sent; allowed: remove flagger.alerts and flaggerAlertUrl, ` +
                `and for the CloudWatch alarms on every version set ${key("alarms")}.email or the secret ${key("alarmUrl")}`,
        );
    }
    const alarms = parseAlarms(check, key("alarms"), values.alarms, key("alarmUrl"), values.alarmUrl);

    check.throwIfAny();
    // Every required value was checked above: reaching here means each is defined.
    return {
        stack,
        region: region as string,
        domain: domain as string,
        hostedZoneId: hostedZoneId as string,
        certificateArn: certificateArn as string,
        router: router ?? DEFAULT_ROUTER,
        tracing: tracing ?? DEFAULT_TRACING_BACKEND,
        namespace: namespace ?? "eks-canary",
        network,
        cluster,
        database,
        ingress,
        mail: fromAddress === undefined ? undefined : { fromAddress },
        usermgmt: usermgmt as UserManagementConfig,
        services,
        canary: schedule,
        flagger,
        alarms,
        deployer: deployer as DeployerConfig,
    };
}

function splitKey(fullKey: string): [string, string] {
    const colon = fullKey.indexOf(":");
    return colon < 0 ? ["", fullKey] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
}
