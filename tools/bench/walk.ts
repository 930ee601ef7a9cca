/**
 * The walk simulation: the canary command's real walk (tools/canary/walk.ts runWalk, with its
 * gates) on a simulated clock, a simulated stack and a metric source computed from a traffic
 * model, beside Flagger's analysis loop with its defaults on the same traffic. For a canary that
 * fails (5 % 5xx, or +300 ms p99) it reports the time to rollback and the share of all requests
 * that failed; for a healthy one, the time to full promotion.
 */
import { changeKey } from "../canary/expected";
import type { Gates, Health } from "../canary/gates";
import type { GitDriver } from "../canary/git";
import type { MetricSource, MetricWindow } from "../canary/metrics";
import type { PlannedChange, StackDriver } from "../canary/stack";
import { runWalk } from "../canary/walk";
import { readStackFile } from "../stackfile";
import { RESOURCE_TYPES } from "../../infra/resource-types";

/** The traffic both release methods see. */
export interface Traffic {
    /** Requests per second to the service, all versions together. */
    readonly requestsPerSecond: number;
    /** The stable version's p99 and 5xx rate. */
    readonly stableP99Ms: number;
    readonly stable5xxRate: number;
}

export interface Scenario {
    readonly name: string;
    readonly canary5xxRate: number;
    readonly canaryP99Ms: number;
}

export const TRAFFIC: Traffic = { requestsPerSecond: 50, stableP99Ms: 250, stable5xxRate: 0.001 };

export const SCENARIOS: readonly Scenario[] = [
    { name: "healthy canary", canary5xxRate: 0.001, canaryP99Ms: 250 },
    { name: "canary fails 5 % of requests", canary5xxRate: 0.05, canaryP99Ms: 250 },
    { name: "canary p99 +300 ms", canary5xxRate: 0.001, canaryP99Ms: 550 },
];

/** The gates both use: Flagger's default checks in this stack (success rate ≥ 99 %, p99 ≤ 500 ms). */
export const SIMULATED_GATES: Gates = { max5xxRate: 0.01, maxP99Ms: 500, minRequests: 100 };

/** What one `pulumi up` of a routing change takes (the controller reconciles the ALB rule). */
export const UP_MS = 60_000;
export const BAKE_MS = 10 * 60_000;
/** Flagger's defaults as this stack configures them (infra/addons/flagger, stacks/config/ ANALYSIS_DEFAULTS). */
export const FLAGGER = { intervalMs: 60_000, threshold: 5, stepWeight: 5, maxWeight: 50 } as const;

export interface WalkFigure {
    readonly scenario: string;
    readonly method: "canary command" | "Flagger";
    readonly outcome: "promoted" | "rolled back" | "held";
    /** From the first step to the end (promoted: all requests on the new version; rolled back: back at the last safe weight). */
    readonly timeMs: number;
    /** Failed requests (stable and canary) over all requests in that time. */
    readonly failedShare: number;
}

/** The requests and failures of the service over time, as the weight moves. */
class TrafficModel {
    private now = 0;
    private weight = 0;
    private segments: { start: number; end: number; weight: number }[] = [];
    total = 0;
    failed = 0;

    constructor(
        private readonly traffic: Traffic,
        private readonly scenario: Scenario,
    ) {}

    get time(): number {
        return this.now;
    }

    advance(ms: number): void {
        if (ms <= 0) {
            return;
        }
        const requests = (this.traffic.requestsPerSecond * ms) / 1000;
        const canary = (requests * this.weight) / 100;
        this.total += requests;
        this.failed += canary * this.scenario.canary5xxRate + (requests - canary) * this.traffic.stable5xxRate;
        this.segments.push({ start: this.now, end: this.now + ms, weight: this.weight });
        this.now += ms;
    }

    setWeight(weight: number): void {
        this.weight = weight;
    }

    /** The canary's requests in a window. */
    canaryRequests(start: number, end: number): number {
        return this.segments.reduce((sum, segment) => {
            const overlap = Math.max(0, Math.min(end, segment.end) - Math.max(start, segment.start));
            return sum + (this.traffic.requestsPerSecond * overlap * segment.weight) / 100 / 1000;
        }, 0);
    }

