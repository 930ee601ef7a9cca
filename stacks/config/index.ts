/**
 * The one typed view of stack config. Pulumi hands the program raw strings (objects as JSON);
 * `parseStackConfig` checks every key, reports every problem at once with its full key and the
 * allowed values, and returns typed values with defaults. Nothing else reads config.
 */
import type { RouterKind } from "../../infra/canary/router";
import { fixedObjectNames, MAX_SERVICE_NAME, serviceObjectNames, USERMGMT } from "../../infra/names";
import type { KubernetesVersion } from "../../infra/versions";
import { Checker, childKey, isObject, Json, JsonObject, parseConfigText, suggestion } from "../checks";
import { DeployerConfig, parseDeployer } from "../deployer";
import { AWS_REGIONS, IPV4_CIDR, isReservedNamespace, publicAccessCidrProblem, vpcCidrProblem } from "../networks";
import {
    CERTIFICATE_ARN,
    CHANNEL,
    CPU,
    DB_INSTANCE_CLASS,
    DNS_LABEL,
    DOMAIN,
    DURATION,
    EMAIL,
    HOSTED_ZONE_ID,
    HTTP_PATH,
    HTTPS_URL,
    IMAGE,
    INSTANCE_TYPE,
    MEMORY,
    PRINCIPAL_ARN,
    STACK_NAME,
    TARGET_GROUP_ID,
    TRACING_NAME,
} from "./patterns";
import { automatedModeProblem, canaryWeightProblem, DEFAULT_ROUTER, latticeTargetGroupProblem, ROUTERS, scheduleStepProblem } from "./routing";
import {
    AlertProviderType,
    ALERT_PROVIDERS,
    AnalysisConfig,
    CanaryScheduleConfig,
    CanaryVersionConfig,
    ClusterConfig,
    CONFIG_KEYS,
    ContainerResources,
    DatabaseConfig,
    FlaggerConfig,
    IngressConfig,
    KUBERNETES_VERSIONS,
    NAT_STRATEGIES,
    NatStrategy,
    NetworkConfig,
    OFFLINE_SECRET,
    PROJECT,
    ServiceConfig,
    ServiceMode,
    SERVICE_MODES,
    StackConfig,
    UserManagementConfig,
} from "./types";

export { AUTOMATABLE_ROUTERS, DEFAULT_ROUTER, NOT_AUTOMATABLE_REASONS, ROUTERS } from "./routing";
export type { RouterKind } from "./routing";
export * from "./types";

export const ANALYSIS_DEFAULTS = {
    interval: "1m",
    threshold: 5,
    maxWeight: 50,
    stepWeight: 5,
    successRateMin: 99,
    latencyMaxMs: 500,
    loadTest: { requestsPerSecond: 10, concurrency: 2 },
} as const;

