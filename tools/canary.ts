/**
 * The canary command: `npm run canary -- <status|step|promote|rollback|run> --stack <name> ...`.
 *
 * Each change is the README's config change followed by one `pulumi up` whose message names the
 * step, through Pulumi's Automation API (it needs the Pulumi CLI). `run` walks the schedule and
 * checks the canary's 5xx rate and p99 latency from CloudWatch after a bake at each weight, and
 * rolls back by itself when they are bad. `--dry-run` and `status --offline` need no CLI and no
 * cloud: they read `Pulumi.<stack>.yaml`.
 */
import { splitArgs, UsageError } from "./args";
import { MetricSourceFactory, Clock, dryRun, errorText, Io, loadState, renderStatus, runSingle, runWalk } from "./canary/commands";
import { CloudWatchMetricSource, cloudWatchClient } from "./canary/metrics";
import { CanaryError, DEFAULT_BAKE_MS, DEFAULT_THRESHOLDS, parseDuration } from "./canary/schedule";
import { automationStack, findOnPath, PULUMI_MISSING, stackFileDriver, StackDriver } from "./canary/stack";
import { listStacks, readStackFile, REPO_ROOT, StackFileError } from "./stackfile";
import { ConfigError } from "../stacks/checks";

export const COMMANDS = ["status", "step", "promote", "rollback", "run"] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = [
    "usage: npm run canary -- <command> --stack <name> [--service <name>] [options]",
    "",
    "  status     the current split per service, from the stack outputs (--offline: from the offline plan)",
    "  step       set the next weight of the schedule (or --to N) and run pulumi up",
    "  promote    the stable version takes the canary's image, the canary block goes; pulumi up",
    "  rollback   the canary's weight to 0; pulumi up",
    "  run        walk the schedule: at each weight pulumi up, bake, check the canary's 5xx rate and",
    "             p99 from CloudWatch; a failed check, a failed query or no data rolls back (exit 1)",
    "",
    "  --stack <name>          the stack (required)",
    "  --service <name>        the service (default: the only one)",
    "  --to <N>                step: the weight to set, one of the schedule's",
    "  --dry-run               step, promote, rollback, run: print the changes; no Pulumi CLI, no cloud",
    "  --offline               status: from the offline plan of Pulumi.<stack>.yaml",
    "  --bake <duration>       run: time at each weight before the check (default 10m)",
    "  --max-5xx-rate <r>      run: highest 5xx responses / requests, 0..1 (default 0.01)",
    "  --max-p99-ms <ms>       run: highest p99 latency in milliseconds (default 1000)",
    "  --promote               run: promote after the last step",
    "  --target-group <id>     run: the canary's target group (ALB: ARN or targetgroup/<name>/<id>;",
    "                          lattice: the TargetGroup dimension value), if the stack exports no canaryMetrics",
    "  --load-balancer <id>    run, alb: the ALB of that target group (ARN or app/<name>/<id>)",
    "  --help                  print this help",
    "",
    "Exit codes: 0 done, 1 refused or rolled back, 2 bad usage or no Pulumi CLI.",
].join("\n");

export { UsageError };

export interface CanaryArgs {
    readonly command: Command | undefined;
    readonly stack: string | undefined;
    readonly service: string | undefined;
    readonly to: number | undefined;
    readonly dryRun: boolean;
    readonly offline: boolean;
    readonly bakeMs: number;
    readonly max5xxRate: number;
    readonly maxP99Ms: number;
    readonly promote: boolean;
    readonly targetGroup: string | undefined;
    readonly loadBalancer: string | undefined;
    readonly help: boolean;
}

/** Flags beyond --stack/--service/--help, and the commands they apply to. */
const FLAG_COMMANDS: Readonly<Record<string, readonly Command[]>> = {
    "--to": ["step"],
    "--dry-run": ["step", "promote", "rollback", "run"],
    "--offline": ["status"],
    "--bake": ["run"],
    "--max-5xx-rate": ["run"],
    "--max-p99-ms": ["run"],
    "--promote": ["run"],
    "--target-group": ["run"],
    "--load-balancer": ["run"],
};

