/**
 * The one typed view of stack config. Pulumi hands the program raw strings (objects as JSON);
 * `parseStackConfig` checks every key, reports every problem at once with its full key and the
 * allowed values, and returns typed values with defaults. Nothing else reads config.
 *
 * This file is the top level: it splits the keys by namespace, checks the top-level values, calls
 * each section's parser (a file per section beside it) and makes the checks across sections. The
 * parsers run in a fixed order, which is the order of the problems reported.
 */
import { DEFAULT_TRACING_BACKEND, TRACING_CHOICES, TracingChoice } from "../../infra/addons/tracing/backends";
import { CLUSTER_KIND_SUMMARY, CLUSTER_KINDS, ClusterKind, DEFAULT_CLUSTER_KIND } from "../../infra/targets";
import type { RouterKind } from "../../infra/routers/registry";
import { Checker, childKey, ConfigError, isObject, Json, parseConfigText, suggestion } from "../checks";
import { DeployerConfig, parseDeployer } from "../deployer";
import { AWS_REGIONS, isReservedNamespace } from "../networks";
import { parseAlarms } from "./alarms";
import { parseCluster } from "./cluster";
import { parseDatabase } from "./database";
import { eksOnlyKeyProblem, parseExistingCluster, parseInClusterDatabase, parseKubeconfig } from "./existing";
import { parseFlagger } from "./flagger";
import { parseIngress } from "./ingress";
import { parseNetwork } from "./network";
import { CERTIFICATE_ARN, DNS_LABEL, DOMAIN, EMAIL, HOSTED_ZONE_ID, STACK_NAME } from "./patterns";
import { clusterKindProblem, DEFAULT_ROUTER, ROUTERS } from "./routing";
import { checkGroups } from "./groups";
import { parseSchedule } from "./schedule";
import { parseServices } from "./services";
import {
    AlarmsConfig,
    ClusterConfig,
    CONFIG_KEYS,
    DatabaseConfig,
    EksStackConfig,
    EKS_ONLY_KEYS,
    ExistingClusterConfig,
    InClusterDatabaseConfig,
    IngressConfig,
    NetworkConfig,
    PROJECT,
    StackConfig,
    UserManagementConfig,
} from "./types";
import { parseUserManagement } from "./usermgmt";

