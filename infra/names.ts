/**
 * Names of the Kubernetes objects the program gives fixed names in the app namespace, in one
 * pure module: the components use them, and the config refuses service names that would collide.
 */

/** The ExternalName Service of the database (the user-management app's DB_HOSTNAME). */
export const DATABASE_SERVICE_NAME = "mysql";
/** The ExternalName Service of SES's SMTP endpoint (the notification app's mail host). */
export const SMTP_SERVICE_NAME = "smtp-service";
/** Flagger's load tester, when a service is automated. */
export const LOADTESTER_NAME = "flagger-loadtester";
/** The seed's user-management service: its port, health path, X-Ray name and Service. */
export const USERMGMT = { name: "usermgmt", port: 8095, healthPath: "/usermgmt/health-status", tracingName: "User-Management-Microservice", serviceName: "usermgmt-service" };

/** The Service over both versions of a service: `<service>-clusterip-service`, as the seed app names it. */
export function sharedServiceName(service: string): string {
    return `${service}-clusterip-service`;
}

/** The in-cluster DNS name of a Service. */
export function clusterHostname(serviceName: string, namespace: string): string {
    return `${serviceName}.${namespace}.svc.cluster.local`;
}

/** Name of one version's Deployment and Service: `<app>-<version>`. */
export function versionObjectName(app: string, version: "v1" | "v2"): string {
    return `${app}-${version}`;
}

/** Names the program's own objects take in the app namespace, besides those of the canaried services. */
export function fixedObjectNames(): string[] {
    return [DATABASE_SERVICE_NAME, SMTP_SERVICE_NAME, LOADTESTER_NAME, USERMGMT.serviceName, `${USERMGMT.name}-v1`];
}

/**
 * The objects a canaried service named `name` takes in the app namespace: its versions'
 * Deployments and Services and the shared Service; in automated mode Flagger's target and the
 * `-primary` and `-canary` copies it generates.
 */
export function serviceObjectNames(name: string, automated: boolean): string[] {
    return automated ? [name, `${name}-primary`, `${name}-canary`] : [versionObjectName(name, "v1"), versionObjectName(name, "v2"), sharedServiceName(name)];
}

/** The longest a Kubernetes object name (a DNS label) may be. */
export const MAX_OBJECT_NAME = 63;

/**
 * Every object name a service named `name` leads to, whatever its mode and router: its own
 * objects, the routers' (the alb router's Ingress `<name>-canary`, App Mesh's `<name>-router`) and
 * Flagger's. The longest must still be a DNS label.
 */
export function derivedObjectNames(name: string): string[] {
    return [...serviceObjectNames(name, false), ...serviceObjectNames(name, true), `${name}-canary`, `${name}-router`];
}

/** The longest service name whose derived names all fit. */
export const MAX_SERVICE_NAME = MAX_OBJECT_NAME - Math.max(...derivedObjectNames("").map((objectName) => objectName.length));
