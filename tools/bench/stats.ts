/**
 * The arithmetic of `npm run bench`: summaries of repeated measurements. Pure, so the unit tests
 * cover it without timing anything.
 */

export interface Summary {
    readonly median: number;
    readonly min: number;
    readonly max: number;
    readonly runs: number;
}

function sorted(samples: readonly number[]): number[] {
    if (samples.length === 0) {
        throw new Error("no samples to summarize");
    }
    if (samples.some((sample) => !Number.isFinite(sample))) {
        throw new Error(`samples must be finite numbers, got ${JSON.stringify(samples)}`);
    }
    return [...samples].sort((a, b) => a - b);
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(samples: readonly number[]): number {
    const values = sorted(samples);
    const middle = Math.floor(values.length / 2);
    return values.length % 2 === 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

export function summarize(samples: readonly number[]): Summary {
    const values = sorted(samples);
    return { median: median(values), min: values[0], max: values[values.length - 1], runs: values.length };
}

/**
 * Whether `counts[i]` resources for `services[i]` services lie on one line `base + perService * n`
 * (the per-service increment is the same whole number between every pair of points).
 */
export function linearFit(services: readonly number[], counts: readonly number[]): { linear: boolean; base: number; perService: number } {
    if (services.length !== counts.length || services.length < 2) {
        throw new Error("linearFit needs at least two (services, count) points");
    }
    const perService = (counts[1] - counts[0]) / (services[1] - services[0]);
    const base = counts[0] - perService * services[0];
    const linear = Number.isInteger(perService) && services.every((n, index) => base + perService * n === counts[index]);
    return { linear, base, perService };
}
