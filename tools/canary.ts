/**
 * The canary command: `npm run canary -- <status|step|promote|rollback|run> --stack <name> ...`.
 *
 * Each change is the README's config change followed by one `pulumi up` whose message names the
 * step, through Pulumi's Automation API (it needs the Pulumi CLI). `run` walks the schedule and
 * checks the canary's 5xx rate and p99 latency from CloudWatch after a bake at each weight, and
 * rolls back by itself when they are bad. `--dry-run` and `status --offline` need no CLI and no
 * cloud: they read `Pulumi.<stack>.yaml`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "../stacks/checks";
import { IMAGES } from "../infra/versions";
import { splitArgs, UsageError } from "./args";
import type { ChangeDeps } from "./canary/change";
import { dryRunSingle, dryRunWalk, renderStatus, runSingle, SingleCommand } from "./canary/commands";
import { offlineExpectedChanges, ExpectedChanges } from "./canary/expected";
import { DEFAULT_GATES } from "./canary/gates";
import { GitDriver, realGit } from "./canary/git";
import { guardProblems } from "./canary/guard";
import { Clock, errorText, EXIT, Io } from "./canary/io";
import { LEASE_TAG } from "./canary/lease";
import type { LoadGenerator } from "./canary/load";
import { cloudWatchClient, CloudWatchMetricSource, MetricSource, MetricTarget, ResourceLookup, taggingLookup } from "./canary/metrics";
import { CanaryError, parseDuration, stateFromConfig } from "./canary/schedule";
import { automationStack, findOnPath, PULUMI_MISSING, stackFileDriver, StackDriver } from "./canary/stack";
import { runWalk } from "./canary/walk";
import { listStacks, StackArgumentError, readStackFile, REPO_ROOT, stackFilePath, StackFileError } from "./stackfile";

export const COMMANDS = ["status", "step", "promote", "rollback", "run", "guard"] as const;
export type Command = (typeof COMMANDS)[number];

/** The bake at each weight when `--bake` is not given. */
export const DEFAULT_BAKE_MS = 10 * 60_000;

export const USAGE = [
    "usage: npm run canary -- <command> --stack <name> [--service <name>] [options]",
    "",
    "  status     the current split per service, from the stack outputs (--offline: from the offline plan)",
    "  step       move to the next weight of the schedule (or --to N): preview, pulumi up, commit",
    "  promote    in four ups, none routing to rolling pods: all requests to the canary; the stable",
    "             version takes its image; all requests back to it; the canary goes (resumable)",
    "  rollback   the canary's weight to 0",
    "  run        walk the schedule: at each weight preview, pulumi up, commit, bake, and gate on the",
    "             canary's failures (5xx, connection errors, the ALB's own 5xx) and p99 from CloudWatch",
    "  guard      (CI) refuse a deploy that would change a canary weight its commit did not change",
    "",
    "  --stack <name>          the stack (required)",
    "  --service <name>        the service (default: the only one)",
    "  --to <N>                step: the weight to set; more than one step up needs --force",
    "  --force                 step: skip steps of the schedule (and their gates)",
    "  --dry-run               step, promote, rollback, run: print the changes; no Pulumi CLI, no cloud",
    "  --yes                   step, promote, rollback, run: change the stack without asking (needed without a terminal)",
    "  --push                  step, promote, rollback, run: git push each step's commit",
    "  --offline               status: from the offline plan of Pulumi.<stack>.yaml",
    "  --bake <duration>       run: time at each weight before the gate (default 10m)",
    "  --max-5xx-rate <r>      run: highest share of failed requests, 0..1 (default 0.01)",
    "  --max-p99-ms <ms>       run: highest p99 latency in milliseconds (default 1000)",
    "  --min-requests <n>      run: fewest requests a bake must see to judge (default 100); fewer holds the walk",
    "  --load                  run: send requests to the service during each bake (the load tester image)",
    "  --promote               run: promote after the last step",
    "  --since <rev>           guard: the commit the deployed stack was built from",
    "  --help                  print this help",
    "",
    "Exit codes: 0 done, 1 refused, rolled back or bad config, 2 bad usage or no Pulumi CLI, 3 unreadable",
    "stack file, 4 held (too few requests to judge), 130 interrupted (rolled back to the last weight that passed).",
].join("\n");