export { DEFAULT_ROUTER, ROUTERS } from "./routing";
export type { RouterKind } from "./routing";
export { ANALYSIS_DEFAULTS } from "./flagger";
export { RESERVED_SERVICE_NAMES } from "./services";
export * from "./types";
export { groupOfService } from "./groups";

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
    const clusterKind = parseClusterKind(check, key("cluster"), values.cluster);
    // An invalid cluster.kind is reported alone: neither target's keys are checked in its place.
    const eks = clusterKind === "eks";
    const existing = clusterKind === "existing";
    if (existing) {
        if (raw["aws:region"] !== undefined) {
            check.report("aws:region", eksOnlyKeyProblem("the AWS region"));
        }
        for (const name of EKS_ONLY_KEYS) {
            if (values[name] !== undefined) {
                check.report(key(name), eksOnlyKeyProblem(EKS_ONLY_KEY_WHAT[name]));
            }
        }
    } else if (eks && values.kubeconfig !== undefined) {
        check.report(key("kubeconfig"), "is for cluster.kind existing; an EKS stack's kubeconfig is its `kubeconfig` output; allowed: remove it");
    }
    const region = eks ? check.requiredString("aws:region", raw["aws:region"], { oneOf: AWS_REGIONS, expected: "an AWS region such as eu-west-1" }) : undefined;
    const domain = eks
        ? check.requiredString(key("domain"), values.domain, { pattern: DOMAIN, expected: "a lowercase fully qualified domain name such as canary.example.com" })
        : undefined;
    const hostedZoneId = eks
        ? check.requiredString(key("hostedZoneId"), values.hostedZoneId, {
              pattern: HOSTED_ZONE_ID,
              expected: "a Route53 hosted zone ID such as Z0123456789ABCDEFGHIJ",
          })
        : undefined;
    const certificateArn = eks
        ? check.requiredString(key("certificateArn"), values.certificateArn, {
              pattern: CERTIFICATE_ARN,
              expected: "an ACM certificate ARN such as arn:aws:acm:eu-west-1:111122223333:certificate/<uuid>",
          })
        : undefined;
    if (certificateArn !== undefined && region !== undefined) {
        const certificateRegion = CERTIFICATE_ARN.exec(certificateArn)?.[2];
        if (certificateRegion !== region) {
            check.report(
                key("certificateArn"),
                `the certificate is in ${certificateRegion} but an ALB can only use a certificate of its own region; allowed: a certificate in ${region}`,
            );
        }
    }
    let router = check.string(key("router"), values.router, { oneOf: ROUTERS }) as RouterKind | undefined;
    const targetProblem = clusterKind === undefined ? undefined : clusterKindProblem(router ?? DEFAULT_ROUTER, clusterKind);
    if (targetProblem !== undefined) {
        check.report(key("router"), targetProblem);
        router = undefined;
    }
    const tracing = check.string(key("tracing"), values.tracing, { oneOf: TRACING_CHOICES }) as TracingChoice | undefined;
    if (existing && tracing !== undefined && tracing !== "none") {
        check.report(key("tracing"), `${tracing} sends traces to AWS X-Ray, and cluster.kind is existing: ${CLUSTER_KIND_SUMMARY.existing}; allowed: none`);
    }
    let namespace = check.string(key("namespace"), values.namespace, { pattern: DNS_LABEL, expected: "a Kubernetes namespace name (lowercase letters, digits, '-')" });
    if (namespace !== undefined && isReservedNamespace(namespace)) {
        check.report(
            key("namespace"),
            `${JSON.stringify(namespace)} belongs to Kubernetes or to a controller the stack installs: the stack would own and label it, and delete it on destroy; allowed: a namespace of the app's own, such as eks-canary`,
        );
        namespace = undefined;
    }

    const network = eks ? parseNetwork(check, key("network"), values.network) : undefined;
    const cluster = eks ? parseCluster(check, key("cluster"), values.cluster, stack) : undefined;
    const existingCluster = !existing
        ? undefined
        : parseExistingCluster(check, key("cluster"), values.cluster, stack, parseKubeconfig(check, key("kubeconfig"), raw[key("kubeconfig")]));
    const deployer =
        cluster === undefined
            ? undefined
            : parseDeployer(check, key("deployer"), values.deployer, {
                  publicAccessCidrsKey: childKey(key("cluster"), "publicAccessCidrs"),
                  publicAccessCidrs: cluster.publicAccessCidrs,
                  adminsKey: childKey(key("cluster"), "adminPrincipalArns"),
                  adminPrincipalArns: cluster.adminPrincipalArns,
              });
    const database = eks ? parseDatabase(check, key("database"), values.database) : undefined;
    const inClusterDatabase = !existing ? undefined : parseInClusterDatabase(check, key("database"), values.database);
    const ingress = eks ? parseIngress(check, key("ingress"), values.ingress) : undefined;
    const mailObject = eks ? check.object(key("mail"), values.mail, ["fromAddress"]) : undefined;
    const fromAddressKey = childKey(key("mail"), "fromAddress");
    const fromAddressRule = { pattern: EMAIL, expected: "an email address verified in SES (a service has smtp: true)" };
    const schedule = parseSchedule(check, key("canary"), values.canary);
    // An invalid router is reported once: the router-specific checks of services are then skipped.
    const routerToCheck = values.router === undefined && targetProblem === undefined ? DEFAULT_ROUTER : router;
    const services = parseServices(check, key("services"), values.services, routerToCheck, schedule, clusterKind);
    const canary = { ...schedule, groups: checkGroups(check, childKey(key("canary"), "groups"), schedule.groups, services, key("services"), stack) };
    if (existing) {
        for (const service of services.filter((candidate) => candidate.smtp)) {
            check.report(childKey(childKey(key("services"), service.name), "smtp"), eksOnlyKeyProblem("mail through Amazon SES"));
        }
    }
    // Mail is the sender of the services with smtp: required for them, checked if given anyway.
    const fromAddress = !eks
        ? undefined
        : services.some((service) => service.smtp)
          ? check.requiredString(fromAddressKey, mailObject?.fromAddress, fromAddressRule)
          : check.string(fromAddressKey, mailObject?.fromAddress, fromAddressRule);
    const usermgmt = parseUserManagement(check, key("usermgmt"), values.usermgmt, services);
    const flagger = parseFlagger(check, key("flagger"), values.flagger, key("flaggerAlertUrl"), values.flaggerAlertUrl);
    if (flagger.alerts !== undefined && services.length > 0 && !services.some((service) => service.mode === "automated")) {
        check.report(
            childKey(key("flagger"), "alerts"),
            `Flagger runs only for services in mode automated, and no service is, so these alerts would never be sent; allowed: remove flagger.alerts and flaggerAlertUrl` +
                (eks ? `, and for the CloudWatch alarms on every version set ${key("alarms")}.email or the secret ${key("alarmUrl")}` : ""),
        );
    }
    const alarms = eks ? parseAlarms(check, key("alarms"), values.alarms, key("alarmUrl"), values.alarmUrl) : undefined;

    check.throwIfAny();
    // Every required value was checked above: reaching here means each is defined.
    const common = {
        stack,
        router: router ?? DEFAULT_ROUTER,
        namespace: namespace ?? "eks-canary",
        usermgmt: usermgmt as UserManagementConfig,
        services,
        canary,
        flagger,
    };
    if (existing) {
        return {
            ...common,
            target: "existing",
            tracing: tracing ?? "none",
            cluster: existingCluster as ExistingClusterConfig,
            database: inClusterDatabase as InClusterDatabaseConfig,
        };
    }
    return {
        ...common,
        target: "eks",
        tracing: tracing ?? DEFAULT_TRACING_BACKEND,
        region: region as string,
        domain: domain as string,
        hostedZoneId: hostedZoneId as string,
        certificateArn: certificateArn as string,
        network: network as NetworkConfig,
        cluster: cluster as ClusterConfig,
        database: database as DatabaseConfig,
        ingress: ingress as IngressConfig,
        mail: fromAddress === undefined ? undefined : { fromAddress },
        alarms: alarms as AlarmsConfig,
        deployer: deployer as DeployerConfig,
    };
}

