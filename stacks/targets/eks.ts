/**
 * A stack on EKS (`cluster.kind: eks`): the composition of what it creates in AWS around the apps
 * (../apps.ts) and how their outputs wire together. It takes a validated config and reads nothing else.
 */
import * as pulumi from "@pulumi/pulumi";
import { AccessLogBucket } from "../../infra/accesslogs";
import { ExternalDns } from "../../infra/addons/external-dns";
import { NO_TRACING, Tracing } from "../../infra/addons/tracing";
import { LBC_READINESS_GATE_LABEL, LoadBalancerController } from "../../infra/addons/load-balancer-controller";
import { ALB_HEALTH } from "../../infra/addons/load-balancer-controller/health";
import { AlarmTopic } from "../../infra/alarm-topic";
import { HEALTH_THRESHOLDS } from "../../infra/canary/health";
import { locateIngress, locateVersions } from "../../infra/canary/locate";
import { CanaryMonitor, PublicIngressAlarms } from "../../infra/canary/monitor";
import { ALB_DRAINING } from "../../infra/draining";
import { isUnsupported, Version } from "../../infra/routers/plugin";
import { routerPlugin } from "../../infra/routers/registry";
import { CanaryService } from "../../infra/canary/service";
import { Cluster } from "../../infra/cluster";
import { Database } from "../../infra/database";
import { AppIngress, loadBalancerName } from "../../infra/ingress";
import { Mail } from "../../infra/mail";
import { USERMGMT } from "../../infra/names";
import { Network } from "../../infra/network";
import { EKS_ADDONS } from "../../infra/versions";
import { declareAppNamespace, declareApps, stackTags } from "../apps";
import type { EksStackConfig } from "../config";
import type { StackOutputs } from "../outputs";

/** The app's public Ingress, by Pulumi and Kubernetes name. */
const APP_INGRESS = "app-ingress";