const DEFAULT_SERVICE_RESOURCES: ContainerResources = { cpu: "250m", memory: "512Mi" };

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
            if (close !== "" && namespace !== "") {
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
        check.report("stack", `${JSON.stringify(stack)} cannot name the cluster and its resources; allowed: lowercase letters, digits and '-', at most 31 characters, starting with a letter`);
    }
    const region = check.requiredString("aws:region", raw["aws:region"], { oneOf: AWS_REGIONS, expected: "an AWS region such as eu-west-1" });
    const domain = check.requiredString(key("domain"), values.domain, { pattern: DOMAIN, expected: "a lowercase fully qualified domain name such as canary.example.com" });
    const hostedZoneId = check.requiredString(key("hostedZoneId"), values.hostedZoneId, { pattern: HOSTED_ZONE_ID, expected: "a Route53 hosted zone ID such as Z0123456789ABCDEFGHIJ" });
    const certificateArn = check.requiredString(key("certificateArn"), values.certificateArn, {
        pattern: CERTIFICATE_ARN,
        expected: "an ACM certificate ARN such as arn:aws:acm:eu-west-1:111122223333:certificate/<uuid>",
    });
    if (certificateArn !== undefined && region !== undefined) {
        const certificateRegion = CERTIFICATE_ARN.exec(certificateArn)?.[2];
        if (certificateRegion !== region) {
            check.report(key("certificateArn"), `the certificate is in ${certificateRegion} but an ALB can only use a certificate of its own region; allowed: a certificate in ${region}`);
        }
    }
    const router = check.string(key("router"), values.router, { oneOf: ROUTERS }) as RouterKind | undefined;
    let namespace = check.string(key("namespace"), values.namespace, { pattern: DNS_LABEL, expected: "a Kubernetes namespace name (lowercase letters, digits, '-')" });
    if (namespace !== undefined && isReservedNamespace(namespace)) {
        check.report(key("namespace"), `${JSON.stringify(namespace)} belongs to Kubernetes or to a controller the stack installs: the stack would own and label it, and delete it on destroy; allowed: a namespace of the app's own, such as eks-canary`);
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
    const ingressObject = check.object(key("ingress"), values.ingress, ["deletionProtection", "retainAccessLogs"]) ?? {};
    const ingress: IngressConfig = {
        deletionProtection: check.boolean(childKey(key("ingress"), "deletionProtection"), ingressObject.deletionProtection) ?? true,
        retainAccessLogs: check.boolean(childKey(key("ingress"), "retainAccessLogs"), ingressObject.retainAccessLogs) ?? true,
    };
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

    check.throwIfAny();
    // Every required value was checked above: reaching here means each is defined.
    return {
        stack,
        region: region as string,
        domain: domain as string,
        hostedZoneId: hostedZoneId as string,
        certificateArn: certificateArn as string,
        router: router ?? DEFAULT_ROUTER,
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
        deployer: deployer as DeployerConfig,
    };
}

function splitKey(fullKey: string): [string, string] {
    const colon = fullKey.indexOf(":");
    return colon < 0 ? ["", fullKey] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
}


function parseNetwork(check: Checker, key: string, value: Json | undefined): NetworkConfig {
    const raw = check.object(key, value, ["cidrBlock", "availabilityZones", "natGateways"]) ?? {};
    let cidrBlock = check.string(childKey(key, "cidrBlock"), raw.cidrBlock, { pattern: IPV4_CIDR, expected: "an IPv4 CIDR such as 10.0.0.0/16" });
    const cidrProblem = cidrBlock === undefined ? undefined : vpcCidrProblem(cidrBlock);
    if (cidrProblem !== undefined) {
        check.report(childKey(key, "cidrBlock"), cidrProblem);
        cidrBlock = undefined;
    }
    return {
        cidrBlock: cidrBlock ?? "10.0.0.0/16",
        availabilityZones: check.integer(childKey(key, "availabilityZones"), raw.availabilityZones, { min: 2, max: 6 }) ?? 3,
        natGateways: (check.string(childKey(key, "natGateways"), raw.natGateways, { oneOf: NAT_STRATEGIES }) as NatStrategy | undefined) ?? "onePerAz",
    };
}

