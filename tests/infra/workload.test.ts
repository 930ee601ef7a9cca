import { beforeAll, describe, expect, it } from "vitest";
import {
    appObjectsOfType,
    byName,
    childrenOf,
    Container,
    DeclaredResource,
    envOf,
    k8sObject,
    mainContainer,
    metadata,
    OfflinePlan,
    planStack,
    serviceSpec,
    TYPES,
    workloadSpec,
} from "../helpers";

let dev: OfflinePlan;
let prod: OfflinePlan;
/** dev moved to us-east-1 (with a certificate of that region). */
let useast: OfflinePlan;

beforeAll(async () => {
    dev = await planStack("dev");
    prod = await planStack("prod");
    useast = await planStack("dev", ["aws:region=us-east-1", "certificateArn=arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-4b5a-4987-8654-3210fedcba98"]);
});

/** The X-Ray daemon runs in kube-system, outside the app namespace. */
const XRAY_DAEMON = "xray-service.kube-system:2000";

/** Where usermgmt reaches notification, by router (each router's suite checks its own in depth). */
function calleeOf(plan: OfflinePlan): { host: string; port: string } {
    const shared = "notification-clusterip-service";
    switch (plan.outputs.router) {
        case "appmesh":
            // Envoy matches the Host header against the virtual service's full name.
            return { host: `${shared}.eks-canary.svc.cluster.local`, port: "8096" };
        case "alb":
        case "replicas":
            return { host: shared, port: "8096" };
        case "lattice":
            return { host: `notification.eks-canary-${plan.stack}.internal`, port: "80" };
        default:
            throw new Error(`no callee known for router ${String(plan.outputs.router)}`);
    }
}

const versions = [
    { resource: "notification-v1-deployment", object: "notification-v1", app: "notification", version: "v1", track: "stable", port: 8096, health: "/notification/health-status" },
    { resource: "notification-v2-deployment", object: "notification-v2", app: "notification", version: "v2", track: "canary", port: 8096, health: "/notification/health-status" },
    { resource: "usermgmt-deployment", object: "usermgmt-v1", app: "usermgmt", version: "v1", track: "stable", port: 8095, health: "/usermgmt/health-status" },
];

function deployment(name: string, plan: OfflinePlan = dev): DeclaredResource {
    return byName(plan, name, TYPES.deployment);
}

function container(name: string, plan: OfflinePlan = dev): Container {
    return mainContainer(deployment(name, plan));
}

describe("Workload: the Deployments' shape", () => {
    it("declares exactly the three Deployments", () => {
        expect(
            appObjectsOfType(dev, TYPES.deployment)
                .map((resource) => metadata(resource).name)
                .sort(),
        ).toEqual(["notification-v1", "notification-v2", "usermgmt-v1"]);
    });

    it.each(versions)("$object: labels app/version/track on the Deployment and its pods, and a selector on them", ({ resource, object, app, version, track }) => {
        const found = deployment(resource);
        const labels = { app, version, track };
        expect(metadata(found)).toMatchObject({ name: object, namespace: "eks-canary", labels });
        const spec = workloadSpec(found);
        expect(spec.selector.matchLabels).toEqual(labels);
        expect(spec.template.metadata.labels).toMatchObject(labels);
    });

    it.each(versions)("$object: probes the served port", ({ resource, port, health }) => {
        const app = container(resource);
        expect(app.ports).toEqual([{ name: "http", containerPort: port, protocol: "TCP" }]);
        expect(app.startupProbe?.httpGet).toEqual({ path: health, port: "http" });
        expect(app.readinessProbe?.httpGet).toEqual({ path: health, port: "http" });
        expect(app.livenessProbe?.tcpSocket).toEqual({ port: "http" });
    });

    it("requests and limits: the config's resources, a CPU limit of four times the request", () => {
        expect(container("notification-v1-deployment").resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "512Mi" } });
        expect(container("notification-v2-deployment").resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "512Mi" } });
        expect(container("usermgmt-deployment").resources).toEqual({ requests: { cpu: "250m", memory: "768Mi" }, limits: { cpu: "1000m", memory: "768Mi" } });
    });

    it("runs the configured images", () => {
        expect(container("notification-v1-deployment").image).toBe("stacksimplify/kube-notifications-microservice:3.0.0-AWS-XRay");
        expect(container("notification-v2-deployment").image).toBe("stacksimplify/kube-notifications-microservice:4.0.0-AWS-XRay");
        expect(container("usermgmt-deployment").image).toBe("stacksimplify/kube-usermanagement-microservice:3.0.0-AWS-XRay-MySQLDB");
    });

    it("usermgmt runs the configured replicas", () => {
        expect(workloadSpec(deployment("usermgmt-deployment")).replicas).toBe(1);
        expect(workloadSpec(deployment("usermgmt-deployment", prod)).replicas).toBe(3);
    });
});