/** A stack on EKS: the VPC, the cluster, RDS, the controllers, tracing and mail, the apps, the public ALB and the monitoring. */
export function declareEksStack(config: EksStackConfig): StackOutputs {
    const tags = stackTags(config);
    const network = new Network("network", {
        cidrBlock: config.network.cidrBlock,
        availabilityZones: config.network.availabilityZones,
        natGateways: config.network.natGateways,
        clusterName: config.cluster.name,
        tags,
    });

    const cluster = new Cluster("cluster", {
        clusterName: config.cluster.name,
        kubernetesVersion: config.cluster.kubernetesVersion,
        region: config.region,
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        instanceTypes: config.cluster.instanceTypes,
        nodes: config.cluster.nodes,
        nodeDiskGiB: config.cluster.nodeDiskGiB,
        publicAccessCidrs: config.cluster.publicAccessCidrs,
        adminPrincipalArns: config.cluster.adminPrincipalArns,
        previewPrincipalArns: config.deployer.previewRoleArns,
        addons: EKS_ADDONS[config.cluster.kubernetesVersion],
        tags,
    });
    const k8sProvider = cluster.provider;

    const namespace = declareAppNamespace(config, k8sProvider, LBC_READINESS_GATE_LABEL);
    const namespaceName = namespace.metadata.name;

    const database = new Database("database", {
        identifier: `${config.cluster.name}-usermgmt`,
        region: config.region,
        keyAdminArns: config.cluster.adminPrincipalArns,
        vpcId: network.vpcId,
        subnetIds: network.isolatedSubnetIds,
        clientSecurityGroupId: cluster.nodeSecurityGroupId,
        ...config.database,
        namespace: namespaceName,
        k8sProvider,
        tags,
    });

    const loadBalancers = new LoadBalancerController("aws-load-balancer-controller", {
        clusterName: cluster.clusterName,
        region: config.region,
        vpcId: network.vpcId,
        oidcProvider: cluster.oidcProvider,
        k8sProvider,
        tags,
    });

    new ExternalDns("external-dns", {
        region: config.region,
        hostedZoneId: config.hostedZoneId,
        domain: config.domain,
        ownerId: config.cluster.name,
        oidcProvider: cluster.oidcProvider,
        k8sProvider,
        tags,
    });

    // Cluster infrastructure, like the other node agents: outside the app namespace (and any mesh).
    const tracing =
        config.tracing === "none"
            ? NO_TRACING
            : new Tracing("xray", {
                  backend: config.tracing,
                  namespace: "kube-system",
                  namespaceName: "kube-system",
                  region: config.region,
                  oidcProvider: cluster.oidcProvider,
                  k8sProvider,
                  tags,
              });

    // parseStackConfig requires the sender when a service sends mail.
    const mail =
        config.mail !== undefined && config.services.some((service) => service.smtp)
            ? new Mail("mail", { region: config.region, fromAddress: config.mail.fromAddress, namespace: namespaceName, k8sProvider, tags })
            : undefined;

    const { services, splits, usermgmt } = declareApps(config, {
        k8sProvider,
        namespace,
        aws: {
            router: {
                region: config.region,
                clusterName: cluster.clusterName,
                vpcId: network.vpcId,
                vpcCidr: config.network.cidrBlock,
                nodeSecurityGroupId: cluster.nodeSecurityGroupId,
                oidcProvider: cluster.oidcProvider,
                loadBalancerController: loadBalancers,
            },
            flagger: { region: config.region, oidcProvider: cluster.oidcProvider },
        },
        // The stack's own cluster: its routers install the CRDs.
        gatewayApiCrds: "install",
        tracing,
        ...(mail === undefined ? {} : { mailEnv: mail.env() }),
        // The controller's webhook injects the readiness gate into every pod of the app namespace.
        podDependencies: [loadBalancers.release],
        database,
        // The public ALB's targets, draining like any ALB target.
        usermgmt: { draining: ALB_DRAINING },
        tags,
    });
    const accessLogs = new AccessLogBucket("alb-access-logs", { prefix: config.stack, retain: config.ingress.retainAccessLogs, tags });
    const ingress = new AppIngress(APP_INGRESS, {
        namespace: namespaceName,
        ingressClassName: loadBalancers.ingressClassName,
        hostname: config.domain,
        certificateArn: config.certificateArn,
        loadBalancerName: loadBalancerName(config.cluster.name),
        backend: { serviceName: usermgmt.serviceName, port: USERMGMT.port, healthPath: USERMGMT.healthPath },
        accessLogs: { bucket: accessLogs.bucketName, prefix: accessLogs.prefix },
        deletionProtection: config.ingress.deletionProtection,
        k8sProvider,
        // The controller's webhook must be up before it is asked to admit an Ingress.
        dependsOn: [loadBalancers],
    });

    // The alarms' topic, when config names someone to notify; alarms are declared either way.
    const alarmTopic =
        config.alarms.email === undefined && config.alarms.httpsUrl === undefined
            ? undefined
            : new AlarmTopic("canary-alarms", { name: `${config.cluster.name}-canary-alarms`, ...config.alarms, tags });
    // The public ALB's target group, found by the load balancer controller's tags once it exists.
    const publicIngress = {
        health: ALB_HEALTH,
        target: locateIngress({ clusterName: config.cluster.name, namespace: config.namespace, ingress: APP_INGRESS, service: USERMGMT.serviceName, port: USERMGMT.port }, [
            ingress.ingress,
        ]),
    };
    const alarmArgs = { thresholds: HEALTH_THRESHOLDS, ...(alarmTopic === undefined ? {} : { alarmTopicArn: alarmTopic.topicArn }), tags };
    new PublicIngressAlarms("app-ingress-alarms", { prefix: config.cluster.name, publicIngress, ...alarmArgs });
    const health = routerPlugin(config.router).health;
    const location = { clusterName: config.cluster.name, namespace: config.namespace };
    const dashboards: Record<string, string> = {};
    // Manual services: an automated service's routes are Flagger's, and so is its analysis.
    for (const service of config.services.filter((candidate) => candidate.mode === "manual")) {
        const canaried = services.get(service.name) as CanaryService;
        const versions: Version[] = service.canary === undefined ? ["v1"] : ["v1", "v2"];
        if (!isUnsupported(health) && canaried.routing.length === 0) {
            throw new Error(`router ${config.router} measures its versions but declared no routing resource for ${service.name} to wait for`);
        }
        const monitor = new CanaryMonitor(`${service.name}-monitor`, {
            prefix: config.cluster.name,
            service: service.name,
            router: config.router,
            region: config.region,
            weight: service.canary?.weight ?? 0,
            versions,
            health,
            located: isUnsupported(health) ? pulumi.output({}) : locateVersions({ health, service, versions, location, after: canaried.routing }),
            publicIngress,
            ...alarmArgs,
        });
        dashboards[service.name] = monitor.dashboardUrl;
    }

    return {
        url: ingress.url,
        clusterKind: "eks",
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        databaseEndpoint: database.endpoint,
        namespace: namespaceName,
        router: config.router,
        canary: splits,
        dashboards,
    };
}