function parseCluster(check: Checker, key: string, value: Json | undefined, stack: string): ClusterConfig {
    const raw = check.object(key, value, ["kubernetesVersion", "instanceTypes", "nodes", "nodeDiskGiB", "publicAccessCidrs", "adminPrincipalArns"]) ?? {};
    const versionKey = childKey(key, "kubernetesVersion");
    const kubernetesVersion = check.requiredString(versionKey, raw.kubernetesVersion, { oneOf: KUBERNETES_VERSIONS });
    const typesKey = childKey(key, "instanceTypes");
    const instanceTypes = (check.array(typesKey, raw.instanceTypes, { minItems: 1, maxItems: 20 }) ?? ["t3.large"]).map((item, index) =>
        check.string(childKey(typesKey, index), item, { pattern: INSTANCE_TYPE, expected: "an EC2 instance type such as t3.large" }),
    );
    const nodesKey = childKey(key, "nodes");
    const nodes = check.object(nodesKey, raw.nodes, ["min", "desired", "max"]) ?? {};
    const min = check.integer(childKey(nodesKey, "min"), nodes.min, { min: 1, max: 100 }) ?? 2;
    const desired = check.integer(childKey(nodesKey, "desired"), nodes.desired, { min: 1, max: 100 }) ?? Math.max(min, 2);
    const max = check.integer(childKey(nodesKey, "max"), nodes.max, { min: 1, max: 100 }) ?? Math.max(desired, 4);
    if (!(min <= desired && desired <= max)) {
        check.report(nodesKey, `min ${min}, desired ${desired}, max ${max}; allowed: min <= desired <= max`);
    }
    const cidrsKey = childKey(key, "publicAccessCidrs");
    const publicAccessCidrs = (check.array(cidrsKey, raw.publicAccessCidrs, { minItems: 0, maxItems: 40 }) ?? []).map((item, index) => {
        const itemKey = childKey(cidrsKey, index);
        const cidr = check.string(itemKey, item, { pattern: IPV4_CIDR, expected: "an IPv4 CIDR such as 203.0.113.10/32" });
        if (cidr === undefined) {
            return undefined;
        }
        const problem = publicAccessCidrProblem(cidr);
        if (problem !== undefined) {
            check.report(itemKey, problem);
            return undefined;
        }
        return cidr;
    });
    const adminsKey = childKey(key, "adminPrincipalArns");
    if (raw.adminPrincipalArns === undefined) {
        check.report(
            adminsKey,
            "missing; the cluster's creator gets no implicit admin, so list the IAM roles (or users) that run `pulumi up` and administer the cluster, e.g. your CI or Pulumi Deployments role: " +
                "`pulumi config set --path 'cluster.adminPrincipalArns[0]' arn:aws:iam::<account>:role/<name>`; allowed: 1..20 IAM role or user ARNs",
        );
    }
    const adminPrincipalArns = (check.array(adminsKey, raw.adminPrincipalArns, { minItems: 1, maxItems: 20 }) ?? []).map((item, index) =>
        check.string(childKey(adminsKey, index), item, { pattern: PRINCIPAL_ARN, expected: "an IAM role or user ARN such as arn:aws:iam::111122223333:role/platform-admin" }),
    );
    return {
        name: `${PROJECT}-${stack}`,
        kubernetesVersion: (kubernetesVersion as KubernetesVersion | undefined) ?? KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1],
        instanceTypes: instanceTypes.filter(isDefined),
        nodes: { min, desired, max },
        nodeDiskGiB: check.integer(childKey(key, "nodeDiskGiB"), raw.nodeDiskGiB, { min: 20, max: 1000 }) ?? 30,
        publicAccessCidrs: publicAccessCidrs.filter(isDefined),
        adminPrincipalArns: adminPrincipalArns.filter(isDefined),
    };
}

function parseDatabase(check: Checker, key: string, value: Json | undefined): DatabaseConfig {
    const raw =
        check.object(key, value, ["instanceClass", "allocatedStorageGiB", "maxAllocatedStorageGiB", "multiAz", "backupRetentionDays", "deletionProtection", "finalSnapshot"]) ?? {};
    const allocatedStorageGiB = check.integer(childKey(key, "allocatedStorageGiB"), raw.allocatedStorageGiB, { min: 20, max: 16384 }) ?? 20;
    const maxAllocatedStorageGiB = check.integer(childKey(key, "maxAllocatedStorageGiB"), raw.maxAllocatedStorageGiB, { min: 20, max: 16384 }) ?? Math.max(100, allocatedStorageGiB);
    if (maxAllocatedStorageGiB < allocatedStorageGiB) {
        check.report(childKey(key, "maxAllocatedStorageGiB"), `${maxAllocatedStorageGiB} is below allocatedStorageGiB ${allocatedStorageGiB}; allowed: at least allocatedStorageGiB`);
    }
    return {
        instanceClass: check.string(childKey(key, "instanceClass"), raw.instanceClass, { pattern: DB_INSTANCE_CLASS, expected: "an RDS instance class such as db.t4g.micro" }) ?? "db.t4g.micro",
        allocatedStorageGiB,
        maxAllocatedStorageGiB,
        multiAz: check.boolean(childKey(key, "multiAz"), raw.multiAz) ?? true,
        backupRetentionDays: check.integer(childKey(key, "backupRetentionDays"), raw.backupRetentionDays, { min: 1, max: 35 }) ?? 7,
        deletionProtection: check.boolean(childKey(key, "deletionProtection"), raw.deletionProtection) ?? true,
        finalSnapshot: check.boolean(childKey(key, "finalSnapshot"), raw.finalSnapshot) ?? true,
    };
}

