/**
 * How the bench times its cases: a warm-up round, then the timed runs round-robin, so a burst of
 * other work on the machine hits every case alike; and the blast radius of one canary step under
 * each router.
 */
import { ROUTER_KINDS } from "../../infra/routers/registry";
import { readStackFile } from "../stackfile";
import { ENTRIES, runChild, writeJob } from "./child";
import { log } from "./log";
import { Measurement, seconds } from "./report";
import { childCommand, RuntimeId } from "./runtimes";
import { summarize } from "./stats";

/** Two adjacent weights of the dev schedule [0, 25, 50, 75, 100]; 4 pods express both for `replicas`. */
export const STEP_WEIGHTS = [25, 50] as const;

/** A measurement to take: what its row says, and how to run it. */
export interface TimedCase extends Pick<Measurement, "id" | "group" | "label" | "runtime" | "stack" | "services"> {
    readonly args: string[];
    readonly jobFile?: string;
    readonly runs: number;
    readonly note?: string;
}

interface CaseState {
    readonly readyMs: number[];
    readonly wallMs: number[];
    readonly maxRssKiB: number[];
    resources?: number;
    error?: string;
}

export async function runTimedCases(cases: readonly TimedCase[]): Promise<Measurement[]> {
    const states = new Map<string, CaseState>(cases.map((timed) => [timed.id, { readyMs: [], wallMs: [], maxRssKiB: [] }]));
    const rounds = Math.max(...cases.map((timed) => timed.runs));
    for (let round = 0; round <= rounds; round++) {
        const warmUp = round === 0;
        for (const timed of cases) {
            const state = states.get(timed.id) as CaseState;
            if (state.error !== undefined || (!warmUp && round > timed.runs)) {
                continue;
            }
            try {
                const { result, wallMs } = await runChild(timed.args, timed.jobFile);
                log(`${warmUp ? "warm-up" : `run ${round}/${timed.runs}`}: ${timed.label} (${timed.runtime ?? "node"}) ${seconds(result.readyMs)}, ${result.resources} resources`);
                if (state.resources !== undefined && state.resources !== result.resources) {
                    throw new Error(`the resource count changed between runs: ${state.resources} then ${result.resources}`);
                }
                state.resources = result.resources;
                if (!warmUp) {
                    state.readyMs.push(result.readyMs);
                    state.wallMs.push(wallMs);
                    state.maxRssKiB.push(result.maxRssKiB);
                }
            } catch (error) {
                state.error = error instanceof Error ? error.message : String(error);
                log(`FAILED: ${timed.label} (${timed.runtime ?? "node"}): ${state.error}`);
            }
        }
    }
    return cases.map((timed): Measurement => {
        const state = states.get(timed.id) as CaseState;
        const base = { id: timed.id, group: timed.group, label: timed.label, runtime: timed.runtime, stack: timed.stack, services: timed.services, note: timed.note };
        if (state.error !== undefined) {
            return { ...base, error: state.error };
        }
        return {
            ...base,
            resources: timed.group === "floor" ? undefined : state.resources,
            readyMs: summarize(state.readyMs),
            wallMs: summarize(state.wallMs),
            maxRssKiB: summarize(state.maxRssKiB),
            samples: { readyMs: state.readyMs, wallMs: state.wallMs, maxRssKiB: state.maxRssKiB },
        };
    });
}

export async function runBlastCases(runtime: RuntimeId): Promise<Measurement[]> {
    const measurements: Measurement[] = [];
    for (const router of ROUTER_KINDS) {
        const at = (weight: number): Record<string, string> =>
            readStackFile("dev", [`router=${router}`, "services.notification.replicas=4", `services.notification.canary.weight=${weight}`]).config;
        const label = `Step ${STEP_WEIGHTS[0]} → ${STEP_WEIGHTS[1]} %, router ${router} (dev)`;
        try {
            const jobFile = writeJob(`step-${router}`, { kind: "step", stack: "dev", before: at(STEP_WEIGHTS[0]), after: at(STEP_WEIGHTS[1]) });
            const { result } = await runChild(childCommand(runtime, ENTRIES).args, jobFile);
            log(`step: router ${router}: ${result.blastRadius} changed`);
            measurements.push({
                id: `blast:${router}`,
                group: "blast",
                label,
                runtime,
                stack: "dev",
                resources: result.resources,
                blastRadius: result.blastRadius,
                changed: result.changed,
            });
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            log(`FAILED: ${label}: ${message}`);
            measurements.push({ id: `blast:${router}`, group: "blast", label, runtime, stack: "dev", error: message });
        }
    }
    return measurements;
}
