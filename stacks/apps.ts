/**
 * The part of a stack that is the same wherever it runs: the app namespace, the router, Flagger
 * for automated services, the canaried services and the user-management app. Each cluster target
 * (./targets/) declares the cluster and what is around it, then calls `declareApps` with what the
 * apps need of it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TracingSettings } from "../infra/addons/tracing";
import { Flagger } from "../infra/addons/flagger";
import { CanaryService, CanarySplit } from "../infra/canary/service";
import { DATABASE_NAME, DATABASE_USER, MYSQL_PORT, PASSWORD_SECRET_KEY } from "../infra/database";
import type { PodDraining } from "../infra/draining";
import { PART_OF } from "../infra/k8s";
import { USERMGMT } from "../infra/names";
import type { AwsEnvironment, FlaggerContext, TrafficRouter } from "../infra/routers/contract";
import { createRouter, routerPlugin } from "../infra/routers/registry";
import { IMAGES } from "../infra/versions";
import { Workload, workloadLabels } from "../infra/workload";
import { groupOfService, ReleaseGroup, StackConfig } from "./config";
import { SMTP_PORT } from "../infra/mail";

/** The AWS tags (and resource tags) of everything a stack declares. */
export function stackTags(config: StackConfig): Record<string, string> {
    return { project: "eks-canary", stack: config.stack };
}

/** The app namespace, labelled for the router and for what the target needs (readiness gates). */
export function declareAppNamespace(config: StackConfig, k8sProvider: k8s.Provider, targetLabels: Record<string, string>): k8s.core.v1.Namespace {
    const plugin = routerPlugin(config.router);
    return new k8s.core.v1.Namespace(
        "apps",
        {
            metadata: {
                name: config.namespace,
                labels: { ...PART_OF, ...targetLabels, ...plugin.namespaceLabels(config.cluster.name) },
                ...(plugin.namespaceAnnotations === undefined ? {} : { annotations: { ...plugin.namespaceAnnotations } }),
            },
        },
        { provider: k8sProvider },
    );
}

/** What the apps need of the cluster target. */
export interface AppPlatform {
    readonly k8sProvider: k8s.Provider;
    readonly namespace: k8s.core.v1.Namespace;
    /** AWS, on EKS: what the AWS routers build on, and Flagger's metric source's. */
    readonly aws: { readonly router: AwsEnvironment; readonly flagger: NonNullable<FlaggerContext["aws"]> } | undefined;
    /** Whether the routers install the Gateway API CRDs or the cluster has them. */
    readonly gatewayApiCrds: "install" | "present";
    readonly tracing: TracingSettings;
    /** The mail settings of the services with `smtp: true` (EKS: SES's SMTP). */
    readonly mailEnv?: pulumi.Input<k8s.types.input.core.v1.EnvVar>[];
    /** What every app pod is created after, beyond the router's own (EKS: the load balancer controller's webhook). */
    readonly podDependencies: readonly pulumi.Resource[];
    readonly database: { readonly serviceName: pulumi.Output<string>; readonly passwordSecretName: pulumi.Output<string> };
    /** How the user-management app is published: how its pods drain, and its node port where it has one. */
    readonly usermgmt: { readonly draining: PodDraining; readonly nodePort?: number };
    readonly tags: Record<string, string>;
}

export interface Apps {
    readonly router: TrafficRouter;
    readonly services: ReadonlyMap<string, CanaryService>;
    /** The `canary` output: each service's split, by name. */
    readonly splits: Record<string, CanarySplit>;
    readonly usermgmt: Workload;
}

export function declareApps(config: StackConfig, platform: AppPlatform): Apps {
    const { k8sProvider, tags } = platform;
    const namespaceName = platform.namespace.metadata.name;
    // Flagger, once per stack, only when a service is released by it (mode automated).
    const automated = config.services.filter((service) => service.mode === "automated");
    const router = createRouter(config.router, {
        name: config.cluster.name,
        namespace: namespaceName,
        namespaceName: config.namespace,
        k8sProvider,
        externalPorts: [MYSQL_PORT, SMTP_PORT],
        automatedServices: automated.map((service) => service.name),
        aws: platform.aws?.router,
        gatewayApiCrds: platform.gatewayApiCrds,
        tags,
    });
    const flagger =
        automated.length === 0
            ? undefined
            : new Flagger("flagger", {
                  router,
                  aws: platform.aws?.flagger,
                  namespace: namespaceName,
                  namespaceName: config.namespace,
                  services: automated.map((service) => service.name),
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
                tracing: platform.tracing,
                stable: service.stable,
                ...(service.canary === undefined ? {} : { canary: service.canary }),
                ...groupOf(config.canary.groups, service.name),
                ...(service.smtp && platform.mailEnv !== undefined ? { env: platform.mailEnv } : {}),
                router,
                podDependencies: platform.podDependencies,
                ...(flagger !== undefined && service.analysis !== undefined ? { automated: { flagger, analysis: service.analysis } } : {}),
                k8sProvider,
            }),
        );
    }

    // parseStackConfig guarantees that `calls` names a configured service.
    const callee = services.get(config.usermgmt.calls) as CanaryService;
    const { database } = platform;
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
        ...(platform.usermgmt.nodePort === undefined ? {} : { nodePort: platform.usermgmt.nodePort }),
        disruptionBudget: true,
        ...(router.podServiceAccountName === undefined ? {} : { serviceAccountName: router.podServiceAccountName }),
        podAnnotations: router.podAnnotations,
        dependsOn: [...platform.podDependencies, ...router.podDependencies],
        draining: platform.usermgmt.draining,
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
        tracing: platform.tracing,
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
    return { router, services, splits: Object.fromEntries([...services].map(([name, service]) => [name, service.split])), usermgmt };
}

/** The lockstep group of `service`, as the split it reports carries it. */
function groupOf(groups: readonly ReleaseGroup[], service: string): { group?: string } {
    const group = groupOfService(groups, service);
    return group === undefined ? {} : { group: group.name };
}
