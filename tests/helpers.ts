/**
 * Shared helpers of the suites that run the program under mocks: plan a stack once, then find the
 * declared resources by type, name and parent and read their inputs.
 */
import type { RouterKind } from "../infra/routers/registry";
import type { CanarySplit } from "../infra/canary/service";
import { RESOURCE_TYPES } from "../infra/resource-types";
import { ConfigError } from "../stacks/checks";
import { parseStackConfig } from "../stacks/config";
import { diffPlans } from "../tools/diff";
import { DeclaredResource, OfflinePlan, planOffline } from "../tools/offline";
import { readStackFile } from "../tools/stackfile";

export { planOffline, readStackFile };

export type { DeclaredResource, OfflinePlan };

/** Resource types the suites look up: the program's one table, and its components' own types. */
export const TYPES = { ...RESOURCE_TYPES, serviceAccountRole: "eks-canary:iam:ServiceAccountRole" } as const;

/** The config issues of a stack file with `--set`-style overrides; none when it parses. */
export function configErrors(overrides: readonly string[], stack = "dev"): { key: string; message: string }[] {
    try {
        parseStackConfig(readStackFile(stack, overrides).config, stack);
    } catch (error) {
        if (error instanceof ConfigError) {
            return [...error.issues];
        }
        throw error;
    }
    return [];
}

/** Plans the stack from its `Pulumi.<stack>.yaml` with `--set`-style overrides. */
export function planStack(stack: string, overrides: readonly string[] = []): Promise<OfflinePlan> {
    return planOffline(stack, readStackFile(stack, overrides).config);
}

export function resourcesOfType(plan: OfflinePlan, type: string): DeclaredResource[] {
    return plan.resources.filter((resource) => resource.type === type);
}

/** The Kubernetes objects of `type` in the app's namespace, not the cluster agents' (kube-system). */
export function appObjectsOfType(plan: OfflinePlan, type: string, namespace = "eks-canary"): DeclaredResource[] {
    return resourcesOfType(plan, type).filter((resource) => at(resource.inputs, "metadata", "namespace") === namespace);
}

/**
 * The one resource named `name` (of `type`, when several types share the name). Throws when there
 * is none or more than one, so a test never reads the wrong resource.
 */
export function byName(plan: OfflinePlan, name: string, type?: string): DeclaredResource {
    const found = plan.resources.filter((resource) => resource.name === name && (type === undefined || resource.type === type));
    if (found.length !== 1) {
        const types = found.map((resource) => resource.type).join(", ");
        throw new Error(`expected one resource named ${name}${type === undefined ? "" : ` of type ${type}`}, found ${found.length}${types === "" ? "" : ` (${types})`}`);
    }
    return found[0];
}

/** Direct children of the resource named `parentName`. */
export function childrenOf(plan: OfflinePlan, parentName: string): DeclaredResource[] {
    return plan.resources.filter((resource) => resource.parent === parentName);
}

