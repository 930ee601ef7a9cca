/**
 * The offline plan: `npm run plan -- --stack <name> [--set key=value ...] [--json]`.
 *
 * Runs the program under mocks (no cloud, no Pulumi CLI, no credentials) with a stack's config
 * plus `--set` overrides, and prints what it would declare: the resources as a tree of
 * components, the canary split of every service and the stack outputs. `--json` prints the same
 * as one JSON document, for scripts.
 */
import { ConfigError } from "../stacks/checks";
import { PROJECT } from "../stacks/config";
import { splitArgs, UsageError, valueOf } from "./args";
import { DeclaredResource, OfflinePlan, planOffline } from "./offline";
import { renderCanary } from "./split";
import { listStacks, StackArgumentError, readStackFile, StackFileError } from "./stackfile";

export { bar } from "./split";

export interface PlanIo {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

export const USAGE = [
    "usage: npm run plan -- --stack <name> [--set key=value ...] [--json]",
    "",
    "Declares the stack under mocks, with no cloud calls, and prints what it would create.",
    "",
    "  --stack <name>     the stack whose Pulumi.<name>.yaml to read (required)",
    "  --set key=value    override a config value, as `pulumi config set --path` does;",
    "                     keys without a namespace belong to the project, e.g.",
    "                     --set services.notification.canary.weight=25",
    "  --json             print one JSON document instead of text",
    "  --help             print this help",
].join("\n");

interface PlanArgs {
    readonly stack: string | undefined;
    readonly sets: string[];
    readonly json: boolean;
    readonly help: boolean;
}

export function parseArgs(argv: readonly string[]): PlanArgs {
    const args = splitArgs(argv, { values: ["--stack", "--set"], booleans: ["--json", "--help", "-h"], repeatable: ["--set"] });
    if (args.positionals.length > 0) {
        throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    }
    return {
        stack: valueOf(args, "--stack"),
        sets: [...(args.values.get("--set") ?? [])],
        json: args.booleans.has("--json"),
        help: args.booleans.has("--help") || args.booleans.has("-h"),
    };
}

/** Runs the plan command; returns the exit code (0 ok, 1 bad config, 2 bad usage, 3 unreadable stack file). */
export async function main(argv: string[], io: PlanIo, dir?: string): Promise<number> {
    let args: PlanArgs;
    try {
        args = parseArgs(argv);
    } catch (error) {
        if (error instanceof UsageError) {
            io.err(`${error.message}\n${USAGE}`);
            return 2;
        }
        throw error;
    }
    if (args.help) {
        io.out(USAGE);
        return 0;
    }
    if (args.stack === undefined || args.stack === "") {
        const stacks = listStacks(dir);
        io.err(`--stack is required; stacks here: ${stacks.length > 0 ? stacks.join(", ") : "none"}\n${USAGE}`);
        return 2;
    }

    let plan: OfflinePlan;
    let region: string | undefined;
    try {
        const { config } = readStackFile(args.stack, args.sets, dir);
        region = config["aws:region"];
        plan = await planOffline(args.stack, config);
    } catch (error) {
        if (error instanceof StackArgumentError) {
            io.err(`${error.message}\n${USAGE}`);
            return 2;
        }
        if (error instanceof StackFileError) {
            io.err(error.message);
            return 3;
        }
        if (error instanceof ConfigError) {
            io.err([`config errors in stack ${args.stack}:`, ...error.issues.map((issue) => `  ${issue.key}: ${issue.message}`)].join("\n"));
            return 1;
        }
        throw error;
    }
    io.out(args.json ? renderJson(plan) : renderText(plan, region));
    return 0;
}

// ---------------------------------------------------------------------------------------------
// The resource tree

export interface PlanNode {
    readonly resource: DeclaredResource;
    readonly children: PlanNode[];
}

/** The types in a URN, `urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`. */
function urnTypes(urn: string): string[] {
    const nameAt = urn.lastIndexOf("::");
    const typeAt = urn.lastIndexOf("::", nameAt - 1);
    return urn.slice(typeAt + 2, nameAt).split("$");
}

/** A key that tells apart resources of one name: their type and name. */
function nodeKey(type: string, name: string): string {
    return `${type}::${name}`;
}

function compareResources(a: DeclaredResource, b: DeclaredResource): number {
    return a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

/**
 * The resources as a tree under their parents, siblings sorted by name then type. A parent is
 * found by its name and its type, which the child's URN holds just before the child's own type:
 * names alone repeat (a component and its Helm release share one).
 */
export function resourceTree(resources: readonly DeclaredResource[]): PlanNode[] {
    const nodes = new Map<string, PlanNode>();
    for (const resource of resources) {
        nodes.set(nodeKey(resource.type, resource.name), { resource, children: [] });
    }
    const roots: PlanNode[] = [];
    for (const node of nodes.values()) {
        const { resource } = node;
        const types = urnTypes(resource.urn);
        const parentType = types.length < 2 ? undefined : types[types.length - 2];
        const parent = resource.parent === undefined || parentType === undefined ? undefined : nodes.get(nodeKey(parentType, resource.parent));
        (parent?.children ?? roots).push(node);
    }
    const sort = (list: PlanNode[]): void => {
        list.sort((a, b) => compareResources(a.resource, b.resource));
        list.forEach((node) => sort(node.children));
    };
    sort(roots);
    return roots;
}

function flatten(nodes: readonly PlanNode[]): DeclaredResource[] {
    return nodes.flatMap((node) => [node.resource, ...flatten(node.children)]);
}

// ---------------------------------------------------------------------------------------------
// JSON

/** Objects with sorted keys, so that two runs print identical documents. */
function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        return Object.fromEntries(
            Object.keys(record)
                .sort()
                .map((key) => [key, sortKeys(record[key])]),
        );
    }
    return value;
}