    canaryHealth(start: number, end: number): Health {
        const requests = Math.floor(this.canaryRequests(start, end));
        return {
            kind: "ok",
            requests,
            target5xx: Math.round(requests * this.scenario.canary5xxRate),
            connectionErrors: 0,
            p99Ms: requests > 0 ? this.scenario.canaryP99Ms : undefined,
            loadBalancer: { requests: Math.floor((this.traffic.requestsPerSecond * (end - start)) / 1000), elb5xx: 0 },
        };
    }
}

const INGRESS = changeKey(RESOURCE_TYPES.ingress, "notification-canary");

/** The canary command's walk from 0 % with --promote on prod's schedule, on the simulated stack. */
export async function simulateCommandWalk(scenario: Scenario, traffic: Traffic = TRAFFIC): Promise<WalkFigure> {
    const model = new TrafficModel(traffic, scenario);
    const config: Record<string, string> = { ...readStackFile("prod", ["services.notification.canary.weight=0"]).config };
    const services = (): Record<string, { canary?: { weight: number }; stable: { image: string } }> =>
        JSON.parse(config["eks-canary:services"]) as Record<string, { canary?: { weight: number }; stable: { image: string } }>;
    const write = (key: string, value: string | undefined): void => {
        const all = services();
        const path = key.slice("eks-canary:services.".length).split(".");
        let node = all as unknown as Record<string, unknown>;
        for (const segment of path.slice(0, -1)) {
            node = node[segment] as Record<string, unknown>;
        }
        if (value === undefined) {
            delete node[path[path.length - 1]];
        } else {
            node[path[path.length - 1]] = /^\d+$/.test(value) ? Number(value) : value;
        }
        config["eks-canary:services"] = JSON.stringify(all);
    };
    let deployedWeight = 0;
    let finishedAt: number | undefined;
    const tags: Record<string, string> = {};
    const driver: StackDriver = {
        readConfig: async () => ({ ...config }),
        setConfig: async (key, value) => write(key, value),
        removeConfig: async (key) => write(key, undefined),
        preview: async (): Promise<PlannedChange[]> => [
            { urn: `urn:pulumi:prod::eks-canary::${INGRESS.split(" ")[0]}::notification-canary`, type: INGRESS.split(" ")[0], name: "notification-canary", op: "update" },
        ],
        up: async () => {
            model.advance(UP_MS);
            deployedWeight = services().notification.canary?.weight ?? 0;
            model.setWeight(deployedWeight);
            finishedAt = model.time;
        },
        outputs: async () => ({ clusterName: "eks-canary-prod", namespace: "eks-canary", canary: { notification: { weight: deployedWeight } } }),
        getTag: async (key) => tags[key],
        setTag: async (key, value) => {
            tags[key] = value;
        },
        removeTag: async (key) => {
            delete tags[key];
        },
    };
    const git: GitDriver = { isClean: async () => true, commit: async () => undefined, push: async () => undefined, show: async () => undefined };
    const source: MetricSource = {
        description: "simulated",
        canaryHealth: async (_service: string, window: MetricWindow) => model.canaryHealth(window.start.getTime(), window.end.getTime()),
    };
    const silent = { out: (): void => undefined, err: (): void => undefined };
    const code = await runWalk(
        {
            stack: "prod",
            driver,
            git,
            stackFile: "Pulumi.prod.yaml",
            push: false,
            expected: async () => new Set([INGRESS]),
            io: silent,
            clock: {
                now: () => model.time,
                sleep: async (ms) => model.advance(ms),
            },
            holder: "bench",
            abort: new AbortController().signal,
            // The controller's tags on the canary's target group and load balancer.
            lookup: async () => async (types) =>
                types[0] === "elasticloadbalancing:targetgroup"
                    ? [
                          {
                              arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/k8s-v2/0123456789abcdef",
                              tags: { "ingress.k8s.aws/resource": "eks-canary/notification-canary-notification-v2:8096" },
                          },
                      ]
                    : [{ arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/k8s-notif/fedcba9876543210", tags: {} }],
            metricSource: async () => source,
            prometheusSource: () => source,
            load: async () => undefined,
        },
        {
            service: "notification",
            bakeMs: BAKE_MS,
            gates: SIMULATED_GATES,
            promote: true,
            load: false,
            prometheusUrl: "http://localhost:9090",
            force: false,
            progressEveryMs: 30_000,
        },
    ).catch((error: unknown) => {
        throw new Error(`the simulated walk failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    return {
        scenario: scenario.name,
        method: "canary command",
        outcome: code === 0 ? "promoted" : code === 3 ? "held" : "rolled back",
        timeMs: finishedAt ?? model.time,
        failedShare: model.total === 0 ? 0 : model.failed / model.total,
    };
}

/**
 * Flagger's analysis loop (fluxcd/flagger scheduler): every interval it checks the metrics of the
 * last interval; a failed check counts towards the threshold (cumulative), at the threshold it
 * routes everything back to the primary; a passed check moves the weight a step, and a passed
 * check at maxWeight promotes (one interval to copy the canary into the primary, one to route
 * all requests back to it).
 */
export function simulateFlagger(scenario: Scenario, traffic: Traffic = TRAFFIC): WalkFigure {
    const model = new TrafficModel(traffic, scenario);
    let weight: number = FLAGGER.stepWeight;
    let failedChecks = 0;
    model.setWeight(weight);
    for (;;) {
        const start = model.time;
        model.advance(FLAGGER.intervalMs);
        const health = model.canaryHealth(start, model.time);
        const failed = health.kind === "ok" && (health.target5xx / Math.max(1, health.requests) > SIMULATED_GATES.max5xxRate || (health.p99Ms ?? 0) > SIMULATED_GATES.maxP99Ms);
        if (failed) {
            failedChecks++;
            if (failedChecks >= FLAGGER.threshold) {
                model.setWeight(0);
                return { scenario: scenario.name, method: "Flagger", outcome: "rolled back", timeMs: model.time, failedShare: model.failed / model.total };
            }
            continue;
        }
        if (weight >= FLAGGER.maxWeight) {
            // Promotion: the primary takes the canary's spec (and rolls), then all traffic returns to it.
            model.advance(2 * FLAGGER.intervalMs);
            model.setWeight(0);
            return { scenario: scenario.name, method: "Flagger", outcome: "promoted", timeMs: model.time, failedShare: model.failed / model.total };
        }
        weight = Math.min(FLAGGER.maxWeight, weight + FLAGGER.stepWeight);
        model.setWeight(weight);
    }
}

export async function simulateWalks(): Promise<WalkFigure[]> {
    const figures: WalkFigure[] = [];
    for (const scenario of SCENARIOS) {
        figures.push(await simulateCommandWalk(scenario), simulateFlagger(scenario));
    }
    return figures;
}

function minutes(ms: number): string {
    return `${(ms / 60_000).toFixed(1)} min`;
}

export function renderWalks(figures: readonly WalkFigure[]): string[] {
    return [
        `Walk simulation (the real walk on a simulated clock; ${TRAFFIC.requestsPerSecond} req/s, stable p99 ${TRAFFIC.stableP99Ms} ms and ${TRAFFIC.stable5xxRate * 100} % 5xx; gates: ≤ ${SIMULATED_GATES.max5xxRate * 100} % failures, p99 ≤ ${SIMULATED_GATES.maxP99Ms} ms;`,
        `  the command: prod's schedule 0, 10, 25, 50, 100, bake ${minutes(BAKE_MS)}, ${minutes(UP_MS)} per pulumi up, then a four-up promotion; Flagger: interval ${minutes(FLAGGER.intervalMs)}, threshold ${FLAGGER.threshold}, step ${FLAGGER.stepWeight} % to ${FLAGGER.maxWeight} %):`,
        ...figures.map(
            (figure) =>
                `  ${figure.scenario.padEnd(30)} ${figure.method.padEnd(15)} ${figure.outcome.padEnd(12)} after ${minutes(figure.timeMs).padStart(9)}  failed requests ${(figure.failedShare * 100).toFixed(3)} %`,
        ),
    ];
}
