/**
 * A canaried service's CloudWatch dashboard (stable and canary side by side, and the public
 * ingress) and its alarms per version, and the public ingress's alarms once per stack, from the
 * router's health definition and the shared thresholds (./monitoring.ts builds both as data).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isUnsupported, RouterHealth, Unsupported, Version } from "../routers/plugin";
import { HealthMetrics, HealthThresholds, VersionTarget } from "./health";
import { ALARM_WINDOW, dashboardBody, healthAlarms, MonitoredSubject } from "./monitoring";

/** The app's public ALB, in front of the user-management app: on every dashboard, with alarms of its own. */
export interface PublicIngress {
    readonly health: HealthMetrics;
    readonly target: pulumi.Output<VersionTarget>;
}

const PUBLIC_INGRESS = { title: "public ingress", id: "ingress", label: "usermgmt" } as const;

function publicSubject(ingress: PublicIngress): pulumi.Output<MonitoredSubject> {
    return ingress.target.apply((target) => ({ title: PUBLIC_INGRESS.title, health: ingress.health, targets: [{ id: PUBLIC_INGRESS.id, label: PUBLIC_INGRESS.label, target }] }));
}

interface AlarmArgs {
    readonly thresholds: HealthThresholds;
    /** The alarms' SNS topic; none: alarms without actions. */
    readonly alarmTopicArn?: pulumi.Output<string>;
    readonly tags?: Record<string, string>;
}

export interface CanaryMonitorArgs extends AlarmArgs {
    /** The CloudWatch names' prefix (the cluster's name), unique per stack in an account. */
    readonly prefix: string;
    readonly service: string;
    readonly router: string;
    readonly region: string;
    readonly weight: number;
    /** The versions that run: v1, and v2 with a canary. */
    readonly versions: readonly Version[];
    readonly health: RouterHealth | Unsupported;
    /** Where each version's metrics are (unused when the router has no health). */
    readonly located: pulumi.Output<Partial<Record<Version, VersionTarget>>>;
    readonly publicIngress: PublicIngress;
}

const VERSION_LABELS: Record<Version, string> = { v1: "stable v1", v2: "canary v2" };

export class CanaryMonitor extends pulumi.ComponentResource {
    public readonly dashboardName: string;
    public readonly dashboardUrl: string;

    constructor(name: string, args: CanaryMonitorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:canary:CanaryMonitor", name, {}, opts);
        this.dashboardName = `${args.prefix}-${args.service}`;
        // The console's dashboard link (the aws partition's console).
        this.dashboardUrl = `https://${args.region}.console.aws.amazon.com/cloudwatch/home?region=${args.region}#dashboards/dashboard/${this.dashboardName}`;
        const health = args.health;
        const targets = args.versions.map((version) => ({ id: version, label: VERSION_LABELS[version] }));
        const measured = isUnsupported(health)
            ? undefined
            : args.located.apply((found): MonitoredSubject => ({
                  title: args.service,
                  health: health.metrics,
                  targets: targets.map((target) => ({ ...target, target: found[target.id] ?? { targetGroup: "" } })),
              }));
        new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                dashboardName: this.dashboardName,
                dashboardBody: pulumi.all([measured ?? pulumi.output(undefined), publicSubject(args.publicIngress)]).apply(([versions, publicIngress]) =>
                    dashboardBody({
                        service: args.service,
                        router: args.router,
                        region: args.region,
                        weight: args.weight,
                        hasCanary: args.versions.includes("v2"),
                        thresholds: args.thresholds,
                        versions: versions ?? { unsupported: isUnsupported(health) ? health.unsupported : "" },
                        publicIngress,
                    }),
                ),
            },
            { parent: this },
        );
        if (measured !== undefined && !isUnsupported(health)) {
            declareHealthAlarms(name, `${this.dashboardName}-`, { title: args.service, health: health.metrics, targets }, measured, args, this);
        }
        this.registerOutputs({ dashboardName: this.dashboardName, dashboardUrl: this.dashboardUrl });
    }
}

/**
 * The alarms of a subject's targets: their names, descriptions and thresholds are known now
 * (`names`), their dimension values once `subject` resolves.
 */
function declareHealthAlarms(
    name: string,
    namePrefix: string,
    names: { readonly title: string; readonly health: HealthMetrics; readonly targets: readonly { readonly id: string; readonly label: string }[] },
    subject: pulumi.Output<MonitoredSubject>,
    args: AlarmArgs,
    parent: pulumi.Resource,
): void {
    const specs = healthAlarms({ ...names, targets: names.targets.map((target) => ({ ...target, target: { targetGroup: "" } })) }, args.thresholds);
    const measuredSpecs = subject.apply((measured) => healthAlarms(measured, args.thresholds));
    for (const spec of specs) {
        const queries = measuredSpecs.apply((measured) => (measured.find((alarm) => alarm.name === spec.name)?.metricQueries ?? []).map((query) => ({ ...query })));
        new aws.cloudwatch.MetricAlarm(
            `${name}-${spec.name}`,
            {
                name: `${namePrefix}${spec.name}`,
                alarmDescription: spec.description,
                comparisonOperator: spec.comparison,
                threshold: spec.threshold,
                evaluationPeriods: ALARM_WINDOW.evaluationPeriods,
                datapointsToAlarm: ALARM_WINDOW.datapointsToAlarm,
                treatMissingData: ALARM_WINDOW.treatMissingData,
                metricQueries: queries,
                ...(args.alarmTopicArn === undefined ? {} : { alarmActions: [args.alarmTopicArn], okActions: [args.alarmTopicArn] }),
                tags: args.tags,
            },
            { parent },
        );
    }
}

export interface PublicIngressAlarmsArgs extends AlarmArgs {
    readonly prefix: string;
    readonly publicIngress: PublicIngress;
}

/** The public ALB's alarms, once per stack: the app's own entry, whatever the router measures. */
export class PublicIngressAlarms extends pulumi.ComponentResource {
    constructor(name: string, args: PublicIngressAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:canary:PublicIngressAlarms", name, {}, opts);
        const names = { title: PUBLIC_INGRESS.title, health: args.publicIngress.health, targets: [{ id: PUBLIC_INGRESS.id, label: PUBLIC_INGRESS.label }] };
        declareHealthAlarms(name, `${args.prefix}-public-`, names, publicSubject(args.publicIngress), args, this);
        this.registerOutputs({});
    }
}