describe("Workload: the standard environment", () => {
    it.each(versions)("$object: pod name and namespace from the downward API", ({ resource }) => {
        const env = envOf(container(resource));
        expect(env.MY_POD_NAME).toEqual({ name: "MY_POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
        expect(env.MY_POD_NAMESPACE).toEqual({ name: "MY_POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } });
    });

    it.each([
        ["notification-v1-deployment", "V1-Notification-Microservice"],
        ["notification-v2-deployment", "V2-Notification-Microservice"],
        ["usermgmt-deployment", "User-Management-Microservice"],
    ])("%s: X-Ray segment name %s, the daemon's address, errors logged", (resource, tracingName) => {
        const env = envOf(container(resource));
        expect(env.AWS_XRAY_TRACING_NAME.value).toBe(tracingName);
        expect(env.AWS_XRAY_DAEMON_ADDRESS.value).toBe(XRAY_DAEMON);
        expect(env.AWS_XRAY_CONTEXT_MISSING.value).toBe("LOG_ERROR");
    });
});

describe("Workload: notification's mail settings", () => {
    it.each(["notification-v1-deployment", "notification-v2-deployment"])("%s: SMTP through smtp-service with the smtp-credentials Secret", (resource) => {
        const env = envOf(container(resource));
        expect(env.AWS_MAIL_SERVER_HOST.value).toBe("smtp-service");
        expect(env.AWS_MAIL_SERVER_USERNAME.valueFrom).toEqual({ secretKeyRef: { name: "smtp-credentials", key: "username" } });
        expect(env.AWS_MAIL_SERVER_PASSWORD.valueFrom).toEqual({ secretKeyRef: { name: "smtp-credentials", key: "password" } });
        expect(env.AWS_MAIL_SERVER_FROM_ADDRESS.value).toBe("noreply@dev.example.com");
        expect(env.AWS_MAIL_SERVER_PASSWORD.value).toBeUndefined();
    });

    it("usermgmt gets no mail settings", () => {
        expect(Object.keys(envOf(container("usermgmt-deployment"))).filter((name) => name.startsWith("AWS_MAIL_"))).toEqual([]);
    });

    it("the smtp-credentials Secret is secret and smtp-service names SES's SMTP endpoint of the region", () => {
        const secret = k8sObject(dev, TYPES.secret, "smtp-credentials");
        expect(secret.parent).toBe("mail");
        expect(secret.inputs.stringData).toBe("[secret]");
        const service = k8sObject(dev, TYPES.service, "smtp-service");
        expect(service.parent).toBe("mail");
        expect(serviceSpec(service)).toEqual({ type: "ExternalName", externalName: "email-smtp.eu-west-1.amazonaws.com" });
    });

    it("smtp-service follows aws:region", () => {
        expect(serviceSpec(k8sObject(useast, TYPES.service, "smtp-service")).externalName).toBe("email-smtp.us-east-1.amazonaws.com");
    });

    it("the SMTP user may send only from the configured address", () => {
        const policy = JSON.parse(String(byName(dev, "mail-smtp", "aws:iam/userPolicy:UserPolicy").inputs.policy)) as { Statement: unknown[] };
        expect(policy.Statement).toEqual([
            { Effect: "Allow", Action: "ses:SendRawEmail", Resource: "*", Condition: { StringEquals: { "ses:FromAddress": "noreply@dev.example.com" } } },
        ]);
    });
});

describe("Workload: usermgmt's database and callee", () => {
    it("DB_* point at the mysql Service with the password from its Secret", () => {
        const env = envOf(container("usermgmt-deployment"));
        expect(env.DB_HOSTNAME.value).toBe("mysql");
        expect(env.DB_PORT.value).toBe("3306");
        expect(env.DB_NAME.value).toBe("usermgmt");
        expect(env.DB_USERNAME.value).toBe("dbadmin");
        expect(env.DB_PASSWORD).toEqual({ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "mysql-db-password", key: "db-password" } } });
    });

    it.each(["dev", "prod"])("%s: calls notification through the router's shared name", (stack) => {
        const plan = stack === "dev" ? dev : prod;
        const env = envOf(container("usermgmt-deployment", plan));
        expect(env.NOTIFICATION_SERVICE_HOST.value).toBe(calleeOf(plan).host);
        expect(env.NOTIFICATION_SERVICE_PORT.value).toBe(calleeOf(plan).port);
        if (stack === "dev") {
            // Lattice: the service's custom domain name in the stack's private zone, on the gateway's listener.
            expect(calleeOf(plan)).toEqual({ host: "notification.eks-canary-dev.internal", port: "80" });
        } else {
            // The shared Service the name resolves by.
            expect(metadata(byName(plan, "notification-shared", TYPES.service)).name).toBe("notification-clusterip-service");
        }
    });

    it("waits for mysql:3306 in an init container", () => {
        const init = workloadSpec(deployment("usermgmt-deployment")).template.spec.initContainers ?? [];
        expect(init).toHaveLength(1);
        expect(init[0].name).toBe("wait-for-database");
        expect(init[0].image).toBe("busybox:1.37.0");
        expect(init[0].command?.slice(0, 2)).toEqual(["sh", "-c"]);
        expect(init[0].command?.[2]).toContain("nc -z mysql 3306");
        expect(init[0].resources?.limits).toBeDefined();
    });

    it("the notification versions have no init container", () => {
        expect(workloadSpec(deployment("notification-v1-deployment")).template.spec.initContainers).toBeUndefined();
        expect(workloadSpec(deployment("notification-v2-deployment")).template.spec.initContainers).toBeUndefined();
    });
});

describe("Workload: Services and disruption budgets", () => {
    it("each version has its own Service selecting only its pods", () => {
        expect(serviceSpec(k8sObject(dev, TYPES.service, "notification-v1")).selector).toEqual({ app: "notification", version: "v1", track: "stable" });
        expect(serviceSpec(k8sObject(dev, TYPES.service, "notification-v2")).selector).toEqual({ app: "notification", version: "v2", track: "canary" });
        expect(serviceSpec(k8sObject(dev, TYPES.service, "usermgmt-service")).selector).toEqual({ app: "usermgmt", version: "v1", track: "stable" });
    });

    it("the stable versions, and only they, have a PodDisruptionBudget", () => {
        const budgets = appObjectsOfType(dev, TYPES.pdb);
        expect(budgets.map((budget) => metadata(budget).name).sort()).toEqual(["notification-v1", "usermgmt-v1"]);
        for (const budget of budgets) {
            const name = metadata(budget).name ?? "";
            const app = name.replace(/-v1$/, "");
            expect(budget.inputs.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app, version: "v1", track: "stable" } } });
        }
        expect(childrenOf(dev, "notification-v2").map((child) => child.type)).not.toContain(TYPES.pdb);
    });
});
