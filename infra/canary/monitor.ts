/**
 * A canaried service's CloudWatch dashboard (stable and canary side by side, and the public
 * ingress) and its alarms per version, from the router's health definition and the shared
 * thresholds (./monitoring.ts builds both as plain data).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isUnsupported, RouterHealth, Unsupported, Version } from "../routers/plugin";
import { HealthMetrics, HealthThresholds, VersionTarget } from "./health";
import { ALARM_WINDOW, dashboardBody, healthAlarms, MonitoredSubject } from "./monitoring";

export interface CanaryMonitorArgs {
    /** The CloudWatch names' prefix (the cluster's name), unique per stack in an account. */
    readonly prefix: string;
    readonly service: string;
    readonly router: string;
    readonly region: string;
    readonly weight: number;
    readonly hasCanary: boolean;
    readonly thresholds: HealthThresholds;
    readonly health: RouterHealth | Unsupported;
    /** Where each version's metrics are (ignored when the router has no health). */
    readonly versions: pulumi.Output<Partial<Record<Version, VersionTarget>>>;
    /** The public ALB's target group and load balancer, and their health metrics. */
    readonly publicIngress: { readonly health: RouterHealth["metrics"]; readonly target: pulumi.Output<VersionTarget> };
    /** The alarms' SNS topic; none: alarms without actions. */
    readonly alarmTopicArn?: pulumi.Output<string>;
    readonly tags?: Record<string, string>;
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
        const versions = pulumi.output(args.versions).apply((found): MonitoredSubject | undefined =>
            isUnsupported(health)
                ? undefined
                : {
                      title: args.service,
                      health: health.metrics,
                      targets: (Object.entries(found) as [Version, VersionTarget][]).map(([version, target]) => ({ id: version, label: VERSION_LABELS[version], target })),
                  },
        );
        const publicIngress = args.publicIngress.target.apply((target): MonitoredSubject => ({
            title: "public ingress",
            health: args.publicIngress.health,
            targets: [{ id: "public", label: "usermgmt", target }],
        }));
        new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                dashboardName: this.dashboardName,
                dashboardBody: pulumi.all([versions, publicIngress]).apply(([measured, ingress]) =>
                    dashboardBody({
                        service: args.service,
                        router: args.router,
                        region: args.region,
                        weight: args.weight,
                        hasCanary: args.hasCanary,
                        thresholds: args.thresholds,
                        versions: measured ?? { unsupported: isUnsupported(health) ? health.unsupported : "" },
                        publicIngress: ingress,
                    }),
                ),
            },
            { parent: this },
        );
        if (!isUnsupported(health)) {
            const ids: Version[] = args.hasCanary ? ["v1", "v2"] : ["v1"];
            const names = { title: args.service, targets: ids.map((id) => ({ id, label: VERSION_LABELS[id] })) };
            declareHealthAlarms(
                name,
                `${this.dashboardName}-`,
                health.metrics,
                names,
                versions.apply((measured) => measured as MonitoredSubject),
                args,
                this,
            );
        }
        this.registerOutputs({ dashboardName: this.dashboardName, dashboardUrl: this.dashboardUrl });
    }
}

/** The alarms of a subject's targets, whose names are known now and whose dimension values come later. */
function declareHealthAlarms(
    name: string,
    namePrefix: string,
    health: HealthMetrics,
    names: { readonly title: string; readonly targets: readonly { readonly id: string; readonly label: string }[] },
    subject: pulumi.Output<MonitoredSubject>,
    args: { readonly thresholds: HealthThresholds; readonly alarmTopicArn?: pulumi.Output<string>; readonly tags?: Record<string, string> },
    parent: pulumi.Resource,
): void {
    // The specs with empty dimension values: their names, descriptions and thresholds only.
    const specs = healthAlarms({ ...names, health, targets: names.targets.map((target) => ({ ...target, target: { targetGroup: "" } })) }, args.thresholds);
    for (const spec of specs) {
        const queries = subject.apply((measured) =>
            (healthAlarms(measured, args.thresholds).find((alarm) => alarm.name === spec.name)?.metricQueries ?? []).map((query) => ({ ...query })),
        );
        new aws.cloudwatch.MetricAlarm(
            `${name}-${spec.name}`,
            {
                name: `${namePrefix}${spec.name}`,
                alarmDescription: spec.description,
                comparisonOperator: "GreaterThanThreshold",
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

export interface PublicIngressAlarmsArgs {
    readonly prefix: string;
    readonly health: HealthMetrics;
    readonly target: pulumi.Output<VersionTarget>;
    readonly thresholds: HealthThresholds;
    readonly alarmTopicArn?: pulumi.Output<string>;
    readonly tags?: Record<string, string>;
}

/** The public ALB's alarms, once per stack: the app's own entry, whatever the router measures. */
export class PublicIngressAlarms extends pulumi.ComponentResource {
    constructor(name: string, args: PublicIngressAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:canary:PublicIngressAlarms", name, {}, opts);
        const names = { title: "public ingress", targets: [{ id: "ingress", label: "usermgmt" }] };
        const subject = args.target.apply((target): MonitoredSubject => ({ ...names, health: args.health, targets: [{ ...names.targets[0], target }] }));
        declareHealthAlarms(name, `${args.prefix}-public-`, args.health, names, subject, args, this);
        this.registerOutputs({});
    }
}
