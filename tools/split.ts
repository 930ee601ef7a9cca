/**
 * How a stack's canary split reads for a person: shared by the offline plan and the canary
 * command's status. Light on purpose: no Pulumi, no program.
 */
import { describeMatch, stickinessApplies } from "../infra/canary/release-controls";
import type { CanarySplit } from "../infra/canary/service";

const BAR_CELLS = 20;

export function bar(percent: number): string {
    const filled = Math.max(0, Math.min(BAR_CELLS, Math.round((percent / 100) * BAR_CELLS)));
    return "█".repeat(filled) + "░".repeat(BAR_CELLS - filled);
}

function pods(count: number): string {
    return `${count} pod${count === 1 ? "" : "s"}`.padEnd(6);
}

function isSplit(value: unknown): value is CanarySplit {
    return (
        typeof value === "object" &&
        value !== null &&
        typeof (value as Partial<CanarySplit>).traffic?.stable === "number" &&
        typeof (value as Partial<CanarySplit>).replicas?.stable === "number"
    );
}

/** The "Canary split" section: per service its mode, and bars of the traffic and pods per version. */
export function renderCanary(canary: unknown, lines: string[]): void {
    const services = typeof canary === "object" && canary !== null ? Object.entries(canary as Record<string, unknown>) : [];
    lines.push("Canary split");
    if (services.length === 0) {
        lines.push("  (no canaried services)");
    }
    for (const [name, split] of services) {
        if (!isSplit(split)) {
            lines.push(`  ${name}  ${JSON.stringify(split)}`);
            continue;
        }
        if (split.mode === "automated" && split.analysis !== undefined) {
            const a = split.analysis;
            const steps =
                a.stepWeights === undefined ? `step ${a.stepWeight}% every ${a.interval} up to ${a.maxWeight}%` : `steps ${a.stepWeights.join(", ")}% every ${a.interval}`;
            lines.push(`  ${name}  (router: ${split.router}, mode automated)`);
            lines.push(`    automated by Flagger: ${steps}, success ≥ ${a.successRateMin}%, p99 ≤ ${a.latencyMaxMs} ms, rollback after ${a.threshold} failed checks`);
            lines.push(
                `    target  ${pods(split.replicas.stable)}  ${split.images.canary ?? split.images.stable}  (Flagger analyses each new image of ${name}, then promotes it to ${name}-primary)`,
            );
            continue;
        }
        lines.push(`  ${name}  (router: ${split.router}, weight ${split.weight}${split.group === undefined ? "" : `, group ${split.group}`})`);
        lines.push(`    mode manual: the weight is the stack config's; each step is a config change and \`pulumi up\``);
        const row = (label: string, percent: number, count: number, image: string): string =>
            `    ${label}  ${bar(percent)}  ${`${percent}%`.padStart(4)}  ${pods(count)}  ${image}`;
        lines.push(row("v1 stable", split.traffic.stable, split.replicas.stable, split.images.stable));
        if (split.images.canary !== undefined) {
            lines.push(row("v2 canary", split.traffic.canary, split.replicas.canary, split.images.canary));
        } else {
            lines.push(`    v2 canary  (none configured)`);
        }
        if (split.match !== undefined) {
            lines.push(`    v2 also takes every request with ${describeMatch(split.match)}, whatever the weight`);
        }
        if (split.sticky !== undefined) {
            lines.push(
                `    sticky ${split.sticky}: a client stays on the version it reached${stickinessApplies(split.weight) ? "" : " (not applied at this weight: only while both versions take requests)"}`,
            );
        }
    }
}