/** The Kubernetes object of the given type whose `metadata.name` is `objectName`. */
export function k8sObject(plan: OfflinePlan, type: string, objectName: string): DeclaredResource {
    const found = resourcesOfType(plan, type).filter((resource) => metadata(resource).name === objectName);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} with metadata.name ${objectName}, found ${found.length}`);
    }
    return found[0];
}

/** Reads a nested input by path, e.g. `at(r.inputs, "spec", "template", "spec")`; throws on a missing step. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
    let node = value;
    for (const [index, segment] of path.entries()) {
        if (typeof node !== "object" || node === null || !(segment in node)) {
            throw new Error(`no ${path.slice(0, index + 1).join(".")} in ${JSON.stringify(value).slice(0, 200)}`);
        }
        node = (node as Record<string | number, unknown>)[segment];
    }
    return node;
}

export interface Metadata {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

export function metadata(resource: DeclaredResource): Metadata {
    return (resource.inputs.metadata ?? {}) as Metadata;
}

export interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: {
        fieldRef?: { fieldPath: string };
        secretKeyRef?: { name: string; key: string };
    };
}

export interface Probe {
    httpGet?: { path: string; port: string | number };
    tcpSocket?: { port: string | number };
    periodSeconds?: number;
    failureThreshold?: number;
}

export interface Container {
    name: string;
    image: string;
    command?: string[];
    args?: string[];
    ports?: { name?: string; containerPort: number; hostPort?: number; protocol?: string }[];
    env?: EnvVar[];
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    startupProbe?: Probe;
    readinessProbe?: Probe;
    livenessProbe?: Probe;
    volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
    securityContext?: Record<string, unknown>;
}

export interface PodSpec {
    containers: Container[];
    initContainers?: Container[];
    volumes?: { name: string; configMap?: { name: string } }[];
    serviceAccountName?: string;
}

export interface WorkloadSpec {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: Metadata; spec: PodSpec };
}

/** The spec of a Deployment or DaemonSet. */
export function workloadSpec(resource: DeclaredResource): WorkloadSpec {
    return at(resource.inputs, "spec") as WorkloadSpec;
}

/** The only (app) container of a Deployment or DaemonSet. */
export function mainContainer(resource: DeclaredResource): Container {
    const containers = workloadSpec(resource).template.spec.containers;
    if (containers.length !== 1) {
        throw new Error(`${resource.name} has ${containers.length} containers, expected 1`);
    }
    return containers[0];
}

/** A container's environment by variable name; throws on duplicates. */
export function envOf(container: Container): Record<string, EnvVar> {
    const env: Record<string, EnvVar> = {};
    for (const variable of container.env ?? []) {
        if (variable.name in env) {
            throw new Error(`${container.name} sets ${variable.name} twice`);
        }
        env[variable.name] = variable;
    }
    return env;
}

export interface ServiceSpec {
    type?: string;
    clusterIP?: string;
    externalName?: string;
    selector?: Record<string, string>;
    ports?: { name?: string; port: number; targetPort?: string | number; protocol?: string }[];
}

export function serviceSpec(resource: DeclaredResource): ServiceSpec {
    return at(resource.inputs, "spec") as ServiceSpec;
}

export interface PolicyStatement {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource?: string | string[];
    Principal?: Record<string, string>;
    Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocumentJson {
    Version: string;
    Statement: PolicyStatement[];
}

/** Parses a policy input (a JSON string). */
export function policyOf(value: unknown): PolicyDocumentJson {
    if (typeof value !== "string") {
        throw new Error(`policy is not a JSON string: ${JSON.stringify(value)}`);
    }
    return JSON.parse(value) as PolicyDocumentJson;
}

/**
 * Raw config with the JSON object at `key` (e.g. `eks-canary:services`) edited in place: for edits
 * `--set` cannot express, such as removing a block or setting an empty list.
 */
export function editJson(config: Readonly<Record<string, string>>, key: string, edit: (value: Record<string, unknown>) => void): Record<string, string> {
    const value = JSON.parse(config[key]) as Record<string, unknown>;
    edit(value);
    return { ...config, [key]: JSON.stringify(value) };
}

/**
 * Raw config with the canary schedule (`eks-canary:canary.steps`) set to `steps`, a list `--set`
 * cannot set; `[]` removes the schedule (any weight 0..100), as when the key is not configured.
 * For tests whose weights or replica counts must not depend on a stack file's schedule.
 */
export function withSteps(config: Readonly<Record<string, string>>, steps: readonly number[]): Record<string, string> {
    const key = "eks-canary:canary";
    const rest = Object.fromEntries(Object.entries(config).filter(([name]) => name !== key));
    if (steps.length === 0) {
        return rest;
    }
    const canary = key in config ? (JSON.parse(config[key]) as Record<string, unknown>) : {};
    return { ...rest, [key]: JSON.stringify({ ...canary, steps }) };
}

/** The pods per version the router suites pin, whatever the stack file says. */
export const ROUTER_REPLICAS = 4;

/**
 * Plans dev with `router` and notification on 4 pods per version, its canary at `weight`
 * (`"none"`: without a canary block), then `extraOverrides`. `steps`, when given, replaces the
 * stack file's canary schedule (see `withSteps`).
 */
export function planRouter(router: RouterKind, weight: number | "none", extraOverrides: readonly string[] = [], steps?: readonly number[]): Promise<OfflinePlan> {
    const overrides = [`router=${router}`, `services.notification.replicas=${ROUTER_REPLICAS}`];
    if (weight !== "none") {
        overrides.push(`services.notification.canary.weight=${weight}`);
    }
    const raw = readStackFile("dev", [...overrides, ...extraOverrides]).config;
    const config = steps === undefined ? raw : withSteps(raw, steps);
    if (weight === "none") {
        return planOffline(
            "dev",
            editJson(config, "eks-canary:services", (services) => {
                delete (services.notification as Record<string, unknown>).canary;
            }),
        );
    }
    return planOffline("dev", config);
}

/** The canary split the stack reports for `service` (notification unless told). */
export function splitOf(plan: OfflinePlan, service = "notification"): CanarySplit {
    return (plan.outputs.canary as Record<string, CanarySplit>)[service];
}

/** `spec.replicas` of the Deployment resource named `deployment`. */
export function replicasOf(plan: OfflinePlan, deployment: string): number | undefined {
    return workloadSpec(byName(plan, deployment, TYPES.deployment)).replicas;
}

/** The `type::name` keys that more than one resource of the plan shares. */
export function typeNameClashes(plan: OfflinePlan): string[] {
    const keys = plan.resources.map((resource) => `${resource.type}::${resource.name}`);
    return [...new Set(keys.filter((key, index) => keys.indexOf(key) !== index))];
}

/**
 * The inputs of the resource `name` of `type` before and after the change from `before` to
 * `after` (`diffPlans`, by URN), as copies a test may edit. Throws when the change does not touch
 * that resource, so a test never compares a resource the step left alone. `Inputs` is the shape
 * the test reads them as.
 */
export function changedInputs<Inputs = Record<string, unknown>>(before: OfflinePlan, after: OfflinePlan, type: string, name: string): { before: Inputs; after: Inputs } {
    const found = diffPlans(before, after).changed.filter((change) => change.after.type === type && change.after.name === name);
    if (found.length !== 1) {
        throw new Error(`expected the change to touch one ${type} named ${name}, found ${found.length}`);
    }
    return { before: structuredClone(found[0].before.inputs) as Inputs, after: structuredClone(found[0].after.inputs) as Inputs };
}
