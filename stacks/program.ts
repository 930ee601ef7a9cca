/**
 * The composition: which components one stack declares and how their outputs wire them together.
 * It takes a validated StackConfig and reads nothing else.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AccessLogBucket } from "../infra/accesslogs";
import { ExternalDns } from "../infra/addons/external-dns";
import { Flagger } from "../infra/addons/flagger";
import { Tracing } from "../infra/addons/tracing";
import { LBC_READINESS_GATE_LABEL, LoadBalancerController } from "../infra/addons/load-balancer-controller";
import { ALB_HEALTH } from "../infra/addons/load-balancer-controller/health";
import { AlarmTopic } from "../infra/alarm-topic";
import { HEALTH_THRESHOLDS } from "../infra/canary/health";
import { locateIngress, locateVersions } from "../infra/canary/locate";
import { CanaryMonitor, PublicIngressAlarms } from "../infra/canary/monitor";
import { ALB_DRAINING } from "../infra/draining";
import { isUnsupported, Version } from "../infra/routers/plugin";
import { createRouter, routerPlugin } from "../infra/routers/registry";
import { CanaryService, CanarySplit } from "../infra/canary/service";
import { Cluster } from "../infra/cluster";
import { Database, DATABASE_NAME, DATABASE_USER, MYSQL_PORT, PASSWORD_SECRET_KEY } from "../infra/database";
import { AppIngress, loadBalancerName } from "../infra/ingress";
import { PART_OF } from "../infra/k8s";
import { Mail, SMTP_PORT } from "../infra/mail";
import { USERMGMT } from "../infra/names";
import { Network } from "../infra/network";
import { EKS_ADDONS, IMAGES } from "../infra/versions";
import { Workload, workloadLabels } from "../infra/workload";
import { RouterKind, StackConfig } from "./config";

export { USERMGMT };

/** The app's public Ingress, by Pulumi and Kubernetes name. */
const APP_INGRESS = "app-ingress";

export interface StackOutputs {
    url: pulumi.Output<string>;
    clusterName: pulumi.Output<string>;
    kubeconfig: pulumi.Output<string>;
    databaseEndpoint: pulumi.Output<string>;
    namespace: pulumi.Output<string>;
    router: RouterKind;
    /** The current split of every canaried service, by service name. */
    canary: Record<string, CanarySplit>;
    /** The CloudWatch dashboard of every manual service, by service name. */
    dashboards: Record<string, string>;
}

export function declareStack(config: StackConfig): StackOutputs {
    const tags = { project: "eks-canary", stack: config.stack };
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

    const namespace = new k8s.core.v1.Namespace(
        "apps",
        { metadata: { name: config.namespace, labels: { ...PART_OF, ...LBC_READINESS_GATE_LABEL, ...routerPlugin(config.router).namespaceLabels(config.cluster.name) } } },
        { provider: k8sProvider },
    );
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
    const tracing = new Tracing("xray", {
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

    // Flagger, once per stack, only when a service is released by it (mode automated).
    const automated = config.services.filter((service) => service.mode === "automated");
    const router = createRouter(config.router, {
        name: config.cluster.name,
        region: config.region,
        clusterName: cluster.clusterName,
        vpcId: network.vpcId,
        vpcCidr: config.network.cidrBlock,
        nodeSecurityGroupId: cluster.nodeSecurityGroupId,
        oidcProvider: cluster.oidcProvider,
        namespace: namespaceName,
        namespaceName: config.namespace,
        k8sProvider,
        externalPorts: [MYSQL_PORT, SMTP_PORT],
        loadBalancerController: loadBalancers,
        automatedServices: automated.map((service) => service.name),
        tags,
    });
    const flagger =
        automated.length === 0
            ? undefined
            : new Flagger("flagger", {
                  router,
                  region: config.region,
                  namespace: namespaceName,
                  namespaceName: config.namespace,
                  services: automated.map((service) => service.name),
                  oidcProvider: cluster.oidcProvider,
                  k8sProvider,
                  ...(config.flagger.alerts === undefined ? {} : { alerts: config.flagger.alerts }),
                  tags,
              });
    const services = new Map<string, CanaryService>();
    for (const service of config.services) {
        services.set(
            service.name,
            new CanaryService(service.name, {
                name: service.name,
                namespace: namespaceName,
                port: service.port,
                healthPath: service.healthPath,
                replicas: service.replicas,
                resources: service.resources,
                tracingName: service.tracingName,
                tracing,
                stable: service.stable,
                ...(service.canary === undefined ? {} : { canary: service.canary }),
                ...(service.smtp && mail !== undefined ? { env: mail.env() } : {}),
                router,
                podDependencies: [loadBalancers.release],
                ...(flagger !== undefined && service.analysis !== undefined ? { automated: { flagger, analysis: service.analysis } } : {}),
                k8sProvider,
            }),
        );
    }

    // parseStackConfig guarantees that `calls` names a configured service.
    const callee = services.get(config.usermgmt.calls) as CanaryService;
    const usermgmt = new Workload(USERMGMT.name, {
        namespace: namespaceName,
        app: USERMGMT.name,
        version: "v1",
        image: config.usermgmt.image,
        replicas: config.usermgmt.replicas,
        port: USERMGMT.port,
        healthPath: USERMGMT.healthPath,
        resources: config.usermgmt.resources,
        serviceName: USERMGMT.serviceName,
        disruptionBudget: true,
        ...(router.podServiceAccountName === undefined ? {} : { serviceAccountName: router.podServiceAccountName }),
        podAnnotations: router.podAnnotations,
        // The public ALB's targets: created after the controller whose webhook injects their
        // readiness gate, and draining like any ALB target.
        dependsOn: [loadBalancers.release, ...router.podDependencies],
        draining: ALB_DRAINING,
        // What the router needs of a caller (App Mesh: its VirtualNode), before its pods start.
        beforePods: (parent) =>
            router.client(
                {
                    name: USERMGMT.name,
                    namespace: namespaceName,
                    port: USERMGMT.port,
                    healthPath: USERMGMT.healthPath,
                    podLabels: workloadLabels(USERMGMT.name, "v1"),
                    serviceName: USERMGMT.serviceName,
                    calls: [config.usermgmt.calls],
                },
                parent,
            ),
        tracingName: USERMGMT.tracingName,
        tracing,
        initContainers: [
            {
                name: "wait-for-database",
                image: IMAGES.busybox,
                command: ["sh", "-c", pulumi.interpolate`until nc -z ${database.serviceName} ${MYSQL_PORT}; do echo waiting for the database; sleep 2; done`],
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
            },
        ],
        env: [
            { name: "DB_HOSTNAME", value: database.serviceName },
            { name: "DB_PORT", value: String(MYSQL_PORT) },
            { name: "DB_NAME", value: DATABASE_NAME },
            { name: "DB_USERNAME", value: DATABASE_USER },
            { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: database.passwordSecretName, key: PASSWORD_SECRET_KEY } } },
            { name: "NOTIFICATION_SERVICE_HOST", value: callee.host },
            { name: "NOTIFICATION_SERVICE_PORT", value: String(callee.port) },
        ],
        k8sProvider,
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
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        databaseEndpoint: database.endpoint,
        namespace: namespaceName,
        router: config.router,
        canary: Object.fromEntries([...services].map(([name, service]) => [name, service.split])),
        dashboards,
    };
}