export function renderJson(plan: OfflinePlan): string {
    const resources = flatten(resourceTree(plan.resources)).map((resource) => ({
        type: resource.type,
        name: resource.name,
        parent: resource.parent ?? null,
        ...(resource.protect ? { protect: true } : {}),
        ...(resource.retainOnDelete ? { retainOnDelete: true } : {}),
        ...(resource.provider === undefined ? {} : { provider: resource.provider }),
        dependsOn: [...resource.dependsOn].sort(),
        inputs: sortKeys(resource.inputs),
    }));
    return JSON.stringify({ stack: plan.stack, resources, outputs: sortKeys(plan.outputs) }, null, 2);
}

// ---------------------------------------------------------------------------------------------
// Text

/** A short, readable type: `aws rds.Instance`, `k8s apps/v1 Deployment`, `helm Release`. */
export function shortType(type: string): string {
    const [pkg, module = "", kind = ""] = type.split(":");
    if (pkg === "pulumi" && module === "providers") {
        return `provider ${kind}`;
    }
    if (pkg === "kubernetes") {
        if (module.startsWith("helm.sh/")) {
            return `helm ${kind}`;
        }
        return `k8s ${module.startsWith("core/") ? module.slice("core/".length) : module} ${kind}`;
    }
    const group = module.split("/")[0];
    return group === "index" || group === "" ? `${pkg} ${kind}` : `${pkg} ${group}.${kind}`;
}

function at(value: unknown, path: string): unknown {
    let node: unknown = value;
    for (const segment of path.split(".")) {
        if (typeof node !== "object" || node === null) {
            return undefined;
        }
        node = (node as Record<string, unknown>)[segment];
    }
    return node;
}