const BOOLEAN_FLAGS = new Set(["--dry-run", "--offline", "--promote", "--help", "-h"]);

function number(flag: string, text: string, check: (value: number) => boolean, expected: string): number {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || !check(value)) {
        throw new UsageError(`${flag} ${text}: expected ${expected}`);
    }
    return value;
}

export function parseArgs(argv: readonly string[]): CanaryArgs {
    const booleans = [...BOOLEAN_FLAGS];
    const split = splitArgs(argv, {
        values: ["--stack", "--service", ...Object.keys(FLAG_COMMANDS).filter((flag) => !BOOLEAN_FLAGS.has(flag))],
        booleans,
    });
    if (split.positionals.length > 1) {
        throw new UsageError(`unexpected argument ${JSON.stringify(split.positionals[1])}`);
    }
    const [first] = split.positionals;
    if (first !== undefined && !(COMMANDS as readonly string[]).includes(first)) {
        throw new UsageError(`unknown command ${JSON.stringify(first)}; commands: ${COMMANDS.join(", ")}`);
    }
    const command = first as Command | undefined;
    const flags = new Set<string>([...split.values.keys(), ...split.booleans]);
    const values = new Map([...split.values].map(([flag, given]) => [flag, given[0]]));
    const help = flags.has("--help") || flags.has("-h");
    if (command !== undefined) {
        for (const flag of flags) {
            const allowed = FLAG_COMMANDS[flag];
            if (allowed !== undefined && !allowed.includes(command)) {
                throw new UsageError(`${flag} applies to ${allowed.join(", ")}, not ${command}`);
            }
        }
    }
    const text = (flag: string): string | undefined => values.get(flag);
    let bakeMs = DEFAULT_BAKE_MS;
    if (text("--bake") !== undefined) {
        try {
            bakeMs = parseDuration(text("--bake") as string);
        } catch (error) {
            throw new UsageError(`--bake: ${errorText(error)}`);
        }
    }
    return {
        command,
        stack: text("--stack"),
        service: text("--service"),
        to: text("--to") === undefined ? undefined : number("--to", text("--to") as string, (value) => Number.isInteger(value) && value >= 0 && value <= 100, "an integer weight 0..100"),
        dryRun: flags.has("--dry-run"),
        offline: flags.has("--offline"),
        bakeMs,
        max5xxRate:
            text("--max-5xx-rate") === undefined
                ? DEFAULT_THRESHOLDS.max5xxRate
                : number("--max-5xx-rate", text("--max-5xx-rate") as string, (value) => value >= 0 && value <= 1, "a fraction 0..1, e.g. 0.01 for 1%"),
        maxP99Ms:
            text("--max-p99-ms") === undefined
                ? DEFAULT_THRESHOLDS.maxP99Ms
                : number("--max-p99-ms", text("--max-p99-ms") as string, (value) => value > 0, "a positive number of milliseconds"),
        promote: flags.has("--promote"),
        targetGroup: text("--target-group"),
        loadBalancer: text("--load-balancer"),
        help,
    };
}

/** Everything the command touches outside itself; tests replace each part. */
export interface CanaryDeps {
    readonly io: Io;
    readonly clock: Clock;
    /** Where the `pulumi` executable is, or undefined when it is not on the PATH. */
    readonly findPulumi: () => string | undefined;
    /** The stack through the Automation API. */
    readonly openStack: (stack: string) => Promise<StackDriver>;
    /** The stack's `Pulumi.<stack>.yaml`, for dry runs. */
    readonly stackFile: (stack: string) => StackDriver;
    readonly metricSource: MetricSourceFactory;
    /** The outputs of the offline plan, for `status --offline`. */
    readonly offlineOutputs: (stack: string) => Promise<Record<string, unknown>>;
    /** How often `run` prints its progress during a bake. */
    readonly progressEveryMs?: number;
}