export { UsageError };

export interface CanaryArgs {
    readonly command: Command | undefined;
    readonly stack: string | undefined;
    readonly service: string | undefined;
    readonly to: number | undefined;
    readonly force: boolean;
    readonly dryRun: boolean;
    readonly yes: boolean;
    readonly push: boolean;
    readonly offline: boolean;
    readonly bakeMs: number;
    readonly max5xxRate: number;
    readonly maxP99Ms: number;
    readonly minRequests: number;
    readonly load: boolean;
    readonly promote: boolean;
    readonly since: string | undefined;
    readonly help: boolean;
}

const CHANGING: readonly Command[] = ["step", "promote", "rollback", "run"];

/** Flags beyond --stack/--service/--help, and the commands they apply to. */
const FLAG_COMMANDS: Readonly<Record<string, readonly Command[]>> = {
    "--to": ["step"],
    "--force": ["step"],
    "--dry-run": CHANGING,
    "--yes": CHANGING,
    "--push": CHANGING,
    "--offline": ["status"],
    "--bake": ["run"],
    "--max-5xx-rate": ["run"],
    "--max-p99-ms": ["run"],
    "--min-requests": ["run"],
    "--load": ["run"],
    "--promote": ["run"],
    "--since": ["guard"],
};

const BOOLEAN_FLAGS = new Set(["--force", "--dry-run", "--yes", "--push", "--offline", "--load", "--promote", "--help", "-h"]);

function number(flag: string, text: string, check: (value: number) => boolean, expected: string): number {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || !check(value)) {
        throw new UsageError(`${flag} ${text}: expected ${expected}`);
    }
    return value;
}

