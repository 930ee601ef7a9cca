/**
 * Runs the program under Pulumi's mocks, with no cloud and no Pulumi CLI, and records what it
 * declares: every resource with its type, name, parent and inputs, and the stack outputs. The
 * offline plan and the tests share it.
 *
 * Values that only AWS or Kubernetes know after a deploy (IDs, ARNs, endpoints) come back from
 * the mocks as `(known after deploy: <resource>.<property>)`, so the plan shows where each one
 * flows. Secret values are recorded as `[secret]`.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, PROJECT } from "../stacks/config";
import { afterDeploy, isAfterDeploy, SECRET } from "../stacks/markers";
import { declareStack, StackOutputs } from "../stacks/program";
import { RESOURCE_TYPES } from "../infra/resource-types";

export { afterDeploy, isAfterDeploy, SECRET };

export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    /** Name of the parent resource; undefined for the stack's direct children. */
    readonly parent: string | undefined;
    readonly urn: string;
    /** Custom resources are real cloud or Kubernetes objects; the others are components. */
    readonly custom: boolean;
    /** `protect`: Pulumi refuses to delete or replace it. */
    readonly protect: boolean;
    /** `retainOnDelete`: `pulumi destroy` leaves it in the cloud. */
    readonly retainOnDelete: boolean;
    /** Names of the resources its `dependsOn` names (explicit ordering, beyond its inputs' own). */
    readonly dependsOn: string[];
    /** Name of its explicit provider resource, if any: it also waits for that provider. */
    readonly provider: string | undefined;
    readonly inputs: Record<string, unknown>;
}

export interface OfflinePlan {
    readonly stack: string;
    readonly resources: DeclaredResource[];
    readonly outputs: Record<string, unknown>;
}

/** What the providers would return for the outputs the program reads, per resource type. */
export function mockOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const unknown = (property: string): string => afterDeploy(name, property);
    const perZone = (property: string): string[] => Array.from({ length: Number(inputs.numberOfAvailabilityZones ?? 3) }, (_, zone) => afterDeploy(name, `${property}[${zone}]`));
    switch (type) {
        case RESOURCE_TYPES.vpc:
            return {
                vpcId: unknown("vpcId"),
                publicSubnetIds: perZone("publicSubnetIds"),
                privateSubnetIds: perZone("privateSubnetIds"),
                isolatedSubnetIds: perZone("isolatedSubnetIds"),
            };
        case RESOURCE_TYPES.eksCluster:
            return {
                kubeconfigJson: unknown("kubeconfigJson"),
                oidcProviderArn: unknown("oidcProviderArn"),
                oidcIssuer: unknown("oidcIssuer"),
                nodeSecurityGroupId: unknown("nodeSecurityGroupId"),
                clusterSecurityGroupId: unknown("clusterSecurityGroupId"),
            };
        case RESOURCE_TYPES.rdsInstance:
            return { address: unknown("address"), endpoint: unknown("endpoint") };
        case RESOURCE_TYPES.launchTemplate:
            return { latestVersion: 1 };
        case RESOURCE_TYPES.accessKey:
            return { sesSmtpPasswordV4: unknown("sesSmtpPasswordV4") };
        case RESOURCE_TYPES.randomPassword:
            return { result: unknown("result") };
        case RESOURCE_TYPES.randomId:
            return { hex: unknown("hex") };
        case RESOURCE_TYPES.tlsPrivateKey:
            return { privateKeyPem: unknown("privateKeyPem") };
        case RESOURCE_TYPES.tlsCertRequest:
            return { certRequestPem: unknown("certRequestPem") };
        case RESOURCE_TYPES.tlsSelfSignedCert:
        case RESOURCE_TYPES.tlsLocallySignedCert:
            return { certPem: unknown("certPem") };
        case RESOURCE_TYPES.bucket:
            return { bucket: unknown("bucket") };
        case RESOURCE_TYPES.hostedZone:
            return { zoneId: unknown("zoneId") };
        case RESOURCE_TYPES.ingress:
            // The Kubernetes provider waits for the load balancer's address before it reports an Ingress ready.
            return { status: { loadBalancer: { ingress: [{ hostname: unknown("status.loadBalancer.ingress[0].hostname") }] } } };
        default:
            return {};
    }
}

/**
 * What a controller will have created by the time the program looks it up by tags (a target group,
 * a load balancer): one resource carrying the asked tags, whose ID is known after deploy.
 */
function taggedResourceAfterDeploy(inputs: Record<string, unknown>): { resourceArn: string; tags: Record<string, string> } {
    const [type = "resource"] = (inputs.resourceTypeFilters as string[] | undefined) ?? [];
    const filters = (inputs.tagFilters as { key: string; values: string[] }[] | undefined) ?? [];
    const tags = Object.fromEntries(filters.map((filter) => [filter.key, filter.values[0] ?? ""]));
    const [service, resourceType] = type.split(":");
    // What the controller names it by: the Service and route, or its Ingress resource tag.
    const ingressResource = tags["ingress.k8s.aws/resource"];
    const subject =
        ingressResource === "LoadBalancer"
            ? `of Ingress ${tags["ingress.k8s.aws/stack"]}`
            : (ingressResource ?? [tags["application-networking.k8s.aws/ServiceName"], tags["application-networking.k8s.aws/RouteName"]].filter(Boolean).join(" in route "));
    const kind = resourceType === "loadbalancer" ? "loadbalancer/app/" : `${resourceType}/`;
    return { resourceArn: `arn:aws:${service}:(region):(account):${kind}${afterDeploy(`${resourceType} ${subject}`, "id")}`, tags };
}

