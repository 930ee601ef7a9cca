/**
 * Declares one router on its own under Pulumi's mocks, without the rest of the stack, and records
 * what it registers: type, name, parent, explicit `dependsOn` and inputs. `setMocks` is global to
 * the worker (vitest.config.ts shares workers between files), so every scenario installs its own
 * mocks first and drains the mock engine before asserting.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RoutedWorkloads, RouterEnvironment } from "../../../infra/routers/contract";
import type { ResourceLookup, TaggedResource } from "../../../infra/routers/plugin";
import { decodeWireValue, mockInvoke, mockOutputs } from "../../../tools/offline";
import { afterDeploy } from "../../../stacks/markers";

export { afterDeploy };

export interface Registered {
    readonly type: string;
    readonly name: string;
    /** Name of the parent; undefined at the root. */
    readonly parent: string | undefined;
    /** Names of what `dependsOn` adds beyond the resources its inputs reference. */
    readonly dependsOn: string[];
    /** Name of the explicit provider, if any. */
    readonly provider: string | undefined;
    readonly inputs: Record<string, unknown>;
}

export interface Recording {
    readonly resources: Registered[];
    /** The one resource of `type` named `name`; throws when there is none or several. */
    one(type: string, name: string): Registered;
    ofType(type: string): Registered[];
    /** Waits until every registration has answered (and closes this mock engine). */
    settle(): Promise<void>;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }) => void): void };
    getProvider(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type RegisterCallback = (error: Error | null, response: { getUrn(): string } | undefined) => void;
interface Monitor {
    registerResource(request: RegisterRequest, callback: RegisterCallback): void;
}

const nameOfUrn = (urn: string): string | undefined => (urn === "" ? undefined : urn.slice(urn.lastIndexOf("::") + 2));

function explicitDependencies(request: RegisterRequest): string[] {
    const fromInputs = new Set<string>();
    request.getPropertydependenciesMap().forEach((dependencies) => dependencies.getUrnsList().forEach((urn) => fromInputs.add(urn)));
    return [...new Set(request.getDependenciesList())].filter((urn) => !fromInputs.has(urn)).map((urn) => nameOfUrn(urn) ?? urn);
}

/** Installs fresh mocks (the offline plan's outputs and data sources) and records every registration. */
export async function recordResources(): Promise<Recording> {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                // As the offline plan's mocks: AWS resources get an ARN, and a name when none is given.
                const aws = args.type.startsWith("aws:")
                    ? { arn: afterDeploy(args.name, "arn"), ...(args.inputs.name === undefined ? { name: afterDeploy(args.name, "name") } : {}) }
                    : {};
                return { id: afterDeploy(args.name, "id"), state: { ...args.inputs, ...aws, ...mockOutputs(args.type, args.name, args.inputs) } };
            },
            call: (args) => mockInvoke(args.token, args.inputs),
        },
        "eks-canary",
        "test",
        false,
    );
    const resources: Registered[] = [];
    const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) =>
        register(request, (error, response) => {
            if (error === null) {
                resources.push({
                    type: request.getType(),
                    name: request.getName(),
                    parent: nameOfUrn(request.getParent()),
                    dependsOn: explicitDependencies(request),
                    provider: nameOfUrn(request.getProvider().split("::").slice(0, -1).join("::")),
                    inputs: decodeWireValue(request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
                });
            }
            callback(error, response);
        });
    const ofType = (type: string): Registered[] => resources.filter((resource) => resource.type === type);
    return {
        resources,
        ofType,
        one(type, name) {
            const found = ofType(type).filter((resource) => resource.name === name);
            if (found.length !== 1) {
                throw new Error(`expected one ${type} ${name}, found ${found.length}; registered: ${resources.map((r) => `${r.type} ${r.name}`).join(", ")}`);
            }
            return found[0];
        },
        settle: () => pulumi.runtime.disconnect(),
    };
}

/** The value of an output (or plain input), once the mocks have resolved it. */
export function resolved<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(value).apply((plain) => resolve(plain as T)));
}

/** A custom resource of no provider, standing in for what a router is told to wait for (a controller, a release). */
export class StandIn extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:StandIn", name, {});
    }
}

export const NAMESPACE = "apps";
export const OIDC = { arn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", issuer: "oidc.eks.eu-west-1.amazonaws.com/id/ABC" };

/**
 * A minimal environment of a router: a Kubernetes provider, a stand-in for the load balancer
 * controller, a fake OIDC provider (infra/iam.ts OidcProvider) and plain network identifiers.
 */
export function routerEnvironment(overrides: Partial<RouterEnvironment> = {}): RouterEnvironment {
    return {
        name: "demo",
        namespace: NAMESPACE,
        namespaceName: NAMESPACE,
        k8sProvider: new k8s.Provider("k8s", { kubeconfig: "{}" }),
        externalPorts: [],
        automatedServices: [],
        gatewayApiCrds: "install",
        aws: {
            region: "eu-west-1",
            clusterName: "demo",
            vpcId: "vpc-0123",
            vpcCidr: "10.20.0.0/16",
            nodeSecurityGroupId: "sg-nodes",
            oidcProvider: OIDC,
            loadBalancerController: new StandIn("load-balancer-controller"),
        },
        ...overrides,
    };
}

/** A component standing in for a service's component: the parent of what a router declares for it. */
export function parentOf(service: string): pulumi.ComponentResource {
    return new pulumi.ComponentResource("test:index:Service", service);
}

/** Stand-ins for the versions' Deployments: a ConfigMap per version, `<service>-v1` and (with `canary`) `<service>-v2`. */
export function workloadsOf(service: string, provider: k8s.Provider, canary = true): RoutedWorkloads {
    const workload = (version: string): k8s.core.v1.ConfigMap =>
        new k8s.core.v1.ConfigMap(`${service}-${version}-workload`, { metadata: { name: `${service}-${version}`, namespace: NAMESPACE } }, { provider });
    return canary ? { stable: workload("v1"), canary: workload("v2") } : { stable: workload("v1") };
}

/**
 * A Resource Groups Tagging API answering from `resources`: those of the asked types (by ARN,
 * `arn:aws:<service>:...:<type>/...`) carrying every asked tag. `calls` records the questions.
 */
export function fakeLookup(resources: readonly TaggedResource[]): ResourceLookup & { calls: { types: readonly string[]; tags: Readonly<Record<string, string>> }[] } {
    const calls: { types: readonly string[]; tags: Readonly<Record<string, string>> }[] = [];
    const lookup = async (types: readonly string[], tags: Readonly<Record<string, string>>): Promise<TaggedResource[]> => {
        calls.push({ types, tags });
        return resources.filter((resource) => {
            const [, , service, , , resourcePart = ""] = resource.arn.split(":");
            const ofType = types.some((type) => {
                const [typeService, typeName] = type.split(":");
                return typeService === service && resourcePart.startsWith(`${typeName}/`);
            });
            return ofType && Object.entries(tags).every(([key, value]) => resource.tags[key] === value);
        });
    };
    return Object.assign(lookup, { calls });
}
