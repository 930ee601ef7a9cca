/**
 * The lattice router declared on its own under mocks: the Gateway API CRDs, the controller, the
 * service network and its private zone; per service a weighted HTTPRoute and a TargetGroupPolicy
 * per version; and its Flagger routing over CloudWatch MetricTemplates.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LATTICE_DRAINING } from "../../../infra/draining";
import { lattice } from "../../../infra/routers/lattice";
import { CLOUDWATCH_READ_POLICY, LATTICE_TEMPLATES } from "../../../infra/routers/lattice/flagger";
import { LatticeRouter } from "../../../infra/routers/lattice/router";
import {
    CanaryServiceSpec,
    FlaggerContext,
    FlaggerInstallation,
    FlaggerServiceRouting,
    NO_PREREQUISITES,
    RouteEndpoint,
    VersionPrerequisites,
} from "../../../infra/routers/contract";
import { isUnsupported, TaggedResource } from "../../../infra/routers/plugin";
import { RESOURCE_TYPES } from "../../../infra/resource-types";
import { afterDeploy, fakeLookup, NAMESPACE, OIDC, parentOf, Recording, recordResources, resolved, routerEnvironment, StandIn, workloadsOf } from "./mocks";

const SPEC: CanaryServiceSpec = { name: "notification", namespace: NAMESPACE, port: 8096, healthPath: "/notification/health-status", replicas: 3, weight: 25, hasCanary: true };
const VERSIONS = { stable: "notification-v1", canary: "notification-v2" };
const SERVICE = { name: "notification", namespace: NAMESPACE, port: 8096, healthPath: "/health", targetGroup: "tg-0abc" };

const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
afterAll(() => warnings.mockRestore());

const names = (resources: readonly pulumi.Resource[]): Promise<string[]> =>
    Promise.all(resources.map((resource) => resolved(resource.urn).then((urn) => urn.slice(urn.lastIndexOf("::") + 2))));
const backendRefsOf = (inputs: Record<string, unknown>): unknown => (inputs.spec as { rules: { backendRefs: unknown }[] }).rules[0].backendRefs;

describe("lattice router of a service at weight 25", () => {
    let recording: Recording;
    let router: LatticeRouter;
    let prerequisites: VersionPrerequisites;
    let endpoint: RouteEndpoint;
    let host: string;
    let podDependencies: string[];
    let clientDependencies: readonly pulumi.Resource[];
    beforeAll(async () => {
        recording = await recordResources();
        const env = routerEnvironment({ tags: { team: "canary" } });
        router = lattice.create(env) as LatticeRouter;
        const parent = parentOf("notification");
        prerequisites = router.prepareVersions();
        endpoint = router.route(SPEC, VERSIONS, parent, workloadsOf("notification", env.k8sProvider));
        clientDependencies = router.client();
        host = await resolved(endpoint.host);
        podDependencies = await names(router.podDependencies);
        await recording.settle();
    });

    it("associates a service network named after the stack with the VPC, through the nodes' security group", () => {
        expect(recording.one(RESOURCE_TYPES.serviceNetwork, "lattice-service-network").inputs).toMatchObject({ name: "demo", authType: "NONE", tags: { team: "canary" } });
        expect(recording.one(RESOURCE_TYPES.serviceNetworkVpcAssociation, "lattice-vpc-association").inputs).toMatchObject({
            serviceNetworkIdentifier: afterDeploy("lattice-service-network", "id"),
            vpcIdentifier: "vpc-0123",
            securityGroupIds: ["sg-nodes"],
        });
        expect(recording.one(RESOURCE_TYPES.ingressRule, "lattice-prefix-list-ingress").inputs).toMatchObject({
            securityGroupId: "sg-nodes",
            prefixListId: afterDeploy("prefix list com.amazonaws.eu-west-1.vpc-lattice", "id"),
            ipProtocol: "-1",
        });
    });

    it("keeps the custom domain names in a private zone of the VPC, written by its own ExternalDNS from DNSEndpoints", () => {
        expect(recording.one(RESOURCE_TYPES.hostedZone, "lattice-zone").inputs).toMatchObject({
            name: "demo.internal",
            vpcs: [{ vpcId: "vpc-0123", vpcRegion: "eu-west-1" }],
            forceDestroy: true,
        });
        expect(recording.one(RESOURCE_TYPES.helmRelease, "lattice-dns").inputs).toMatchObject({
            name: "external-dns-lattice",
            values: { sources: ["crd"], domainFilters: ["demo.internal"], txtPrefix: "txt." },
        });
    });

    it("installs the controller after the CRDs and ExternalDNS, then the GatewayClass and the Gateway after it", () => {
        const controller = recording.one(RESOURCE_TYPES.helmRelease, "lattice-controller");
        expect(controller.inputs).toMatchObject({
            name: "gateway-api-controller",
            namespace: "aws-application-networking-system",
            values: { awsRegion: "eu-west-1", clusterVpcId: "vpc-0123", clusterName: "demo", awsAccountId: afterDeploy("aws", "accountId") },
        });
        expect(controller.dependsOn).toEqual(expect.arrayContaining(["lattice-gateway-api-crds", "lattice-dns"]));
        expect(recording.one(RESOURCE_TYPES.gatewayClass, "lattice-gateway-class").inputs.spec).toEqual({
            controllerName: "application-networking.k8s.aws/gateway-api-controller",
        });
        const gateway = recording.one(RESOURCE_TYPES.gateway, "lattice-gateway");
        expect(gateway.inputs).toMatchObject({
            metadata: { name: "demo", namespace: NAMESPACE },
            spec: { gatewayClassName: "amazon-vpc-lattice", listeners: [{ name: "http", protocol: "HTTP", port: 80 }] },
        });
        expect(gateway.dependsOn).toEqual(
            expect.arrayContaining(["lattice-gateway-api-crds", "lattice-gateway-class", "lattice-controller", "lattice-service-network", "lattice-vpc-association"]),
        );
        expect(podDependencies).toEqual(["lattice-controller"]);
    });

    it("weighs the HTTPRoute's backends 75 to v1 and 25 to v2 under the service's custom domain name", () => {
        const route = recording.one(RESOURCE_TYPES.httpRoute, "notification");
        expect(route.parent).toBe("notification");
        expect(route.inputs.spec).toMatchObject({ parentRefs: [{ name: "demo", namespace: NAMESPACE, sectionName: "http" }], hostnames: ["notification.demo.internal"] });
        expect(backendRefsOf(route.inputs)).toEqual([
            { name: "notification-v1", kind: "Service", port: 8096, weight: 75 },
            { name: "notification-v2", kind: "Service", port: 8096, weight: 25 },
        ]);
    });

    it("declares the HTTPRoute after the Gateway, the controller, the versions' health checks and both workloads", () => {
        expect(recording.one(RESOURCE_TYPES.httpRoute, "notification").dependsOn).toEqual(
            expect.arrayContaining([
                "lattice-gateway-api-crds",
                "lattice-controller",
                "lattice-gateway",
                "notification-v1-target-group-policy",
                "notification-v2-target-group-policy",
                "notification-v1-workload",
                "notification-v2-workload",
            ]),
        );
    });

    it("health-checks each version's target group on the service's health path, after the controller", () => {
        for (const version of ["notification-v1", "notification-v2"]) {
            const policy = recording.one(RESOURCE_TYPES.targetGroupPolicy, `${version}-target-group-policy`);
            expect(policy.inputs.spec).toEqual({
                targetRef: { group: "", kind: "Service", name: version },
                healthCheck: { enabled: true, path: "/notification/health-status", statusMatch: "200" },
            });
            expect(policy.dependsOn).toEqual(["lattice-controller"]);
        }
    });

    it("returns the custom domain name on the listener's port, and needs nothing before pods or clients", () => {
        expect(host).toBe("notification.demo.internal");
        expect(endpoint.port).toBe(80);
        expect(prerequisites).toEqual(NO_PREREQUISITES);
        expect(clientDependencies).toEqual([]);
        expect(router.replicas(SPEC)).toEqual({ stable: 3, canary: 3 });
        expect(router).toMatchObject({
            kind: "lattice",
            gatewayName: "demo",
            zoneName: "demo.internal",
            podServiceAccountName: undefined,
            podAnnotations: {},
            draining: LATTICE_DRAINING,
        });
    });

    it("reads back, with its own split reader, the weights it declared", () => {
        expect(lattice.splitReaders[RESOURCE_TYPES.httpRoute](recording.one(RESOURCE_TYPES.httpRoute, "notification").inputs)).toEqual([
            {
                label: 'HTTPRoute "notification" rule 0',
                targets: [
                    { name: "notification-v1", weight: 75 },
                    { name: "notification-v2", weight: 25 },
                ],
            },
        ]);
    });

    it("describes each of its own resource types in a non-empty line", () => {
        const described = Object.entries(lattice.describers).map(([type, describer]) => {
            const [resource] = recording.ofType(type);
            expect(resource, type).toBeDefined();
            return describer(resource.inputs);
        });
        expect(described.every((lines) => lines.length > 0 && lines.every((line) => line.trim() !== ""))).toBe(true);
        const line = (type: string, name: string): string[] => lattice.describers[type](recording.one(type, name).inputs);
        expect(line(RESOURCE_TYPES.httpRoute, "notification")).toEqual([
            "apps/notification  parent Gateway demo  hosts notification.demo.internal  weighted notification-v1:8096 75% / notification-v2:8096 25%",
        ]);
        expect(line(RESOURCE_TYPES.gateway, "lattice-gateway")).toEqual(["apps/demo  class amazon-vpc-lattice  listeners http HTTP:80"]);
        expect(line(RESOURCE_TYPES.targetGroupPolicy, "notification-v2-target-group-policy")).toEqual([
            "apps/notification-v2  target notification-v2  health check /notification/health-status",
        ]);
    });
});

describe("lattice router without a canary", () => {
    let recording: Recording;
    beforeAll(async () => {
        recording = await recordResources();
        const env = routerEnvironment();
        const router = lattice.create(env);
        router.route({ ...SPEC, weight: 0, hasCanary: false }, { stable: "notification-v1" }, parentOf("notification"), workloadsOf("notification", env.k8sProvider, false));
        await recording.settle();
    });

    it("routes v1 alone at 100, health-checks it alone and waits for its workload only", () => {
        const route = recording.one(RESOURCE_TYPES.httpRoute, "notification");
        expect(lattice.splitReaders[RESOURCE_TYPES.httpRoute](route.inputs)[0].targets).toEqual([{ name: "notification-v1", weight: 100 }]);
        expect(recording.ofType(RESOURCE_TYPES.targetGroupPolicy).map((policy) => policy.name)).toEqual(["notification-v1-target-group-policy"]);
        expect(route.dependsOn).toContain("notification-v1-workload");
        expect(route.dependsOn).not.toContain("notification-v2-workload");
    });
});

describe("lattice Flagger routing", () => {
    let recording: Recording;
    let router: LatticeRouter;
    let context: FlaggerContext;
    let routing: FlaggerServiceRouting;
    let installation: FlaggerInstallation;
    let values: { host: string; roleArn: string; dependencies: string[]; templates: string[] };
    beforeAll(async () => {
        recording = await recordResources();
        const env = routerEnvironment();
        router = lattice.create(env) as LatticeRouter;
        const parent = parentOf("flagger");
        context = {
            parent,
            name: "flagger",
            aws: { region: env.aws?.region ?? "", oidcProvider: OIDC },
            namespace: NAMESPACE,
            namespaceName: NAMESPACE,
            k8sProvider: env.k8sProvider,
            services: ["notification"],
            serviceAccount: { namespace: "flagger-system", name: "flagger" },
        };
        installation = router.flagger.install(context);
        const templates = router.flagger.templates(context, [new StandIn("flagger-release")]);
        routing = router.flagger.route(SERVICE, parentOf("notification"), context);
        router.flagger.route({ ...SERVICE, name: "orders", targetGroup: undefined }, parentOf("orders"), context);
        values = {
            host: await resolved(routing.endpoint.host),
            roleArn: await resolved(installation.serviceAccountAnnotations["eks.amazonaws.com/role-arn"]),
            dependencies: await names(routing.dependencies),
            templates: await names(templates),
        };
        await recording.settle();
    });

    it("reads CloudWatch metrics of the canary's target group through MetricTemplates", () => {
        expect(router.flagger.provider).toBe("gatewayapi:v1");
        expect(router.flagger.metrics(SERVICE)).toEqual([
            { name: "success-rate", templateRef: { name: LATTICE_TEMPLATES.successRate }, templateVariables: { targetGroup: "tg-0abc" } },
            { name: "latency", templateRef: { name: LATTICE_TEMPLATES.latency }, templateVariables: { targetGroup: "tg-0abc" } },
        ]);
        expect(values.templates).toEqual([LATTICE_TEMPLATES.successRate, LATTICE_TEMPLATES.latency]);
        const template = recording.one(RESOURCE_TYPES.metricTemplate, LATTICE_TEMPLATES.latency);
        expect(template.inputs.spec).toMatchObject({ provider: { type: "cloudwatch", region: "eu-west-1" } });
        expect(template.parent).toBe("flagger");
        expect(template.dependsOn).toEqual(["flagger-release"]);
    });

    it("installs no Prometheus, and gives Flagger an IRSA role that may only read metrics", () => {
        expect(installation).toMatchObject({ metricsServer: "none", before: [], loadTesterValues: {} });
        expect(values.roleArn).toBe(afterDeploy("flagger-irsa", "arn"));
        expect(JSON.parse(String(recording.one(RESOURCE_TYPES.rolePolicy, "flagger-irsa").inputs.policy))).toEqual(CLOUDWATCH_READ_POLICY);
        const trust = JSON.parse(String(recording.one(RESOURCE_TYPES.role, "flagger-irsa").inputs.assumeRolePolicy));
        expect(trust.Statement[0].Condition.StringEquals[`${OIDC.issuer}:sub`]).toBe("system:serviceaccount:flagger-system:flagger");
    });

    it("has Flagger write the route on the Gateway under the custom domain name, and load-tests through VPC Lattice", () => {
        expect(values.host).toBe("notification.demo.internal");
        expect(routing.endpoint.port).toBe(80);
        expect(routing.service).toEqual({ port: 8096, hosts: ["notification.demo.internal"], gatewayRefs: [{ name: "demo", namespace: NAMESPACE, sectionName: "http" }] });
        expect(routing.loadTestUrl).toBe("http://notification.demo.internal/health");
    });

    it("health-checks the target groups of Flagger's primary and canary Services, after the router", () => {
        expect(values.dependencies).toEqual(["notification-primary-target-group-policy", "notification-canary-target-group-policy"]);
        const canary = recording.one(RESOURCE_TYPES.targetGroupPolicy, "notification-canary-target-group-policy");
        expect(canary.inputs.spec).toMatchObject({ targetRef: { kind: "Service", name: "notification-canary" }, healthCheck: { path: "/health" } });
        expect(canary.dependsOn).toEqual(expect.arrayContaining(["lattice-controller", "lattice-gateway"]));
    });

    it("warns when a service names no target group, and leaves its metrics' variable empty", () => {
        expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/service orders: analysis\.latticeTargetGroup is not set/));
        expect(warnings).not.toHaveBeenCalledWith(expect.stringMatching(/service notification:/));
        expect(router.flagger.metrics({ ...SERVICE, targetGroup: undefined })[0].templateVariables).toEqual({ targetGroup: "" });
    });
});

describe("lattice plug-in traits", () => {
    const location = { clusterName: "demo", namespace: NAMESPACE };
    const prefix = "application-networking.k8s.aws";
    const group = (id: string, service = "notification-v2"): TaggedResource => ({
        arn: `arn:aws:vpc-lattice:eu-west-1:111122223333:targetgroup/${id}`,
        tags: {
            [`${prefix}/ClusterName`]: "demo",
            [`${prefix}/ServiceName`]: service,
            [`${prefix}/ServiceNamespace`]: NAMESPACE,
            [`${prefix}/RouteName`]: "notification",
            [`${prefix}/RouteNamespace`]: NAMESPACE,
        },
    });

    it("splits requests, is driven by Flagger's Gateway API provider by target group, labels the namespace for readiness gates", () => {
        expect(lattice.splits).toBe("requests");
        expect(lattice.flagger).toEqual({ provider: "gatewayapi:v1", metricsByTargetGroup: true });
        expect(lattice.namespaceLabels("demo")).toEqual({ "application-networking.k8s.aws/pod-readiness-gate-inject": "enabled" });
        expect(lattice.objectNames("orders")).toEqual([]);
        expect(lattice.command.promoteRefusal).toBeUndefined();
    });

    it("sends load to the service's custom domain name", () => {
        expect(lattice.command.loadUrl({ name: "notification", port: 8096, healthPath: "/health" }, location)).toBe("http://notification.demo.internal/health");
    });

    it("finds each version's target group by the controller's tags, and says why when none or several match", async () => {
        if (isUnsupported(lattice.health)) {
            throw new Error("lattice has health metrics");
        }
        const find = lattice.health.find;
        const notification = { name: "notification", port: 8096, healthPath: "/health" };
        expect(await find(notification, "v2", location, fakeLookup([group("tg-v1", "notification-v1"), group("tg-0abc")]))).toEqual({ target: { targetGroup: "tg-0abc" } });
        expect(await find(notification, "v1", location, fakeLookup([group("tg-v1", "notification-v1"), group("tg-0abc")]))).toEqual({ target: { targetGroup: "tg-v1" } });
        expect(await find(notification, "v2", location, fakeLookup([group("tg-v1", "notification-v1")]))).toEqual({
            missing: expect.stringMatching(/^found no VPC Lattice target group of apps\/notification-v2 in HTTPRoute apps\/notification/),
        });
        expect(await find(notification, "v2", location, fakeLookup([group("tg-a"), group("tg-b")]))).toEqual({
            ambiguous: expect.stringMatching(/^expected one VPC Lattice target group of .*, found 2: arn:.*tg-a, arn:.*tg-b$/),
        });
    });
});