/** An annotation of a Kubernetes object (their keys hold dots, so `at` cannot reach them). */
function annotation(inputs: Record<string, unknown>, key: string): unknown {
    const annotations = at(inputs, "metadata.annotations");
    return typeof annotations === "object" && annotations !== null ? (annotations as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string {
    if (value === undefined || value === null) {
        return "-";
    }
    return typeof value === "string" ? value : JSON.stringify(value);
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function labels(value: unknown): string {
    return typeof value === "object" && value !== null
        ? Object.entries(value as Record<string, unknown>)
              .map(([key, item]) => `${key}=${text(item)}`)
              .join(",")
        : text(value);
}

/** A JSON document given as text (policies, ALB actions), or undefined when it is not one. */
function parseJson<T>(value: unknown): T | undefined {
    if (typeof value !== "string") {
        return undefined;
    }
    try {
        return JSON.parse(value) as T;
    } catch {
        return undefined;
    }
}

/** Who may assume a role: the OIDC service account `sub`, or the AWS service principals. */
function trust(policyText: unknown): string {
    const policy = parseJson<{ Statement?: unknown }>(policyText);
    const parts = list(policy?.Statement).map((statement) => {
        const condition = at(statement, "Condition.StringEquals");
        const sub =
            typeof condition === "object" && condition !== null ? Object.entries(condition).find(([key]) => key.endsWith(":sub"))?.[1] : undefined;
        if (sub !== undefined) {
            return `OIDC sub ${text(sub)}`;
        }
        const service = at(statement, "Principal.Service");
        return service !== undefined ? `service ${Array.isArray(service) ? service.join(", ") : text(service)}` : text(at(statement, "Principal"));
    });
    return `trust: ${parts.length > 0 ? parts.join("; ") : "-"}`;
}

function policySummary(policyText: unknown): string {
    const statements = list(parseJson<{ Statement?: unknown }>(policyText)?.Statement);
    const actions = statements.flatMap((statement) => {
        const action = at(statement, "Action");
        return Array.isArray(action) ? action : [action];
    });
    const shown = actions.slice(0, 3).map(text).join(", ");
    return `${statements.length} statement${statements.length === 1 ? "" : "s"}, ${actions.length} action${actions.length === 1 ? "" : "s"}: ${shown}${actions.length > 3 ? ", ..." : ""}`;
}

/** `namespace/name` of a Kubernetes object. */
function objectName(inputs: Record<string, unknown>): string {
    const name = text(at(inputs, "metadata.name"));
    const namespace = at(inputs, "metadata.namespace");
    return namespace === undefined ? name : `${text(namespace)}/${name}`;
}

function containers(inputs: Record<string, unknown>): string {
    return list(at(inputs, "spec.template.spec.containers"))
        .map((container) => text(at(container, "image")))
        .join(", ");
}

/** The few inputs that matter for a resource of this type, as short lines. */
export function details(resource: DeclaredResource): string[] {
    const inputs = resource.inputs;
    const get = (path: string): string => text(at(inputs, path));
    switch (resource.type) {
        case "awsx:ec2:Vpc": {
            const subnets = list(inputs.subnetSpecs)
                .map((spec) => `${text(at(spec, "name"))}/${text(at(spec, "cidrMask"))}`)
                .join(" ");
            return [`${get("cidrBlock")}  ${get("numberOfAvailabilityZones")} AZs  NAT ${get("natGateways.strategy")}  subnets ${subnets}`];
        }
        case "eks:index:Cluster": {
            const access = [inputs.endpointPublicAccess === true ? `public from ${list(inputs.publicAccessCidrs).map(text).join(",")}` : undefined, inputs.endpointPrivateAccess === true ? "private" : undefined]
                .filter((part) => part !== undefined)
                .join(" + ");
            return [`${get("name")}  version ${get("version")}  API endpoint ${access || "-"}  auth ${get("authenticationMode")}`];
        }
        case "aws:eks/nodeGroup:NodeGroup":
            return [
                `${list(inputs.instanceTypes).map(text).join(",")} ${get("capacityType")} ${get("amiType")}  nodes min ${get("scalingConfig.minSize")} desired ${get("scalingConfig.desiredSize")} max ${get("scalingConfig.maxSize")}`,
            ];
        case "aws:ec2/launchTemplate:LaunchTemplate": {
            const disk = list(inputs.blockDeviceMappings)[0];
            return [`root ${text(at(disk, "ebs.volumeSize"))} GiB ${text(at(disk, "ebs.volumeType"))} encrypted=${text(at(disk, "ebs.encrypted"))}  IMDS tokens ${get("metadataOptions.httpTokens")} hop limit ${get("metadataOptions.httpPutResponseHopLimit")}`];
        }
        case "aws:rds/instance:Instance":
            return [
                `${get("engine")} ${get("engineVersion")}  ${get("instanceClass")}  multiAz=${get("multiAz")}  deletionProtection=${get("deletionProtection")}  finalSnapshot=${inputs.skipFinalSnapshot === true ? "skip" : "take"}`,
                `storage ${get("allocatedStorage")}..${get("maxAllocatedStorage")} GiB ${get("storageType")} encrypted=${get("storageEncrypted")}  backups ${get("backupRetentionPeriod")} days  public=${get("publiclyAccessible")}  user ${get("username")} password ${get("password")}`,
            ];
        case "aws:rds/subnetGroup:SubnetGroup":
            return [`${list(inputs.subnetIds).length} subnets`];
        case "aws:ec2/securityGroup:SecurityGroup":
            return [get("description")];
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        {
            const ports = inputs.fromPort === undefined ? "all ports" : get("fromPort") === get("toPort") ? get("fromPort") : `${get("fromPort")}-${get("toPort")}`;
            const protocol = inputs.ipProtocol === "-1" ? "all protocols" : get("ipProtocol");
            const source = inputs.referencedSecurityGroupId ?? inputs.cidrIpv4 ?? (inputs.prefixListId === undefined ? undefined : `prefix list ${text(inputs.prefixListId)}`);
            return [`${protocol} ${ports} from ${text(source)}  into ${get("securityGroupId")}`];
        }
        case "aws:iam/role:Role":
            return [trust(inputs.assumeRolePolicy)];
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            return [get("policyArn").replace(/^arn:aws:iam::aws:policy\//, "")];
        case "aws:iam/rolePolicy:RolePolicy":
        case "aws:iam/userPolicy:UserPolicy":
            return [policySummary(inputs.policy)];
        case "random:index/randomPassword:RandomPassword":
            return [`length ${get("length")}`];
        case "pulumi:providers:kubernetes":
            return [`kubeconfig ${get("kubeconfig")}  server-side apply ${get("enableServerSideApply")}`];
        case "kubernetes:helm.sh/v3:Release":
            return [`${get("chart")}@${get("version")}${inputs.repositoryOpts === undefined ? "" : `  from ${get("repositoryOpts.repo")}`}  into ${get("namespace")}`];
        case "kubernetes:apps/v1:Deployment":
            return [
                `${objectName(inputs)}  replicas=${get("spec.replicas")} image=${containers(inputs)}`,
                `preStop sleep ${text(at(list(at(inputs, "spec.template.spec.containers"))[0], "lifecycle.preStop.sleep.seconds"))}s  grace ${get("spec.template.spec.terminationGracePeriodSeconds")}s  rollout ${get("spec.strategy.rollingUpdate.maxSurge")} surge, ${get("spec.strategy.rollingUpdate.maxUnavailable")} unavailable`,
            ];
        case "kubernetes:apps/v1:DaemonSet":
            return [`${objectName(inputs)}  on every node  image=${containers(inputs)}  serviceAccount ${get("spec.template.spec.serviceAccountName")}`];
        case "kubernetes:core/v1:Service": {
            const type = text(at(inputs, "spec.type") ?? "ClusterIP");
            if (type === "ExternalName") {
                return [`${objectName(inputs)}  ExternalName → ${get("spec.externalName")}`];
            }
            const ports = list(at(inputs, "spec.ports"))
                .map((port) => `${text(at(port, "port"))}/${text(at(port, "protocol"))}`)
                .join(",");
            const headless = at(inputs, "spec.clusterIP") === "None" ? " (headless)" : "";
            return [`${objectName(inputs)}  ${type}${headless}  selector ${labels(at(inputs, "spec.selector"))}  ports ${ports}`];
        }
        case "kubernetes:networking.k8s.io/v1:Ingress": {
            const alb = (key: string): string => text(annotation(inputs, `alb.ingress.kubernetes.io/${key}`));
            const rules = list(at(inputs, "spec.rules")).flatMap((rule) =>
                list(at(rule, "http.paths")).map(
                    (path) =>
                        `${text(at(rule, "host") ?? "*")}${text(at(path, "path"))} → ${text(at(path, "backend.service.name"))}:${text(at(path, "backend.service.port.number") ?? at(path, "backend.service.port.name"))}`,
                ),
            );
            const tls = annotation(inputs, "alb.ingress.kubernetes.io/certificate-arn") === undefined
                ? []
                : [`ssl-redirect ${alb("ssl-redirect")}  ssl-policy ${alb("ssl-policy")}  certificate ${alb("certificate-arn")}`];
            return [
                `${objectName(inputs)}  class ${get("spec.ingressClassName")}  ${alb("scheme")}  ${rules.join("  ")}`,
                `listen ${alb("listen-ports")}`,
                ...tls,
                ...forwardActions(inputs),
            ];
        }
        case "kubernetes:networking.k8s.io/v1:IngressClass":
            return [`${objectName(inputs)}  controller ${get("spec.controller")}`];
        case "kubernetes:policy/v1:PodDisruptionBudget": {
            const limit = at(inputs, "spec.maxUnavailable") !== undefined ? `maxUnavailable ${get("spec.maxUnavailable")}` : `minAvailable ${get("spec.minAvailable")}`;
            return [`${objectName(inputs)}  ${limit}  selector ${labels(at(inputs, "spec.selector.matchLabels"))}`];
        }
        case "kubernetes:core/v1:Secret":
            return [`${objectName(inputs)}  ${get("type")}  stringData ${get("stringData")}`];
        case "kubernetes:core/v1:ConfigMap":
            return [`${objectName(inputs)}  keys ${Object.keys((inputs.data as Record<string, unknown> | undefined) ?? {}).join(", ")}`];
        case "kubernetes:core/v1:ServiceAccount":
            return [`${objectName(inputs)}  role ${text(annotation(inputs, "eks.amazonaws.com/role-arn"))}`];
        case "kubernetes:core/v1:Namespace":
            return [`${get("metadata.name")}  labels ${labels(at(inputs, "metadata.labels"))}`];
        case "kubernetes:yaml/v2:ConfigFile":
            return [get("file")];
        case "kubernetes:appmesh.k8s.aws/v1beta2:Mesh":
            return [`${objectName(inputs)}  namespaces ${labels(at(inputs, "spec.namespaceSelector.matchLabels"))}  egress ${get("spec.egressFilter.type")}`];
        case "kubernetes:appmesh.k8s.aws/v1beta2:VirtualNode": {
            const backends = list(at(inputs, "spec.backends")).map((backend) => text(at(backend, "virtualService.virtualServiceRef.name")));
            return [
                `${objectName(inputs)}  pods ${labels(at(inputs, "spec.podSelector.matchLabels"))}  dns ${get("spec.serviceDiscovery.dns.hostname")}${backends.length > 0 ? `  backends ${backends.join(",")}` : ""}`,
            ];
        }
        case "kubernetes:appmesh.k8s.aws/v1beta2:VirtualRouter": {
            const targets = list(at(inputs, "spec.routes")).flatMap((route) =>
                list(at(route, "httpRoute.action.weightedTargets")).map((target) => `${text(at(target, "virtualNodeRef.name"))} ${text(at(target, "weight"))}%`),
            );
            return [`${objectName(inputs)}  weighted ${targets.join(" / ")}`];
        }
        case "kubernetes:appmesh.k8s.aws/v1beta2:VirtualService":
            return [`${objectName(inputs)}  ${get("spec.awsName")} → router ${get("spec.provider.virtualRouter.virtualRouterRef.name")}`];
        case "kubernetes:gateway.networking.k8s.io/v1:GatewayClass":
            return [`${objectName(inputs)}  controller ${get("spec.controllerName")}`];
        case "kubernetes:gateway.networking.k8s.io/v1:Gateway": {
            const listeners = list(at(inputs, "spec.listeners")).map((listener) => `${text(at(listener, "name"))} ${text(at(listener, "protocol"))}:${text(at(listener, "port"))}`);
            return [`${objectName(inputs)}  class ${get("spec.gatewayClassName")}  listeners ${listeners.join(", ")}`];
        }
        case "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute": {
            const backends = list(at(inputs, "spec.rules")).flatMap((rule) =>
                list(at(rule, "backendRefs")).map((ref) => `${text(at(ref, "name"))}:${text(at(ref, "port"))} ${text(at(ref, "weight"))}%`),
            );
            return [`${objectName(inputs)}  hosts ${list(at(inputs, "spec.hostnames")).map(text).join(",")}  weighted ${backends.join(" / ")}`];
        }
        case "kubernetes:flagger.app/v1beta1:Canary": {
            const steps = at(inputs, "spec.analysis.stepWeights") === undefined
                ? `step ${get("spec.analysis.stepWeight")}% up to ${get("spec.analysis.maxWeight")}%`
                : `steps ${list(at(inputs, "spec.analysis.stepWeights")).map(text).join(",")}%`;
            const metrics = list(at(inputs, "spec.analysis.metrics")).map((metric) => {
                const range = at(metric, "thresholdRange") as Record<string, unknown> | undefined;
                const bound = range?.min !== undefined ? `≥ ${text(range.min)}` : `≤ ${text(range?.max)}`;
                const template = at(metric, "templateRef.name");
                return `${text(at(metric, "name"))} ${bound}${template === undefined ? " (builtin)" : ` (template ${text(template)})`}`;
            });
            const webhooks = list(at(inputs, "spec.analysis.webhooks")).map((hook) => `${text(at(hook, "type"))} ${text(at(hook, "name"))}${at(hook, "metadata.cmd") === undefined ? "" : `: ${text(at(hook, "metadata.cmd"))}`}`);
            const alerts = list(at(inputs, "spec.analysis.alerts")).map((alert) => text(at(alert, "providerRef.name")));
            const gateways = list(at(inputs, "spec.service.gatewayRefs")).map((ref) => `${text(at(ref, "namespace"))}/${text(at(ref, "name"))}`);
            return [
                `${objectName(inputs)}  provider ${get("spec.provider")}  target ${get("spec.targetRef.kind")}/${get("spec.targetRef.name")}  port ${get("spec.service.port")}` +
                    (gateways.length > 0 ? `  gateways ${gateways.join(",")}  hosts ${list(at(inputs, "spec.service.hosts")).map(text).join(",")}` : ""),
                `analysis every ${get("spec.analysis.interval")}: ${steps}, rollback after ${get("spec.analysis.threshold")} failed checks`,
                `metrics ${metrics.join(", ")}`,
                ...webhooks.map((hook) => `webhook ${hook}`),
                ...(alerts.length > 0 ? [`alerts → ${alerts.join(", ")}`] : []),
            ];
        }
        case "kubernetes:flagger.app/v1beta1:MetricTemplate": {
            const query = parseJson<{ MetricStat?: { Metric?: { Namespace?: string; MetricName?: string }; Stat?: string } }[]>(at(inputs, "spec.query"));
            const metricsOf = (query ?? []).filter((item) => item.MetricStat !== undefined).map((item) => `${text(item.MetricStat?.Metric?.MetricName)} ${text(item.MetricStat?.Stat)}`);
            return [`${objectName(inputs)}  provider ${get("spec.provider.type")} ${text(at(inputs, "spec.provider.region") ?? "")}  ${metricsOf.length > 0 ? `${text(query?.[1]?.MetricStat?.Metric?.Namespace ?? query?.[0]?.MetricStat?.Metric?.Namespace)} ${metricsOf.join(", ")}` : ""}`];
        }
        case "kubernetes:flagger.app/v1beta1:AlertProvider":
            return [`${objectName(inputs)}  ${get("spec.type")}${at(inputs, "spec.channel") === undefined ? "" : ` channel ${get("spec.channel")}`}  address from Secret ${get("spec.secretRef.name")}`];
        case "kubernetes:application-networking.k8s.aws/v1alpha1:TargetGroupPolicy":
            return [`${objectName(inputs)}  target ${get("spec.targetRef.name")}  health check ${get("spec.healthCheck.path")}`];
        case "aws:vpclattice/serviceNetwork:ServiceNetwork":
            return [`${get("name")}  auth ${get("authType")}`];
        case "aws:vpclattice/serviceNetworkVpcAssociation:ServiceNetworkVpcAssociation":
            return [`vpc ${get("vpcIdentifier")}  security groups ${list(inputs.securityGroupIds).map(text).join(",")}`];
        case "aws:route53/zone:Zone":
            return [`${get("name")}  ${inputs.vpcs === undefined ? "public" : "private to the VPC"}`];
        default:
            return [];
    }
}

/** The weighted forward actions of an ALB Ingress (`alb.ingress.kubernetes.io/actions.<name>`). */
function forwardActions(inputs: Record<string, unknown>): string[] {
    const annotations = (at(inputs, "metadata.annotations") ?? {}) as Record<string, unknown>;
    return Object.entries(annotations)
        .filter(([key]) => key.startsWith("alb.ingress.kubernetes.io/actions."))
        .map(([key, value]) => {
            const action = parseJson<{ forwardConfig?: { targetGroups?: unknown[] } }>(value);
            const groups = list(action?.forwardConfig?.targetGroups).map(
                (group) => `${text(at(group, "serviceName"))}:${text(at(group, "servicePort"))} ${text(at(group, "weight"))}%`,
            );
            return `action ${key.slice("alb.ingress.kubernetes.io/actions.".length)}: forward ${groups.join(" / ")}`;
        });
}

function renderTree(nodes: readonly PlanNode[], indent: string, lines: string[]): void {
    nodes.forEach((node, index) => {
        const last = index === nodes.length - 1;
        const { resource } = node;
        const project = !resource.custom && resource.type.startsWith(`${PROJECT}:`);
        const label = project ? resource.type : shortType(resource.type);
        const flags = [resource.protect ? "[protected]" : "", resource.retainOnDelete ? "[kept on destroy]" : "", !resource.custom && !project ? "(package component)" : ""].filter((flag) => flag !== "");
        lines.push(`${indent}${last ? "└─ " : "├─ "}${label}  ${resource.name}${flags.length > 0 ? "  " + flags.join(" ") : ""}`);
        const inner = indent + (last ? "   " : "│  ");
        const after = resource.dependsOn.length > 0 ? [`after ${resource.dependsOn.join(", ")}`] : [];
        for (const line of [...details(resource), ...after]) {
            lines.push(`${inner}${node.children.length > 0 ? "│  " : "   "}${line}`);
        }
        renderTree(node.children, inner, lines);
    });
}

/** The plan for a person; `region` is the stack's `aws:region`. */
export function renderText(plan: OfflinePlan, region: string | undefined): string {
    const { resources, outputs } = plan;
    const custom = resources.filter((resource) => resource.custom && !resource.type.startsWith("pulumi:providers:"));
    const providers = resources.filter((resource) => resource.type.startsWith("pulumi:providers:"));
    const components = resources.filter((resource) => !resource.custom);
    const packaged = components.filter((resource) => !resource.type.startsWith(`${PROJECT}:`));

    const lines: string[] = [];
    lines.push(`Offline plan of stack ${plan.stack} (under mocks: nothing is read from or sent to AWS or Kubernetes)`);
    lines.push(`  region     ${region ?? "-"}`);
    lines.push(`  router     ${text(outputs.router)}`);
    lines.push(
        `  declares   ${custom.length} resources, ${providers.length} provider${providers.length === 1 ? "" : "s"}, ${components.length} components` +
            (packaged.length > 0 ? ` (${packaged.map((resource) => shortType(resource.type)).join(", ")} add their own resources on deploy)` : ""),
    );
    lines.push("");
    lines.push("Resources");
    renderTree(resourceTree(resources), "", lines);
    lines.push("");
    renderCanary(outputs.canary, lines);
    lines.push("");
    lines.push("Outputs");
    const width = Math.max(0, ...Object.keys(outputs).map((key) => key.length));
    for (const [key, value] of Object.entries(outputs)) {
        lines.push(`  ${key.padEnd(width)}  ${text(value)}`);
    }
    return lines.join("\n");
}

if (require.main === module) {
    // A reader that stops early (`| head`) is not an error.
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE") {
            process.exit(0);
        }
        throw error;
    });
    main(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            console.error(error);
            process.exitCode = 1;
        },
    );
}
