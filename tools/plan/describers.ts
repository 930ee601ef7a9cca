/**
 * What the offline plan prints under each resource: the few inputs that matter for its type, as
 * short lines. One table by type token; the routers bring the describers of their own types
 * (their plug-ins' `describers`); the Ingress describer shows the forward actions of any ALB
 * Ingress, the app's and the alb router's alike.
 */
import { describeMatch } from "../../infra/canary/release-controls";
import { RESOURCE_TYPES as T } from "../../infra/resource-types";
import { annotations, at, labels, list, objectName, parseJson, Props, text } from "../../infra/props";
import { ROUTER_PLUGINS } from "../../infra/routers/registry";
import type { DeclaredResource } from "../offline";

/** The describer of one type: `get` reads a dotted path as text. */
type Describer = (inputs: Props, get: (path: string) => string) => string[];

/** Who may assume a role: the OIDC service account `sub`, or the AWS service principals. */
function trust(policyText: unknown): string {
    const policy = parseJson<{ Statement?: unknown }>(policyText);
    const parts = list(policy?.Statement).map((statement) => {
        const condition = at(statement, "Condition.StringEquals");
        const sub = typeof condition === "object" && condition !== null ? Object.entries(condition).find(([key]) => key.endsWith(":sub"))?.[1] : undefined;
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

function containers(inputs: Props): string {
    return list(at(inputs, "spec.template.spec.containers"))
        .map((container) => text(at(container, "image")))
        .join(", ");
}

/** The weighted forward actions of an ALB Ingress (`alb.ingress.kubernetes.io/actions.<name>`). */
function forwardActions(inputs: Props): string[] {
    const all = annotations(inputs);
    return Object.entries(all)
        .filter(([key]) => key.startsWith("alb.ingress.kubernetes.io/actions."))
        .map(([key, value]) => {
            const name = key.slice("alb.ingress.kubernetes.io/actions.".length);
            const action = parseJson<{ forwardConfig?: { targetGroups?: unknown[]; targetGroupStickinessConfig?: { durationSeconds?: unknown } } }>(value);
            const groups = list(action?.forwardConfig?.targetGroups).map(
                (group) => `${text(at(group, "serviceName"))}:${text(at(group, "servicePort"))} ${text(at(group, "weight"))}%`,
            );
            const sticky = action?.forwardConfig?.targetGroupStickinessConfig;
            const conditions = list(parseJson(all[`alb.ingress.kubernetes.io/conditions.${name}`] ?? "[]")).map((condition) => {
                const header = at(condition, "httpHeaderConfig");
                const regex = at(header, "regexValues");
                return describeMatch({
                    header: text(at(header, "httpHeaderName")),
                    value: list(regex ?? at(header, "values"))
                        .map(text)
                        .join("|"),
                    type: regex === undefined ? "exact" : "regex",
                });
            });
            return (
                `action ${name}: ${conditions.length === 0 ? "" : `when ${conditions.join(" and ")} `}forward ${groups.join(" / ")}` +
                (sticky === undefined ? "" : `  sticky ${text(sticky.durationSeconds)}s`)
            );
        });
}

/** The ALB Ingress of the app and of the alb router alike. */
const ingress: Describer = (inputs, get) => {
    const alb = (key: string): string => text(annotations(inputs)[`alb.ingress.kubernetes.io/${key}`]);
    const rules = list(at(inputs, "spec.rules")).flatMap((rule) =>
        list(at(rule, "http.paths")).map(
            (path) =>
                `${text(at(rule, "host") ?? "*")}${text(at(path, "path"))} → ${text(at(path, "backend.service.name"))}:${text(at(path, "backend.service.port.number") ?? at(path, "backend.service.port.name"))}`,
        ),
    );
    const tls =
        annotations(inputs)["alb.ingress.kubernetes.io/certificate-arn"] === undefined
            ? []
            : [`ssl-redirect ${alb("ssl-redirect")}  ssl-policy ${alb("ssl-policy")}  certificate ${alb("certificate-arn")}`];
    return [
        `${objectName(inputs)}  class ${get("spec.ingressClassName")}  ${alb("scheme")}  ${rules.join("  ")}`,
        `listen ${alb("listen-ports")}`,
        ...tls,
        ...forwardActions(inputs),
    ];
};

/** Flagger's Canary: the analysis a release goes through. */
const canary: Describer = (inputs, get) => {
    const steps =
        at(inputs, "spec.analysis.stepWeights") === undefined
            ? `step ${get("spec.analysis.stepWeight")}% up to ${get("spec.analysis.maxWeight")}%`
            : `steps ${list(at(inputs, "spec.analysis.stepWeights")).map(text).join(",")}%`;
    const metrics = list(at(inputs, "spec.analysis.metrics")).map((metric) => {
        const range = at(metric, "thresholdRange") as Record<string, unknown> | undefined;
        const bound = range?.min !== undefined ? `≥ ${text(range.min)}` : `≤ ${text(range?.max)}`;
        const template = at(metric, "templateRef.name");
        return `${text(at(metric, "name"))} ${bound}${template === undefined ? " (builtin)" : ` (template ${text(template)})`}`;
    });
    const webhooks = list(at(inputs, "spec.analysis.webhooks")).map(
        (hook) => `${text(at(hook, "type"))} ${text(at(hook, "name"))}${at(hook, "metadata.cmd") === undefined ? "" : `: ${text(at(hook, "metadata.cmd"))}`}`,
    );
    const alerts = list(at(inputs, "spec.analysis.alerts")).map((alert) => text(at(alert, "providerRef.name")));
    const refs = list(at(inputs, "spec.service.gatewayRefs"));
    const parents = refs.map(
        (ref) => `${text(at(ref, "kind") ?? "Gateway")} ${text(at(ref, "namespace"))}/${text(at(ref, "name"))}${at(ref, "port") === undefined ? "" : `:${text(at(ref, "port"))}`}`,
    );
    const hosts = list(at(inputs, "spec.service.hosts")).map(text);
    const target = get("spec.targetRef.name");
    // What Flagger writes on the gatewayapi provider: its HTTPRoute, named after the target, at rest all on the primary.
    const route =
        refs.length === 0
            ? []
            : [
                  `Flagger writes HTTPRoute ${target}: parent ${parents.join(",")}${hosts.length === 0 ? "" : `  hosts ${hosts.join(",")}`}  weighted ${target}-primary 100% / ${target}-canary 0% at rest`,
              ];
    return [
        `${objectName(inputs)}  provider ${get("spec.provider")}  target ${get("spec.targetRef.kind")}/${target}  port ${get("spec.service.port")}`,
        ...route,
        `analysis every ${get("spec.analysis.interval")}: ${steps}, rollback after ${get("spec.analysis.threshold")} failed checks`,
        `metrics ${metrics.join(", ")}`,
        ...webhooks.map((hook) => `webhook ${hook}`),
        ...(alerts.length > 0 ? [`alerts → ${alerts.join(", ")}`] : []),
    ];
};

/** A Flagger MetricTemplate: its provider and the CloudWatch metrics its query reads, or its Prometheus and PromQL. */
const metricTemplate: Describer = (inputs, get) => {
    if (at(inputs, "spec.provider.type") === "prometheus") {
        return [`${objectName(inputs)}  provider prometheus ${get("spec.provider.address")}`, `query ${get("spec.query")}`];
    }
    const query = parseJson<{ MetricStat?: { Metric?: { Namespace?: string; MetricName?: string }; Stat?: string } }[]>(at(inputs, "spec.query"));
    const metricsOf = (query ?? []).filter((item) => item.MetricStat !== undefined).map((item) => `${text(item.MetricStat?.Metric?.MetricName)} ${text(item.MetricStat?.Stat)}`);
    const namespace = text(query?.[1]?.MetricStat?.Metric?.Namespace ?? query?.[0]?.MetricStat?.Metric?.Namespace);
    return [
        `${objectName(inputs)}  provider ${get("spec.provider.type")} ${text(at(inputs, "spec.provider.region") ?? "")}  ${metricsOf.length > 0 ? `${namespace} ${metricsOf.join(", ")}` : ""}`,
    ];
};

const CORE: Readonly<Record<string, Describer>> = {
    [T.vpc]: (inputs, get) => {
        const subnets = list(inputs.subnetSpecs)
            .map((spec) => `${text(at(spec, "name"))}/${text(at(spec, "cidrMask"))}`)
            .join(" ");
        return [`${get("cidrBlock")}  ${get("numberOfAvailabilityZones")} AZs  NAT ${get("natGateways.strategy")}  subnets ${subnets}`];
    },
    [T.eksCluster]: (inputs, get) => {
        const access = [
            inputs.endpointPublicAccess === true ? `public from ${list(inputs.publicAccessCidrs).map(text).join(",")}` : undefined,
            inputs.endpointPrivateAccess === true ? "private" : undefined,
        ]
            .filter((part) => part !== undefined)
            .join(" + ");
        return [`${get("name")}  version ${get("version")}  API endpoint ${access || "-"}  auth ${get("authenticationMode")}`];
    },
    [T.nodeGroup]: (inputs, get) => [
        `${list(inputs.instanceTypes).map(text).join(",")} ${get("capacityType")} ${get("amiType")}  nodes min ${get("scalingConfig.minSize")} desired ${get("scalingConfig.desiredSize")} max ${get("scalingConfig.maxSize")}`,
    ],
    [T.launchTemplate]: (inputs, get) => {
        const disk = list(inputs.blockDeviceMappings)[0];
        return [
            `root ${text(at(disk, "ebs.volumeSize"))} GiB ${text(at(disk, "ebs.volumeType"))} encrypted=${text(at(disk, "ebs.encrypted"))}  IMDS tokens ${get("metadataOptions.httpTokens")} hop limit ${get("metadataOptions.httpPutResponseHopLimit")}`,
        ];
    },
    [T.dashboard]: (inputs, get) => {
        const widgets = list(parseJson<{ widgets?: unknown }>(inputs.dashboardBody)?.widgets);
        const titles = widgets.map((widget) => at(widget, "properties.title")).filter((title) => title !== undefined);
        return [`${get("dashboardName")}  ${widgets.length} widgets: ${titles.map(text).join("; ")}`];
    },
    [T.metricAlarm]: (inputs, get) => {
        const queries = list(inputs.metricQueries);
        const returned = queries.find((query) => at(query, "returnData") === true);
        const shown = at(returned, "expression") ?? `${text(at(returned, "metric.metricName"))} ${text(at(returned, "metric.stat"))}`;
        const metrics = queries.filter((query) => at(query, "metric") !== undefined).map((query) => text(at(query, "metric.metricName")));
        const dimensions = Object.entries((at(queries[0], "metric.dimensions") as Record<string, unknown> | undefined) ?? {}).map(([name, value]) => `${name}=${text(value)}`);
        return [
            `${get("name")}  ${text(shown)} ${inputs.comparisonOperator === "LessThanThreshold" ? "<" : ">"} ${get("threshold")} in ${get("datapointsToAlarm")} of ${get("evaluationPeriods")} minutes  actions ${list(inputs.alarmActions).length > 0 ? list(inputs.alarmActions).map(text).join(",") : "none"}`,
            `metrics ${[...new Set(metrics)].join(", ")}  by ${dimensions.join(" ")}`,
        ];
    },
    [T.snsTopic]: (_inputs, get) => [get("name")],
    [T.snsSubscription]: (_inputs, get) => [`${get("protocol")} ${get("endpoint")}`],
    [T.rdsInstance]: (inputs, get) => [
        `${get("engine")} ${get("engineVersion")}  ${get("instanceClass")}  multiAz=${get("multiAz")}  deletionProtection=${get("deletionProtection")}  finalSnapshot=${inputs.skipFinalSnapshot === true ? "skip" : "take"}`,
        `storage ${get("allocatedStorage")}..${get("maxAllocatedStorage")} GiB ${get("storageType")} encrypted=${get("storageEncrypted")}  backups ${get("backupRetentionPeriod")} days  public=${get("publiclyAccessible")}  user ${get("username")} password ${get("password")}`,
    ],
    [T.rdsSubnetGroup]: (inputs) => [`${list(inputs.subnetIds).length} subnets`],
    [T.securityGroup]: (_inputs, get) => [get("description")],
    [T.ingressRule]: (inputs, get) => {
        const ports = inputs.fromPort === undefined ? "all ports" : get("fromPort") === get("toPort") ? get("fromPort") : `${get("fromPort")}-${get("toPort")}`;
        const protocol = inputs.ipProtocol === "-1" ? "all protocols" : get("ipProtocol");
        const source = inputs.referencedSecurityGroupId ?? inputs.cidrIpv4 ?? (inputs.prefixListId === undefined ? undefined : `prefix list ${text(inputs.prefixListId)}`);
        return [`${protocol} ${ports} from ${text(source)}  into ${get("securityGroupId")}`];
    },
    [T.role]: (inputs) => [trust(inputs.assumeRolePolicy)],
    [T.rolePolicyAttachment]: (_inputs, get) => [get("policyArn").replace(/^arn:aws:iam::aws:policy\//, "")],
    [T.rolePolicy]: (inputs) => [policySummary(inputs.policy)],
    [T.userPolicy]: (inputs) => [policySummary(inputs.policy)],
    [T.randomPassword]: (_inputs, get) => [`length ${get("length")}`],
    [T.tlsPrivateKey]: (_inputs, get) => [`${get("algorithm")} ${get("ecdsaCurve")}`],
    [T.tlsSelfSignedCert]: (_inputs, get) => [`CN ${get("subject.commonName")}  CA=${get("isCaCertificate")}  valid ${get("validityPeriodHours")} h`],
    [T.tlsCertRequest]: (_inputs, get) => [`CN ${get("subject.commonName")}`],
    [T.tlsLocallySignedCert]: (_inputs, get) => [`CA=${get("isCaCertificate")}  valid ${get("validityPeriodHours")} h, re-issued ${get("earlyRenewalHours")} h before it expires`],
    [T.kubernetesProvider]: (inputs, get) => [
        `kubeconfig ${inputs.kubeconfig === undefined ? "default ($KUBECONFIG or ~/.kube/config)" : get("kubeconfig")}${inputs.context === undefined ? "" : `  context ${get("context")}`}  server-side apply ${get("enableServerSideApply")}`,
    ],
    [T.helmRelease]: (inputs, get) => [
        `${get("chart")}@${get("version")}${inputs.repositoryOpts === undefined ? "" : `  from ${get("repositoryOpts.repo")}`}  into ${get("namespace")}`,
    ],
    [T.deployment]: (inputs, get) => [
        `${objectName(inputs)}  replicas=${get("spec.replicas")} image=${containers(inputs)}`,
        [
            ...(at(list(at(inputs, "spec.template.spec.containers"))[0], "lifecycle.preStop.sleep.seconds") === undefined
                ? []
                : [`preStop sleep ${text(at(list(at(inputs, "spec.template.spec.containers"))[0], "lifecycle.preStop.sleep.seconds"))}s`]),
            ...(at(inputs, "spec.template.spec.terminationGracePeriodSeconds") === undefined ? [] : [`grace ${get("spec.template.spec.terminationGracePeriodSeconds")}s`]),
            `rollout ${get("spec.strategy.rollingUpdate.maxSurge")} surge, ${get("spec.strategy.rollingUpdate.maxUnavailable")} unavailable`,
        ].join("  "),
    ],
    [T.daemonSet]: (inputs, get) => [`${objectName(inputs)}  on every node  image=${containers(inputs)}  serviceAccount ${get("spec.template.spec.serviceAccountName")}`],
    [T.service]: (inputs, get) => {
        const type = text(at(inputs, "spec.type") ?? "ClusterIP");
        if (type === "ExternalName") {
            return [`${objectName(inputs)}  ExternalName → ${get("spec.externalName")}`];
        }
        const ports = list(at(inputs, "spec.ports"))
            .map((port) => `${text(at(port, "port"))}/${text(at(port, "protocol"))}${at(port, "nodePort") === undefined ? "" : ` on node port ${text(at(port, "nodePort"))}`}`)
            .join(",");
        const headless = at(inputs, "spec.clusterIP") === "None" ? " (headless)" : "";
        return [`${objectName(inputs)}  ${type}${headless}  selector ${labels(at(inputs, "spec.selector"))}  ports ${ports}`];
    },
    [T.ingress]: ingress,
    [T.ingressClass]: (inputs, get) => [`${objectName(inputs)}  controller ${get("spec.controller")}`],
    [T.pdb]: (inputs, get) => {
        const limit = at(inputs, "spec.maxUnavailable") !== undefined ? `maxUnavailable ${get("spec.maxUnavailable")}` : `minAvailable ${get("spec.minAvailable")}`;
        return [`${objectName(inputs)}  ${limit}  selector ${labels(at(inputs, "spec.selector.matchLabels"))}`];
    },
    [T.secret]: (inputs, get) => [`${objectName(inputs)}  ${get("type")}  stringData ${get("stringData")}`],
    [T.configMap]: (inputs) => [`${objectName(inputs)}  keys ${Object.keys((inputs.data as Record<string, unknown> | undefined) ?? {}).join(", ")}`],
    [T.serviceAccount]: (inputs) => [`${objectName(inputs)}  role ${text(annotations(inputs)["eks.amazonaws.com/role-arn"])}`],
    [T.namespace]: (inputs, get) => [
        `${get("metadata.name")}  labels ${labels(at(inputs, "metadata.labels"))}${at(inputs, "metadata.annotations") === undefined ? "" : `  annotations ${labels(at(inputs, "metadata.annotations"))}`}`,
    ],
    [T.statefulSet]: (inputs, get) => {
        const claim = list(at(inputs, "spec.volumeClaimTemplates"))[0];
        return [
            `${objectName(inputs)}  replicas=${get("spec.replicas")} image=${containers(inputs)}  volume ${text(at(claim, "spec.resources.requests.storage"))} ${list(at(claim, "spec.accessModes")).map(text).join(",")}  claims kept on delete/scale: ${get("spec.persistentVolumeClaimRetentionPolicy.whenDeleted")}`,
        ];
    },
    [T.configFile]: (_inputs, get) => [get("file")],
    [T.canary]: canary,
    [T.metricTemplate]: metricTemplate,
    [T.alertProvider]: (inputs, get) => [
        `${objectName(inputs)}  ${get("spec.type")}${at(inputs, "spec.channel") === undefined ? "" : ` channel ${get("spec.channel")}`}  address from Secret ${get("spec.secretRef.name")}`,
    ],
    [T.hostedZone]: (inputs, get) => [`${get("name")}  ${inputs.vpcs === undefined ? "public" : "private to the VPC"}`],
};

/** Every describer: the stack's own types, then each router's. */
const DESCRIBERS: Readonly<Record<string, Describer>> = Object.assign({}, CORE, ...ROUTER_PLUGINS.map((plugin) => plugin.describers));

/** The few inputs that matter for a resource of this type, as short lines. */
export function details(resource: DeclaredResource): string[] {
    const describe = DESCRIBERS[resource.type];
    return describe === undefined ? [] : describe(resource.inputs, (path) => text(at(resource.inputs, path)));
}
