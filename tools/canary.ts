/**
 * The canary command: `npm run canary -- <status|step|promote|rollback|run> --stack <name> ...`.
 *
 * Each change is the README's config change followed by one `pulumi up` whose message names the
 * step, through Pulumi's Automation API (it needs the Pulumi CLI). `run` walks the schedule and
 * checks the canary's 5xx rate and p99 latency from CloudWatch after a bake at each weight, and
 * rolls back by itself when they are bad. `--dry-run` and `status --offline` need no CLI and no
 * cloud: they read `Pulumi.<stack>.yaml`.
 */
import { ConfigError } from "../stacks/checks";
import { UsageError } from "./args";
import { CanaryArgs, CHANGING, COMMANDS, parseArgs, USAGE } from "./canary/args";
import type { ChangeDeps } from "./canary/change";
import { dryRunSingle, dryRunWalk, renderStatus, runSingle, SingleCommand } from "./canary/commands";
import { CanaryDeps, realDeps } from "./canary/deps";
import { runGuard } from "./canary/guard";
import { errorText, EXIT, Io } from "./canary/io";
import { CanaryError } from "./canary/schedule";
import { PULUMI_MISSING } from "./canary/stack";
import { runWalk } from "./canary/walk";
import { listStacks, StackArgumentError, stackFilePath, StackFileError } from "./stackfile";

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
    const single = { service: args.service, group: args.group, ...(args.to === undefined ? {} : { to: args.to }), force: args.force };
    const walkOptions = {
        service: args.service,
        group: args.group,
        bakeMs: args.bakeMs,
        gates: { max5xxRate: args.max5xxRate, maxP99Ms: args.maxP99Ms, minRequests: args.minRequests },
        promote: args.promote,
        load: args.load,
        prometheusUrl: args.prometheusUrl,
        force: args.force,
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
                return args.dryRun
                    ? await dryRunSingle(args.command as SingleCommand, deps.stackFile(stack), stack, single, io, deps.clock.now, deps.changeDiff)
                    : await runSingle(args.command as SingleCommand, await changeDeps(), single);
            case "run":
                return args.dryRun
                    ? await dryRunWalk(deps.stackFile(stack), stack, walkOptions, io, deps.clock.now)
                    : await runWalk(
                          {
                              ...(await changeDeps()),
                              abort: deps.abort,
                              lookup: deps.lookup,
                              metricSource: deps.metricSource,
                              prometheusSource: deps.prometheusSource,
                              load: deps.load,
                          },
                          walkOptions,
                      );
            case "guard":
                return await runGuard(stack, args.since, deps);
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
            console.error(
                "interrupted: rolling back to the last weight that passed once the running pulumi command ends (it sees Ctrl-C too and cancels); Ctrl-C again to stop at once",
            );
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