/** What the data sources the program reads would answer; any other is refused. */
export function mockInvoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: afterDeploy("aws", "accountId"), arn: afterDeploy("aws", "callerArn"), userId: afterDeploy("aws", "userId"), id: afterDeploy("aws", "accountId") };
        case "aws:ec2/getManagedPrefixList:getManagedPrefixList": {
            const name = String(inputs.name);
            return { id: afterDeploy(`prefix list ${name}`, "id"), name, addressFamily: name.includes(".ipv6.") ? "IPv6" : "IPv4" };
        }
        case "aws:resourcegroupstaggingapi/getResources:getResources":
            return { resourceTagMappingLists: [taggedResourceAfterDeploy(inputs)] };
        case "aws:elb/getServiceAccount:getServiceAccount":
            return { arn: afterDeploy("aws", "elbServiceAccountArn"), id: afterDeploy("aws", "elbServiceAccountId") };
        default:
            throw new Error(`the program called ${token}; the offline plan has no answer for it (add one to mockInvoke in tools/offline.ts)`);
    }
}

const offlineMocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const outputs = mockOutputs(args.type, args.name, args.inputs);
        const generic: Record<string, unknown> = {};
        if (args.type.startsWith("aws:")) {
            generic.arn = afterDeploy(args.name, "arn");
            if (args.inputs.name === undefined) {
                generic.name = afterDeploy(args.name, "name");
            }
        }
        return { id: afterDeploy(args.name, "id"), state: { ...args.inputs, ...generic, ...outputs } };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return mockInvoke(args.token, args.inputs);
    },
};

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }) => void): void };
    getProvider(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface RegisterResponse {
    getUrn(): string;
}
type RegisterCallback = (error: Error | null, response: RegisterResponse | undefined) => void;
interface MonitorWithRegister {
    registerResource(request: RegisterRequest, callback: RegisterCallback): void;
}

/** Decodes Pulumi's wire form of inputs: secrets become `[secret]`, references their URN. */
export function decodeWireValue(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(decodeWireValue);
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        const signature = record[pulumi.runtime.specialSigKey];
        if (signature === pulumi.runtime.specialSecretSig) {
            return SECRET;
        }
        if (signature === pulumi.runtime.specialResourceSig) {
            return record.urn;
        }
        return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, decodeWireValue(item)]));
    }
    return value === pulumi.runtime.unknownValue ? "(unknown)" : value;
}

/** The dependencies `dependsOn` adds: all of them but those the inputs' values bring. */
function explicitDependencies(request: RegisterRequest): string[] {
    const fromInputs = new Set<string>();
    request.getPropertydependenciesMap().forEach((dependencies) => dependencies.getUrnsList().forEach((urn) => fromInputs.add(urn)));
    return [...new Set(request.getDependenciesList())].filter((urn) => !fromInputs.has(urn));
}

function nameOfUrn(urn: string): string | undefined {
    return urn === "" ? undefined : urn.slice(urn.lastIndexOf("::") + 2);
}

/** Resolves an output to its value, or `[secret]` when it is secret. */
async function resolveOutput(value: unknown): Promise<unknown> {
    const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<unknown>);
    const plain = await new Promise<unknown>((resolve) => output.apply((resolved) => resolve(resolved)));
    return (await pulumi.isSecret(output)) ? SECRET : plain;
}

/**
 * Declares the stack `stack` with raw Pulumi config (`namespace:key` → string, objects as JSON)
 * under mocks and returns what it declared. Throws the ConfigError of bad config, before any
 * resource is declared.
 */
export async function planOffline(stack: string, rawConfig: Readonly<Record<string, string>>): Promise<OfflinePlan> {
    const config = parseStackConfig(rawConfig, stack);
    await pulumi.runtime.setMocks(offlineMocks, PROJECT, stack, false);
    pulumi.runtime.setAllConfig({ ...rawConfig });

    const resources: DeclaredResource[] = [];
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) =>
        register(request, (error, response) => {
            if (error === null && response !== undefined) {
                resources.push({
                    type: request.getType(),
                    name: request.getName(),
                    parent: nameOfUrn(request.getParent()),
                    urn: response.getUrn(),
                    custom: request.getCustom(),
                    protect: request.getProtect(),
                    retainOnDelete: request.getRetainondelete(),
                    dependsOn: [...new Set(explicitDependencies(request).map((urn) => nameOfUrn(urn) ?? urn))],
                    // A provider reference is `<urn>::<id>`.
                    provider: nameOfUrn(request.getProvider().split("::").slice(0, -1).join("::")),
                    inputs: decodeWireValue(request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
                });
            }
            callback(error, response);
        });

    const declared: StackOutputs = declareStack(config);
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(declared)) {
        outputs[key] = await resolveOutput(value);
    }
    // Resources that no output depends on may still be registering.
    await pulumi.runtime.disconnect();
    return { stack, resources, outputs };
}