export const realDeps = (io: Io): CanaryDeps => ({
    io,
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    findPulumi: () => findOnPath("pulumi"),
    openStack: (stack) => automationStack(stack, REPO_ROOT),
    stackFile: (stack) => stackFileDriver(stack),
    metricSource: async (targets, region) => new CloudWatchMetricSource(await cloudWatchClient(region), targets),
    // Loaded only for `status --offline`: the program and the SDKs cost a second and 130 MB.
    offlineOutputs: async (stack) => (await (await import("./offline")).planOffline(stack, readStackFile(stack).config)).outputs,
});

/** Runs the command; returns the exit code (0 done, 1 refused or rolled back, 2 usage or no CLI). */
export async function main(argv: readonly string[], deps: CanaryDeps): Promise<number> {
    const { io } = deps;
    let args: CanaryArgs;
    try {
        args = parseArgs(argv);
    } catch (error) {
        if (error instanceof UsageError) {
            io.err(`${error.message}\n\n${USAGE}`);
            return 2;
        }
        throw error;
    }
    if (args.help) {
        io.out(USAGE);
        return 0;
    }
    if (args.command === undefined) {
        io.err(`a command is required: ${COMMANDS.join(", ")}\n\n${USAGE}`);
        return 2;
    }
    if (args.stack === undefined || args.stack === "") {
        const stacks = listStacks();
        io.err(`--stack is required; stacks here: ${stacks.length > 0 ? stacks.join(", ") : "none"}\n\n${USAGE}`);
        return 2;
    }
    const stack = args.stack;
    const offline = args.dryRun || (args.command === "status" && args.offline);
    if (!offline && deps.findPulumi() === undefined) {
        io.err(PULUMI_MISSING);
        return 2;
    }
    try {
        switch (args.command) {
            case "status": {
                const outputs = args.offline ? await deps.offlineOutputs(stack) : await (await deps.openStack(stack)).outputs();
                renderStatus(stack, outputs, args.offline ? "offline plan of Pulumi." + stack + ".yaml" : "stack outputs").forEach((line) => io.out(line));
                return 0;
            }
            case "step":
            case "promote":
            case "rollback": {
                const driver = args.dryRun ? deps.stackFile(stack) : await deps.openStack(stack);
                return await runSingle(args.command, driver, { stack, service: args.service, to: args.to, dryRun: args.dryRun }, io);
            }
            case "run": {
                const options = {
                    stack,
                    service: args.service,
                    bakeMs: args.bakeMs,
                    thresholds: { max5xxRate: args.max5xxRate, maxP99Ms: args.maxP99Ms },
                    promote: args.promote,
                    targets: { targetGroup: args.targetGroup, loadBalancer: args.loadBalancer },
                    progressEveryMs: deps.progressEveryMs ?? 30_000,
                };
                if (args.dryRun) {
                    const { state } = await loadState(deps.stackFile(stack));
                    return dryRun(state, options, io);
                }
                return await runWalk(await deps.openStack(stack), deps.metricSource, deps.clock, options, io);
            }
        }
    } catch (error) {
        if (error instanceof CanaryError) {
            io.err(error.message);
            return 1;
        }
        if (error instanceof StackFileError) {
            io.err(error.message);
            return 2;
        }
        if (error instanceof ConfigError) {
            io.err([`config errors in stack ${stack}:`, ...error.issues.map((issue) => `  ${issue.key}: ${issue.message}`)].join("\n"));
            return 1;
        }
        // Automation API errors carry the CLI's output; print it, not a stack trace.
        io.err(`${args.command} failed: ${errorText(error)}`);
        return 1;
    }
}

if (require.main === module) {
    const io: Io = { out: (text) => console.log(text), err: (text) => console.error(text) };
    main(process.argv.slice(2), realDeps(io)).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            console.error(errorText(error));
            process.exitCode = 1;
        },
    );
}
