/**
 * Test doubles of the canary command: a stack in memory (config, preview, up, outputs, tags), git,
 * a clock, CloudWatch and the tag lookup, and `canary()`, which runs the command on them.
 */
import { vi } from "vitest";
import { main } from "../../../tools/canary";
import type { CanaryDeps } from "../../../tools/canary/deps";
import { changeKey } from "../../../tools/canary/expected";
import type { Health } from "../../../tools/canary/gates";
import { GitDriver } from "../../../tools/canary/git";
import { LEASE_TAG } from "../../../tools/canary/lease";
import { MetricSource, ResourceLookup } from "../../../tools/canary/metrics";
import { parseUrn, PlannedChange, stackFileDriver, StackDriver } from "../../../tools/canary/stack";
import { readStackFile } from "../../../tools/stackfile";

export const CANARY_IMAGE = "stacksimplify/kube-notifications-microservice:4.0.0-AWS-XRay";
export const STABLE_IMAGE = "stacksimplify/kube-notifications-microservice:3.0.0-AWS-XRay";
export const INGRESS = changeKey("kubernetes:networking.k8s.io/v1:Ingress", "notification-canary");
export const urnOf = (key: string): string => {
    const [type, name] = key.split(" ");
    return `urn:pulumi:prod::eks-canary::eks-canary:canary:CanaryService$${type}::${name}`;
};

export interface StackOptions {
    /** Overrides of Pulumi.prod.yaml (alb router, schedule 0, 10, 25, 50, 100, canary at 25 %). */
    overrides?: string[];
    /** The weight the stack runs (its canary output); default: the config's. */
    deployed?: number;
    /** The weights other services run (their canary outputs), by service; notification's is `deployed`. */
    deployedOf?: Record<string, number>;
    upFails?: (message: string) => boolean;
    /** Extra changes every preview shows (drift, someone else's pending change). */
    extraPreview?: PlannedChange[];
    lease?: string;
}

/** A stack double on Pulumi.prod.yaml: config in memory, every change recorded in order in `log`. */
export function fakeStack(options: StackOptions = {}) {
    const log: string[] = [];
    const config: Record<string, string> = { ...readStackFile("prod", options.overrides ?? []).config };
    const tags: Record<string, string> = options.lease === undefined ? {} : { [LEASE_TAG]: options.lease };
    const services = (): Record<string, Record<string, unknown>> => JSON.parse(config["eks-canary:services"]) as Record<string, Record<string, unknown>>;
    let deployed = options.deployed ?? (services().notification.canary as { weight: number } | undefined)?.weight;
    let deployedStable = (services().notification.stable as { image: string }).image;
    const edit = (key: string, change: (parent: Record<string, unknown>, last: string) => void): void => {
        const [top, ...rest] = key.slice("eks-canary:".length).split(".");
        const value = JSON.parse(config[`eks-canary:${top}`] ?? "{}") as Record<string, unknown>;
        let node = value;
        for (const segment of rest.slice(0, -1)) {
            node = node[segment] as Record<string, unknown>;
        }
        change(node, rest[rest.length - 1]);
        config[`eks-canary:${top}`] = JSON.stringify(value);
    };
    const driver = {
        readConfig: vi.fn(async () => ({ ...config })),
        setConfig: vi.fn(async (key: string, value: string) => {
            log.push(`set ${key}=${value}`);
            edit(key, (parent, last) => {
                parent[last] = /^\d+$/.test(value) ? Number(value) : value;
            });
        }),
        removeConfig: vi.fn(async (key: string) => {
            log.push(`rm ${key}`);
            edit(key, (parent, last) => {
                delete parent[last];
            });
        }),
        preview: vi.fn(async () => {
            log.push("preview");
            const weight = (services().notification.canary as { weight?: number } | undefined)?.weight;
            const stable = (services().notification.stable as { image: string }).image;
            const deployment = changeKey("kubernetes:apps/v1:Deployment", "notification-v1-deployment");
            const changes = [
                ...(weight === deployed ? [] : [{ urn: urnOf(INGRESS), type: INGRESS.split(" ")[0], name: "notification-canary", op: "update" }]),
                ...(stable === deployedStable ? [] : [{ urn: urnOf(deployment), type: deployment.split(" ")[0], name: "notification-v1-deployment", op: "update" }]),
            ];
            return [...changes, ...(options.extraPreview ?? [])];
        }),
        up: vi.fn(async (message: string, targets: readonly string[]) => {
            log.push(`up ${message} [${targets.map((urn) => parseUrn(urn).name).join(", ")}]`);
            // A failed update may still have changed the routing (the annotation written, its wait failed).
            deployed = (services().notification.canary as { weight?: number } | undefined)?.weight ?? 0;
            if (options.upFails?.(message) === true) {
                throw new Error("code: 255\n stderr: error: update failed");
            }
            deployedStable = (services().notification.stable as { image: string }).image;
        }),
        outputs: vi.fn(async () => ({
            clusterName: "eks-canary-prod",
            namespace: "eks-canary",
            kubeconfig: "{}",
            canary: {
                ...Object.fromEntries(Object.entries(options.deployedOf ?? {}).map(([name, weight]) => [name, { router: "alb", weight, mode: "manual" }])),
                notification: { router: "alb", weight: deployed, mode: "manual" },
            },
        })),
        getTag: vi.fn(async (key: string) => tags[key]),
        setTag: vi.fn(async (key: string, value: string) => {
            log.push(`tag ${key}`);
            tags[key] = value;
        }),
        removeTag: vi.fn(async (key: string) => {
            log.push(`untag ${key}`);
            delete tags[key];
        }),
    } satisfies StackDriver;
    return { driver, log, config, tags, services };
}

