/**
 * Finds, at deploy time, where a version's CloudWatch metrics are: the target group (and load
 * balancer) its router's controller created, by the controller's tags, through the same finder
 * the canary command uses (RouterHealth.find). The dimension values then go into the dashboards
 * and alarms exactly, though no one types an ARN and the program does not own those resources.
 *
 * It waits for the routing resources first. On the first preview they do not exist, so the values
 * are unknown; during `pulumi up` a controller may still be reconciling (the Gateway API
 * controller creates Lattice target groups after the HTTPRoute is accepted), and the Tagging API
 * may still list a target group the controller deleted (a canary removed and added again), so a
 * target that is missing or ambiguous is looked up again every 10 s for up to 5 minutes (a
 * service's versions together). Monitoring never blocks a rollout or a rollback: what is still not
 * found is a warning and a placeholder. In a preview a missing target shows as a placeholder that
 * the next `up` resolves.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CommandService, RouterHealth, Version } from "../routers/plugin";
import { findIngressTarget, IngressBackend } from "../addons/load-balancer-controller/health";
import { Located, locateProblem, ResourceLookup, VersionTarget } from "./health";

export interface LocateWait {
    readonly attempts: number;
    readonly delayMs: number;
}

export const LOCATE_WAIT: LocateWait = { attempts: 30, delayMs: 10_000 };

/** The Resource Groups Tagging API, through the AWS provider's data source. */
export const taggedResources: ResourceLookup = async (resourceTypes, tags) => {
    const found = await aws.resourcegroupstaggingapi.getResources({
        resourceTypeFilters: [...resourceTypes],
        tagFilters: Object.entries(tags).map(([key, value]) => ({ key, values: [value] })),
    });
    return (found.resourceTagMappingLists ?? []).map((mapping) => ({ arn: mapping.resourceArn, tags: mapping.tags ?? {} }));
};

export interface LocateArgs {
    readonly health: RouterHealth;
    readonly service: CommandService;
    readonly versions: readonly Version[];
    readonly location: { readonly clusterName: string; readonly namespace: string };
    /** The routing resources the router's controller turns into what is found: looked up once they exist. */
    readonly after: readonly pulumi.CustomResource[];
    readonly lookup?: ResourceLookup;
    readonly wait?: LocateWait;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Each version's dimension values, once the routing resources exist; the versions are looked up together. */
export function locateVersions(args: LocateArgs): pulumi.Output<Partial<Record<Version, VersionTarget>>> {
    const lookup = args.lookup ?? taggedResources;
    return afterAll(args.after, async () => {
        const found = await Promise.all(
            args.versions.map(
                async (version) =>
                    [version, await awaitTarget(`${args.service.name} ${version}`, () => args.health.find(args.service, version, args.location, lookup), args.wait)] as const,
            ),
        );
        return Object.fromEntries(found) as Partial<Record<Version, VersionTarget>>;
    });
}

/** The ALB dimensions of a Service behind an Ingress, once the Ingress exists (the public ingress). */
export function locateIngress(
    backend: IngressBackend,
    after: readonly pulumi.CustomResource[],
    lookup: ResourceLookup = taggedResources,
    wait?: LocateWait,
): pulumi.Output<VersionTarget> {
    return afterAll(after, () => awaitTarget(`Ingress ${backend.namespace}/${backend.ingress}`, () => findIngressTarget(backend, lookup), wait));
}

function afterAll<T>(resources: readonly pulumi.CustomResource[], run: () => Promise<T>): pulumi.Output<T> {
    return pulumi.all(resources.map((resource) => resource.id)).apply(run);
}

/**
 * Finds a target, waiting for a controller that has not created it yet, or whose deleted target
 * group the Tagging API still lists, or for a lookup that failed (see the file's comment). It never fails the deploy: what it
 * cannot find after the wait is a warning and a placeholder, whose alarms stay without data (no
 * breach) until an `up` finds it. `preview`: a preview, which does not wait.
 */
export async function awaitTarget(
    what: string,
    find: () => Promise<Located>,
    wait: LocateWait = LOCATE_WAIT,
    preview = pulumi.runtime.isDryRun(),
    warn: (message: string) => void = (message) => void pulumi.log.warn(message),
): Promise<VersionTarget> {
    for (let attempt = 1; ; attempt++) {
        // A lookup that fails (throttling) is looked at again like a missing target; a denied one at once gives up.
        let denied = false;
        const result = await Promise.resolve()
            .then(find)
            .catch((error: unknown): Located => {
                const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
                denied = /AccessDenied|not authorized/i.test(message);
                return { missing: `the tag lookup failed: ${message}` };
            });
        if (result !== undefined && "target" in result) {
            return result.target;
        }
        const problem = result === undefined ? { missing: "the finder answered nothing" } : result;
        if (preview) {
            return placeholder(`found by tag on pulumi up: ${what}`);
        }
        if (attempt >= wait.attempts || denied) {
            warn(
                `the metrics of ${what}: ${locateProblem(problem)} (looked ${attempt} times over ${Math.round((attempt * wait.delayMs) / 60_000)} minutes); ` +
                    "its dashboard and alarms show a placeholder until a later `pulumi up` finds it",
            );
            return placeholder(`not found: ${what}`);
        }
        await sleep(wait.delayMs);
    }
}

function placeholder(text: string): VersionTarget {
    return { targetGroup: `(${text})`, loadBalancer: `(${text})` };
}