function parseResources(check: Checker, key: string, value: Json | undefined, defaults: ContainerResources): ContainerResources {
    const raw = check.object(key, value, ["cpu", "memory"]) ?? {};
    return {
        cpu: check.string(childKey(key, "cpu"), raw.cpu, { pattern: CPU, expected: "a CPU quantity such as 250m or 1" }) ?? defaults.cpu,
        memory: check.string(childKey(key, "memory"), raw.memory, { pattern: MEMORY, expected: "a memory quantity such as 512Mi or 1Gi" }) ?? defaults.memory,
    };
}

/** The name of the user-management app: no canaried service may take it. */
export const RESERVED_SERVICE_NAMES = [USERMGMT.name] as const;

const SERVICE_KEYS = ["port", "healthPath", "replicas", "smtp", "tracingName", "resources", "stable", "canary", "mode", "analysis"];
const ANALYSIS_KEYS = ["interval", "threshold", "maxWeight", "stepWeight", "stepWeights", "successRateMin", "latencyMaxMs", "loadTest", "latticeTargetGroup"];

function parseSchedule(check: Checker, key: string, value: Json | undefined): CanaryScheduleConfig {
    const raw = check.object(key, value, ["steps"]) ?? {};
    const stepsKey = childKey(key, "steps");
    const items = check.array(stepsKey, raw.steps, { minItems: 2, maxItems: 101 }) ?? [];
    const steps = items.map((item, index) => check.integer(childKey(stepsKey, index), item, { min: 0, max: 100 }));
    if (steps.some((step) => step === undefined)) {
        return { steps: [] };
    }
    const valid = steps as number[];
    if (valid.some((step, index) => index > 0 && step <= valid[index - 1])) {
        check.report(stepsKey, `${JSON.stringify(valid)} is not strictly ascending; allowed: ascending weights 0..100 such as [0, 10, 25, 50, 100]`);
        return { steps: [] };
    }
    return { steps: valid };
}

function parseServices(check: Checker, key: string, value: Json | undefined, router: RouterKind | undefined, schedule: CanaryScheduleConfig): ServiceConfig[] {
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
        const close = suggestion(name, names.filter((other) => other !== name));
        if (close !== "" && isObject(entry) && entry.port === undefined && entry.stable === undefined) {
            check.report(childKey(key, name), `not a configured service${close}; a service needs port, healthPath and stable.image`);
            delete entries[name];
            continue;
        }
        if (name.length > MAX_SERVICE_NAME) {
            check.report(childKey(key, name), `the name is ${name.length} characters long, and its objects (such as ${name}-clusterip-service) must be DNS labels of at most 63; allowed: a name of at most ${MAX_SERVICE_NAME} characters`);
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
            check.report(childKey(key, name), `its ${automated ? "Flagger-generated " : ""}object ${JSON.stringify(clash)} would collide with ${taken.get(clash)}; allowed: another name`);
            delete entries[name];
            continue;
        }
        for (const objectName of serviceObjectNames(name, automated)) {
            taken.set(objectName, `service ${name}`);
        }
    }
    return Object.entries(entries)
        .map(([name, entry]) => parseService(check, childKey(key, name), name, entry, router, schedule))
        .filter(isDefined);
}