export function parseArgs(argv: readonly string[]): CanaryArgs {
    const split = splitArgs(argv, {
        values: ["--stack", "--service", ...Object.keys(FLAG_COMMANDS).filter((flag) => !BOOLEAN_FLAGS.has(flag))],
        booleans: [...BOOLEAN_FLAGS],
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
        if (bakeMs < 60_000 || bakeMs > 24 * 3_600_000) {
            throw new UsageError(`--bake ${text("--bake") as string}: expected 1m..24h (CloudWatch reports each minute)`);
        }
    }
    const since = text("--since");
    if (since !== undefined && !/^[0-9a-f]{7,40}$/i.test(since) && !/^[A-Za-z0-9._/-]{1,200}$/.test(since)) {
        throw new UsageError(`--since ${since}: expected a commit SHA or a ref`);
    }
    return {
        command,
        stack: text("--stack"),
        service: text("--service"),
        to: text("--to") === undefined ? undefined : number("--to", text("--to") as string, (value) => Number.isInteger(value) && value >= 0 && value <= 100, "an integer weight 0..100"),
        force: flags.has("--force"),
        dryRun: flags.has("--dry-run"),
        yes: flags.has("--yes"),
        push: flags.has("--push"),
        offline: flags.has("--offline"),
        bakeMs,
        max5xxRate:
            text("--max-5xx-rate") === undefined
                ? DEFAULT_GATES.max5xxRate
                : number("--max-5xx-rate", text("--max-5xx-rate") as string, (value) => value >= 0 && value <= 1, "a fraction 0..1, e.g. 0.01 for 1%"),
        maxP99Ms:
            text("--max-p99-ms") === undefined
                ? DEFAULT_GATES.maxP99Ms
                : number("--max-p99-ms", text("--max-p99-ms") as string, (value) => value > 0 && value <= 600_000, "a number of milliseconds 1..600000"),
        minRequests:
            text("--min-requests") === undefined
                ? DEFAULT_GATES.minRequests
                : number("--min-requests", text("--min-requests") as string, (value) => Number.isInteger(value) && value >= 1 && value <= 10_000_000, "an integer 1..10000000"),
        load: flags.has("--load"),
        promote: flags.has("--promote"),
        since,
        help: flags.has("--help") || flags.has("-h"),
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
    readonly git: GitDriver;
    readonly expected: ExpectedChanges;
    readonly lookup: (region: string | undefined) => Promise<ResourceLookup>;
    readonly metricSource: (targets: Readonly<Record<string, MetricTarget>>, region: string | undefined) => Promise<MetricSource>;
    readonly load: LoadGenerator;
    /** The outputs of the offline plan, for `status --offline`. */
    readonly offlineOutputs: (stack: string) => Promise<Record<string, unknown>>;
    /** Asks a yes/no question on the terminal; undefined when there is none. */
    readonly confirm: ((question: string) => Promise<boolean>) | undefined;
    /** Aborts on Ctrl-C. */
    readonly abort: AbortSignal;
    /** Who takes the stack's lease. */
    readonly holder: string;
    /** How often `run` prints its progress during a bake. */
    readonly progressEveryMs?: number;
}

/** `--load` for real: the load tester image in a pod of the app namespace, through kubectl (no shell). */
const kubectlLoad: LoadGenerator = async (target, durationMs, signal, outputs) => {
    const { execFile } = await import("node:child_process");
    const kubeconfig = outputs.kubeconfig;
    if (typeof kubeconfig !== "string") {
        throw new CanaryError("--load needs the stack's kubeconfig output");
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-canary-load-"));
    const file = path.join(dir, "kubeconfig.json");
    fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
    const pod = `canary-load-${Date.now().toString(36)}`;
    const seconds = Math.max(1, Math.floor(durationMs / 1000));
    try {
        await new Promise<void>((resolve) => {
            const child = execFile(
                "kubectl",
                ["--kubeconfig", file, "-n", target.namespace, "run", pod, `--image=${IMAGES.loadTester}`, "--restart=Never", "--rm", "-i", "--quiet", "--command", "--", "hey", "-z", `${seconds}s`, "-q", "10", "-c", "2", target.url],
                () => resolve(),
            );
            signal.addEventListener("abort", () => child.kill("SIGTERM"), { once: true });
        });
    } finally {
        await new Promise<void>((resolve) => execFile("kubectl", ["--kubeconfig", file, "-n", target.namespace, "delete", "pod", pod, "--ignore-not-found", "--now"], () => resolve()));
        fs.rmSync(dir, { recursive: true, force: true });
    }
};

export const realDeps = (io: Io, abort: AbortSignal, confirm: CanaryDeps["confirm"]): CanaryDeps => ({
    io,
    clock: {
        now: () => Date.now(),
        sleep: (ms, signal) =>
            new Promise((resolve) => {
                const timer = setTimeout(resolve, ms);
                signal?.addEventListener("abort", () => {
                    clearTimeout(timer);
                    resolve();
                }, { once: true });
            }),
    },
    findPulumi: () => findOnPath("pulumi"),
    openStack: (stack) => automationStack(stack, REPO_ROOT),
    stackFile: (stack) => stackFileDriver(stack),
    git: realGit(REPO_ROOT),
    expected: offlineExpectedChanges,
    lookup: taggingLookup,
    metricSource: async (targets, region) => new CloudWatchMetricSource(await cloudWatchClient(region), targets),
    load: kubectlLoad,
    // Loaded only for `status --offline`: the program and the SDKs cost a second and 130 MB.
    offlineOutputs: async (stack) => (await (await import("./offline")).planOffline(stack, readStackFile(stack).config)).outputs,
    confirm,
    abort,
    holder: `${os.userInfo().username}@${os.hostname()} pid ${process.pid}`,
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
    if (CHANGING.includes(args.command) && !args.dryRun && !args.yes) {
        if (deps.confirm === undefined) {
            io.err(`${args.command} changes stack ${stack}; pass --yes to do it without a terminal to confirm on (or --dry-run to see what it would do)`);
            return EXIT.usage;
        }
        if (!(await deps.confirm(`${args.command} changes stack ${stack} (pulumi up). Go on? [y/N] `))) {
            io.err("nothing changed");
            return EXIT.refused;
        }
    }
    const changeDeps = async (): Promise<ChangeDeps> => ({
        stack,
        driver: await deps.openStack(stack),
        git: deps.git,
        stackFile: stackFilePath(stack),
        push: args.push,
        expected: deps.expected,
        io,
        clock: deps.clock,
        holder: deps.holder,
    });
    const single = { service: args.service, ...(args.to === undefined ? {} : { to: args.to }), force: args.force };
    const walkOptions = {
        service: args.service,
        bakeMs: args.bakeMs,
        gates: { max5xxRate: args.max5xxRate, maxP99Ms: args.maxP99Ms, minRequests: args.minRequests },
        promote: args.promote,
        load: args.load,
        progressEveryMs: deps.progressEveryMs ?? 30_000,
    };
    try {
        switch (args.command) {
            case "status": {
                const outputs = args.offline ? await deps.offlineOutputs(stack) : await (await deps.openStack(stack)).outputs();
                renderStatus(stack, outputs, args.offline ? "offline plan of Pulumi." + stack + ".yaml" : "stack outputs").forEach((line) => io.out(line));
                return EXIT.done;
            }
            case "step":
            case "promote":
            case "rollback":
                return args.dryRun ? await dryRunSingle(args.command as SingleCommand, deps.stackFile(stack), stack, single, io) : await runSingle(args.command as SingleCommand, await changeDeps(), single);
            case "run":
                return args.dryRun ? await dryRunWalk(deps.stackFile(stack), stack, walkOptions, io) : await runWalk({ ...(await changeDeps()), abort: deps.abort, lookup: deps.lookup, metricSource: deps.metricSource, load: deps.load }, walkOptions);
            case "guard":
                return await guard(stack, args.since, deps);
        }
    } catch (error) {
        if (error instanceof CanaryError) {
            io.err(error.message);
            return EXIT.refused;
        }
        if (error instanceof StackArgumentError) {
            io.err(error.message);
            return EXIT.usage;
        }
        if (error instanceof StackFileError) {
            io.err(error.message);
            return EXIT.unreadable;
        }
        if (error instanceof ConfigError) {
            io.err([`config errors in stack ${stack}:`, ...error.issues.map((issue) => `  ${issue.key}: ${issue.message}`)].join("\n"));
            return EXIT.refused;
        }
        // Automation API errors carry the CLI's output; print it, not a stack trace.
        io.err(`${args.command} failed: ${errorText(error)}`);
        return EXIT.refused;
    }
}

/** `guard`: the committed stack file against what the stack runs, and against the file at `since`. */
async function guard(stack: string, since: string | undefined, deps: CanaryDeps): Promise<number> {
    const head = stateFromConfig(readStackFile(stack).config, stack);
    let base;
    if (since !== undefined) {
        const text = await deps.git.show(since, stackFilePath(stack));
        if (text !== undefined) {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-canary-guard-"));
            try {
                fs.writeFileSync(path.join(dir, path.basename(stackFilePath(stack))), text);
                base = stateFromConfig(readStackFile(stack, [], dir).config, stack);
            } catch {
                // The file at `since` did not parse: this change fixes it, nothing to compare.
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
    }
    const driver = await deps.openStack(stack);
    const problems = guardProblems(stack, head, base, await driver.outputs(), await driver.getTag(LEASE_TAG));
    if (problems.length > 0) {
        deps.io.err([`refusing to deploy stack ${stack}:`, ...problems.map((problem) => `  ${problem}`)].join("\n"));
        return EXIT.refused;
    }
    deps.io.out(`stack ${stack}: no canary weight would change that this commit did not change`);
    return EXIT.done;
}

if (require.main === module) {
    // A reader that stops early (`| head`) is not an error.
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE") {
            process.exit(0);
        }
        throw error;
    });
    const io: Io = { out: (text) => console.log(text), err: (text) => console.error(text) };
    const controller = new AbortController();
    let interrupts = 0;
    process.on("SIGINT", () => {
        interrupts++;
        if (interrupts === 1) {
            console.error("interrupted: rolling back to the last weight that passed once the running pulumi command ends (it sees Ctrl-C too and cancels); Ctrl-C again to stop at once");
            controller.abort();
        } else {
            process.exit(EXIT.interrupted);
        }
    });
    const confirm = process.stdin.isTTY
        ? async (question: string): Promise<boolean> => {
              const { createInterface } = await import("node:readline/promises");
              const rl = createInterface({ input: process.stdin, output: process.stderr });
              try {
                  return /^y(es)?$/i.test((await rl.question(question)).trim());
              } finally {
                  rl.close();
              }
          }
        : undefined;
    main(process.argv.slice(2), realDeps(io, controller.signal, confirm)).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            console.error(errorText(error));
            process.exitCode = 1;
        },
    );
}