/** A git double: the stack file is `clean` before the first change, and changed after each deploy (until committed). */
export function fakeGit(clean = true) {
    const commits: string[] = [];
    let calls = 0;
    const git: GitDriver & { commits: string[] } = {
        commits,
        isClean: vi.fn(async () => (calls++ === 0 ? clean : false)),
        commit: vi.fn(async (_file: string, message: string) => {
            commits.push(message);
        }),
        push: vi.fn(async () => undefined),
        show: vi.fn(async () => undefined),
    };
    return git;
}

export function fakeClock(start = Date.UTC(2026, 0, 1)) {
    let now = start;
    return {
        now: vi.fn(() => now),
        sleep: vi.fn(async (ms: number) => {
            now += ms;
        }),
    };
}

export const healthy: Extract<Health, { kind: "ok" }> = { kind: "ok", requests: 1000, target5xx: 1, connectionErrors: 0, p99Ms: 250, loadBalancer: { requests: 4000, elb5xx: 0 } };

export function fakeMetrics(health: Health | ((call: number) => Health)): MetricSource & { canaryHealth: ReturnType<typeof vi.fn> } {
    let calls = 0;
    return {
        description: "fake CloudWatch",
        canaryHealth: vi.fn(async () => {
            calls++;
            return typeof health === "function" ? health(calls) : health;
        }),
    };
}

/** The tags the load balancer controller puts on the canary's target group and load balancer. */
/** The ALB's target groups and load balancer, filtered by the tags a lookup asks that they carry. */
export const albLookup: ResourceLookup = async (types, tags) =>
    (types[0] === "elasticloadbalancing:targetgroup"
        ? [
              {
                  arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-v1/aaaaaaaaaaaaaaaa",
                  tags: { "ingress.k8s.aws/resource": "eks-canary/notification-canary-notification-v1:8096" },
              },
              {
                  arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-v2/0123456789abcdef",
                  tags: { "ingress.k8s.aws/resource": "eks-canary/notification-canary-notification-v2:8096" },
              },
          ]
        : [{ arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/k8s-notif/fedcba9876543210", tags: { "ingress.k8s.aws/resource": "LoadBalancer" } }]
    ).filter((resource) => Object.entries(tags).every(([key, value]) => !(key in resource.tags) || (resource.tags as Record<string, string>)[key] === value));

export interface Run {
    code: number;
    out: string;
    err: string;
}

export async function canary(argv: string[], overrides: Partial<CanaryDeps> & { stack?: StackDriver; metrics?: MetricSource } = {}): Promise<Run & { deps: CanaryDeps }> {
    const out: string[] = [];
    const err: string[] = [];
    const stack = overrides.stack ?? fakeStack().driver;
    const metrics = overrides.metrics ?? fakeMetrics(healthy);
    const deps: CanaryDeps = {
        io: { out: (text) => out.push(text), err: (text) => err.push(text) },
        clock: fakeClock(),
        findPulumi: vi.fn(() => "/usr/local/bin/pulumi"),
        openStack: vi.fn(async () => stack),
        stackFile: vi.fn((name: string) => stackFileDriver(name)),
        git: fakeGit(),
        // A weight step changes the canary Ingress; a promotion the Deployments too.
        expected: vi.fn(async () => new Set([INGRESS, changeKey("kubernetes:apps/v1:Deployment", "notification-v1-deployment")])),
        lookup: vi.fn(async () => albLookup),
        metricSource: vi.fn(async () => metrics),
        changeDiff: vi.fn(async () => ["~ the offline diff (a double)"]),
        prometheusSource: vi.fn(() => metrics),
        load: vi.fn(async () => undefined),
        offlineOutputs: vi.fn(async () => ({})),
        confirm: undefined,
        abort: new AbortController().signal,
        holder: "tester@host pid 1",
        progressEveryMs: 60_000,
        ...overrides,
    };
    const code = await main(argv, deps);
    return { code, out: out.join("\n"), err: err.join("\n"), deps };
}