function parseService(
    check: Checker,
    key: string,
    name: string,
    value: Json,
    router: RouterKind | undefined,
    schedule: CanaryScheduleConfig,
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
    const stableImage = check.requiredString(childKey(stableKey, "image"), stableRaw?.image, { pattern: IMAGE, expected: "an image reference with a tag or digest, such as repo/name:1.2.3" });
    const modeKey = childKey(key, "mode");
    const mode = (check.string(modeKey, raw.mode, { oneOf: SERVICE_MODES }) as ServiceMode | undefined) ?? (raw.mode === undefined ? "manual" : undefined);
    const modeProblem = mode === "automated" && router !== undefined ? automatedModeProblem(router) : undefined;
    if (modeProblem !== undefined) {
        check.report(modeKey, modeProblem);
    }
    const canary = parseCanary(check, childKey(key, "canary"), raw.canary, replicas, router, mode === "automated" ? { steps: [] } : schedule);
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

function parseAnalysis(check: Checker, key: string, value: Json | undefined, router: RouterKind | undefined): AnalysisConfig {
    const raw = check.object(key, value, ANALYSIS_KEYS) ?? {};
    const interval = check.string(childKey(key, "interval"), raw.interval, { pattern: DURATION, expected: "a duration in whole seconds or minutes, such as 1m or 30s" }) ?? ANALYSIS_DEFAULTS.interval;
    const threshold = check.integer(childKey(key, "threshold"), raw.threshold, { min: 1, max: 20 }) ?? ANALYSIS_DEFAULTS.threshold;
    const maxWeight = check.integer(childKey(key, "maxWeight"), raw.maxWeight, { min: 1, max: 100 });
    const stepWeight = check.integer(childKey(key, "stepWeight"), raw.stepWeight, { min: 1, max: 100 });
    let stepWeights: number[] | undefined;
    const stepsKey = childKey(key, "stepWeights");
    if (raw.stepWeights !== undefined) {
        const items = check.array(stepsKey, raw.stepWeights, { minItems: 1, maxItems: 100 }) ?? [];
        const steps = items.map((item, index) => check.integer(childKey(stepsKey, index), item, { min: 1, max: 100 }));
        if (steps.every((step) => step !== undefined) && items.length > 0) {
            const valid = steps as number[];
            if (valid.some((step, index) => index > 0 && step <= valid[index - 1])) {
                check.report(stepsKey, `${JSON.stringify(valid)} is not strictly ascending; allowed: ascending weights 1..100 such as [5, 10, 25, 50]`);
            } else {
                stepWeights = valid;
            }
        }
    }
    if (raw.stepWeight !== undefined && raw.stepWeights !== undefined) {
        check.report(key, "both stepWeight and stepWeights are set; allowed: one of them (a fixed step, or the list of weights)");
    }
    if (raw.stepWeights !== undefined && raw.maxWeight !== undefined) {
        check.report(childKey(key, "maxWeight"), "maxWeight goes with stepWeight; with stepWeights Flagger promotes after the last step; allowed: remove maxWeight, or use stepWeight");
    }
    const effectiveMax = maxWeight ?? ANALYSIS_DEFAULTS.maxWeight;
    if (stepWeight !== undefined && stepWeight > effectiveMax) {
        check.report(childKey(key, "stepWeight"), `${stepWeight} is above maxWeight ${effectiveMax}: Flagger would never take a step; allowed: 1..${effectiveMax}`);
    }
    const loadKey = childKey(key, "loadTest");
    const load = check.object(loadKey, raw.loadTest, ["requestsPerSecond", "concurrency"]) ?? {};
    const loadTest = {
        requestsPerSecond: check.integer(childKey(loadKey, "requestsPerSecond"), load.requestsPerSecond, { min: 1, max: 1000 }) ?? ANALYSIS_DEFAULTS.loadTest.requestsPerSecond,
        concurrency: check.integer(childKey(loadKey, "concurrency"), load.concurrency, { min: 1, max: 100 }) ?? ANALYSIS_DEFAULTS.loadTest.concurrency,
    };
    const groupKey = childKey(key, "latticeTargetGroup");
    const latticeTargetGroup = check.string(groupKey, raw.latticeTargetGroup, { pattern: TARGET_GROUP_ID, expected: "a VPC Lattice target group ID such as tg-0123456789abcdef0" });
    const groupProblem = raw.latticeTargetGroup !== undefined && router !== undefined ? latticeTargetGroupProblem(router) : undefined;
    if (groupProblem !== undefined) {
        check.report(groupKey, groupProblem);
    }
    return {
        interval,
        threshold,
        maxWeight: stepWeights === undefined ? effectiveMax : stepWeights[stepWeights.length - 1],
        ...(stepWeights === undefined ? { stepWeight: stepWeight ?? ANALYSIS_DEFAULTS.stepWeight } : { stepWeights }),
        successRateMin: check.integer(childKey(key, "successRateMin"), raw.successRateMin, { min: 0, max: 100 }) ?? ANALYSIS_DEFAULTS.successRateMin,
        latencyMaxMs: check.integer(childKey(key, "latencyMaxMs"), raw.latencyMaxMs, { min: 1, max: 60000 }) ?? ANALYSIS_DEFAULTS.latencyMaxMs,
        loadTest,
        ...(latticeTargetGroup === undefined ? {} : { latticeTargetGroup }),
    };
}

function parseFlagger(check: Checker, key: string, value: Json | undefined, urlKey: string, urlValue: Json | undefined): FlaggerConfig {
    const raw = check.object(key, value, ["alerts"]) ?? {};
    const alertsKey = childKey(key, "alerts");
    const alerts = check.object(alertsKey, raw.alerts, ["provider", "channel"]);
    let url: string | undefined;
    if (urlValue !== undefined) {
        url = urlValue === OFFLINE_SECRET ? urlValue : check.string(urlKey, urlValue, { secret: true, pattern: HTTPS_URL, expected: "an https:// webhook URL (set it with `pulumi config set --secret flaggerAlertUrl <url>`)" });
        if (url !== undefined && url !== OFFLINE_SECRET && url.length > 2048) {
            check.report(urlKey, "is longer than 2048 characters; allowed: an https:// webhook URL");
            url = undefined;
        }
    }
    if (alerts === undefined) {
        return {};
    }
    let provider: AlertProviderType | undefined;
    if (alerts.provider === "generic") {
        check.report(
            childKey(alertsKey, "provider"),
            "Flagger's AlertProvider has no generic webhook type, and its event webhook would carry the URL in plain resource inputs; allowed: " + ALERT_PROVIDERS.join(", "),
        );
    } else {
        provider = check.requiredString(childKey(alertsKey, "provider"), alerts.provider, { oneOf: ALERT_PROVIDERS }) as AlertProviderType | undefined;
    }
    const channel = check.string(childKey(alertsKey, "channel"), alerts.channel, { pattern: CHANNEL, expected: "a channel name such as #releases" });
    if (urlValue === undefined) {
        check.report(urlKey, "missing: alerts are configured but have no webhook URL; set it with `pulumi config set --secret flaggerAlertUrl https://...`");
    }
    if (provider === undefined || url === undefined) {
        return {};
    }
    return { alerts: { provider, ...(channel === undefined ? {} : { channel }), url } };
}

function parseCanary(
    check: Checker,
    key: string,
    value: Json | undefined,
    replicas: number | undefined,
    router: RouterKind | undefined,
    schedule: CanaryScheduleConfig,
): CanaryVersionConfig | undefined {
    const raw = check.object(key, value, ["image", "weight"]);
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
    if (image === undefined || weight === undefined) {
        return undefined;
    }
    return { image, weight };
}

function parseUserManagement(check: Checker, key: string, value: Json | undefined, services: readonly ServiceConfig[]): UserManagementConfig | undefined {
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

function titleCase(name: string): string {
    return name
        .split("-")
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join("-");
}

function isDefined<T>(value: T | undefined): value is T {
    return value !== undefined;
}
