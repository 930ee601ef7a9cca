/**
 * `npm run bench [-- --runs N] [--baseline-runs N] [--json] [--out file]`
 *
 * Measures how long the program takes to evaluate, each measurement in a fresh Node process:
 *  - the floor: a process that only imports the Pulumi SDK packages the program uses;
 *  - the dev and prod stacks under mocks, loaded the way Pulumi.yaml makes `pulumi up` load them;
 *  - prod under each way Pulumi can load TypeScript (ts-node type-checked — Pulumi's default —,
 *    ts-node transpile-only, tsx, precompiled JavaScript), and dev type-checked;
 *  - 1, 10 and 50 canaried services in one stack;
 *  - the blast radius of a canary step (25 → 50 %) under each router;
 *  - the walk simulation: the canary command's walk and Flagger's loop on one traffic model
 *    (`--walks-only` runs just that, in a second).
 * A warm-up round runs first; the timed cases then run round-robin, so a burst of other work on
 * the machine hits every case alike. Prints one table and the targets; `--json` prints
 * the figures as one JSON document instead (`npm run --silent bench -- --json`, so npm's banner
 * stays off stdout), or `--out file` writes it there.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { splitArgs, UsageError, valueOf } from "./args";
import { log } from "./bench/log";
import { renderReport } from "./bench/report";
import { bench, BenchRuns } from "./bench/run";
import { renderWalks, simulateWalks } from "./bench/walk";

export const USAGE = [
    "usage: npm run bench [-- --runs N] [--baseline-runs N] [--json] [--out file]",
    "",
    "Times the program's evaluation under mocks, each run in a fresh Node process, and prints one table.",
    "",
    "  --runs N           timed runs per case after one warm-up round (default 5)",
    "  --baseline-runs N  timed runs of the slow ts-node type-checked cases (default 3)",
    "  --walks-only       run only the walk simulation (the canary command beside Flagger)",
    "  --json             print the figures as one JSON document on stdout (the table goes to stderr);",
    "                     with npm, add --silent so npm's banner stays out: npm run --silent bench -- --json",
    "  --out file         write the JSON document to file (the table still prints)",
    "  --help             print this help",
].join("\n");

export interface BenchArgs extends BenchRuns {
    readonly json: boolean;
    readonly out: string | undefined;
    readonly walksOnly: boolean;
    readonly help: boolean;
}

export { UsageError };

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
    const args = splitArgs(argv, { values: ["--runs", "--baseline-runs", "--out"], booleans: ["--json", "--walks-only", "--help", "-h"] });
    if (args.positionals.length > 0) {
        throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    }
    const count = (flag: string, fallback: number): number => {
        const text = valueOf(args, flag);
        if (text === undefined) {
            return fallback;
        }
        const parsed = Number(text);
        if (!/^\d+$/.test(text) || parsed < 1 || parsed > 100) {
            throw new UsageError(`${flag} takes a whole number 1..100, got ${JSON.stringify(text)}`);
        }
        return parsed;
    };
    const out = valueOf(args, "--out");
    if (out !== undefined) {
        // Checked before the run, not after minutes of it.
        const dir = path.dirname(path.resolve(out));
        let writable = false;
        try {
            writable = fs.statSync(dir).isDirectory() && (fs.accessSync(dir, fs.constants.W_OK), true);
        } catch {
            writable = false;
        }
        if (!writable || (fs.existsSync(out) && fs.statSync(out).isDirectory())) {
            throw new UsageError(`--out ${out}: cannot write a file there (${dir} is not a writable folder); allowed: a file path in an existing, writable folder`);
        }
    }
    return {
        runs: count("--runs", 5),
        baselineRuns: count("--baseline-runs", 3),
        json: args.booleans.has("--json"),
        out,
        walksOnly: args.booleans.has("--walks-only"),
        help: args.booleans.has("--help") || args.booleans.has("-h"),
    };
}

async function main(argv: readonly string[]): Promise<number> {
    let args: BenchArgs;
    try {
        args = parseBenchArgs(argv);
    } catch (error) {
        if (error instanceof UsageError) {
            log(`${error.message}\n\n${USAGE}`);
            return 2;
        }
        throw error;
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (args.walksOnly) {
        const walks = await simulateWalks();
        process.stdout.write(args.json ? `${JSON.stringify({ walks }, null, 2)}\n` : `${renderWalks(walks).join("\n")}\n`);
        if (args.out !== undefined) {
            fs.writeFileSync(args.out, `${JSON.stringify({ walks }, null, 2)}\n`);
        }
        return 0;
    }
    const report = await bench(args);
    const text = renderReport(report);
    const document = `${JSON.stringify(report, null, 2)}\n`;
    if (args.out !== undefined) {
        fs.writeFileSync(args.out, document);
        log(`wrote ${args.out}`);
    }
    if (args.json) {
        log(`\n${text}`);
        process.stdout.write(document);
    } else {
        process.stdout.write(`\n${text}\n`);
    }
    const failed = report.measurements.some((measurement) => measurement.error !== undefined);
    return failed ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (error: unknown) => {
            log(error instanceof Error ? (error.stack ?? error.message) : String(error));
            process.exitCode = 1;
        },
    );
}