/** What each key only an EKS stack has is, for the message that refuses it on an existing cluster. */
const EKS_ONLY_KEY_WHAT: Readonly<Record<(typeof EKS_ONLY_KEYS)[number], string>> = {
    domain: "the public hostname External DNS writes into Route53",
    hostedZoneId: "the Route53 hosted zone",
    certificateArn: "the ACM certificate of the public ALB",
    network: "the VPC",
    ingress: "the public ALB's settings",
    mail: "the Amazon SES sender",
    alarms: "the CloudWatch alarms' SNS topic",
    alarmUrl: "the CloudWatch alarms' HTTPS endpoint",
    deployer: "who deploys the EKS stack (an existing cluster's stack is deployed from where its kubeconfig is)",
};

/** `cluster.kind`, read first: it decides which other keys the stack may set. Undefined when invalid. */
function parseClusterKind(check: Checker, key: string, value: Json | undefined): ClusterKind | undefined {
    const kind = isObject(value) ? value.kind : undefined;
    return kind === undefined ? DEFAULT_CLUSTER_KIND : (check.string(childKey(key, "kind"), kind, { oneOf: CLUSTER_KINDS }) as ClusterKind | undefined);
}

/**
 * The config of a stack that must run on EKS (who deploys it, its Pulumi Deployments settings);
 * throws a ConfigError naming `cluster.kind` for a stack on an existing cluster.
 */
export function parseEksStackConfig(raw: Readonly<Record<string, string>>, stack: string): EksStackConfig {
    const config = parseStackConfig(raw, stack);
    if (config.target !== "eks") {
        throw new ConfigError([{ key: `${PROJECT}:cluster.kind`, message: `is ${config.target}, and only a stack on EKS has a deployer; allowed: eks` }]);
    }
    return config;
}

function splitKey(fullKey: string): [string, string] {
    const colon = fullKey.indexOf(":");
    return colon < 0 ? ["", fullKey] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
}
