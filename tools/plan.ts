/**
 * The offline plan: `npm run plan -- --stack <name> [--set key=value ...] [--json]`.
 *
 * Runs the program under mocks (no cloud, no Pulumi CLI, no credentials) with a stack's config
 * plus `--set` overrides, and prints what it would declare: the resources as a tree of
 * components, the canary split of every service, the stack outputs and the monthly cost (its
 * billable items, priced where the repo has a price table). `--json` prints the same as one JSON
 * document, for scripts.
 */
import { ConfigError } from "../stacks/checks";
import { parseStackConfig, SECRET_KEYS } from "../stacks/config";
import { CostReport, estimate, loadPriceTable, renderCost } from "./cost/estimate";
import { billableItems } from "./cost/inventory";
import { splitArgs, UsageError, valueOf } from "./args";
import { OfflinePlan, planOffline } from "./offline";
import { diffPlans, renderDiff, ResourceDiff, resourceDiffs } from "./diff";
import { renderJson, renderText, shortType } from "./plan/render";
import { listStacks, StackArgumentError, readStackFile, StackFileError } from "./stackfile";

export { bar } from "./split";
export { details } from "./plan/describers";
export { renderJson, renderText, shortType } from "./plan/render";
export { resourceTree } from "./plan/tree";
export type { PlanNode } from "./plan/tree";

export interface PlanIo {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

export const USAGE = [
    "usage: npm run plan -- --stack <name> [--set key=value ...] [--diff] [--json]",
    "",
    "Declares the stack under mocks, with no cloud calls, and prints what it would create.",
    "",
    "  --stack <name>     the stack whose Pulumi.<name>.yaml to read (required)",
    "  --set key=value    override a config value, as `pulumi config set --path` does;",
    "                     keys without a namespace belong to the project, e.g.",
    "                     --set services.notification.canary.weight=25",
    "  --diff             print only what the --set values change against the stack file's config:",
    "                     per resource and input, old → new (with --json: the document's `diff`)",
    "  --json             print one JSON document instead of text",
    "  --help             print this help",
].join("\n");

interface PlanArgs {
    readonly stack: string | undefined;
    readonly sets: string[];
    readonly json: boolean;
    readonly diff: boolean;
    readonly help: boolean;
}

export function parseArgs(argv: readonly string[]): PlanArgs {
    const args = splitArgs(argv, { values: ["--stack", "--set"], booleans: ["--json", "--diff", "--help", "-h"], repeatable: ["--set"] });
    if (args.positionals.length > 0) {
        throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    }
    return {
        stack: valueOf(args, "--stack"),
        sets: [...(args.values.get("--set") ?? [])],
        json: args.booleans.has("--json"),
        diff: args.booleans.has("--diff"),
        help: args.booleans.has("--help") || args.booleans.has("-h"),
    };
}

/** A `--set key=value` as printed: a secret key's value is never shown. */
function shownSet(set: string): string {
    const key = set.slice(0, Math.max(0, set.indexOf("=")));
    const name = key.replace(/^[^:.[]+:/, "").split(/[.[]/)[0];
    return (SECRET_KEYS as readonly string[]).includes(name) ? `${key}=[secret]` : set;
}

/**
 * The stack's monthly cost: its billable items, priced by the region's table when the repo has one.
 * The config is parsed again here rather than carried on the plan: parsed, it holds secrets in
 * clear (an alarm URL), and a plan is something that gets printed.
 */
function costOf(stack: string, plan: OfflinePlan, config: Readonly<Record<string, string>>): CostReport {
    const parsed = parseStackConfig(config, stack);
    const region = parsed.target === "eks" ? parsed.region : "none";
    return estimate(region, billableItems(parsed, plan.resources), parsed.target === "eks" ? loadPriceTable(region) : undefined);
}

/** Runs the plan command; returns the exit code (0 ok, 1 bad config, 2 bad usage, 3 unreadable stack file). */
export async function main(argv: string[], io: PlanIo, dir?: string): Promise<number> {
    let args: PlanArgs;
    try {
        args = parseArgs(argv);
    } catch (error) {
        if (error instanceof UsageError) {
            io.err(`${error.message}\n${USAGE}`);
            return 2;
        }
        throw error;
    }
    if (args.help) {
        io.out(USAGE);
        return 0;
    }
    if (args.stack === undefined || args.stack === "") {
        const stacks = listStacks(dir);
        io.err(`--stack is required; stacks here: ${stacks.length > 0 ? stacks.join(", ") : "none"}\n${USAGE}`);
        return 2;
    }

    let plan: OfflinePlan;
    let region: string | undefined;
    let diffs: ResourceDiff[] | undefined;
    let config: Readonly<Record<string, string>>;
    try {
        config = readStackFile(args.stack, args.sets, dir).config;
        region = config["aws:region"];
        if (args.diff) {
            // The stack file's config as it is, then with the --set values: the same program, twice.
            const current = await planOffline(args.stack, readStackFile(args.stack, [], dir).config);
            plan = await planOffline(args.stack, config);
            diffs = resourceDiffs(diffPlans(current, plan));
        } else {
            plan = await planOffline(args.stack, config);
        }
    } catch (error) {
        if (error instanceof StackArgumentError) {
            io.err(`${error.message}\n${USAGE}`);
            return 2;
        }
        if (error instanceof StackFileError) {
            io.err(error.message);
            return 3;
        }
        if (error instanceof ConfigError) {
            io.err([`config errors in stack ${args.stack}:`, ...error.issues.map((issue) => `  ${issue.key}: ${issue.message}`)].join("\n"));
            return 1;
        }
        throw error;
    }
    if (diffs !== undefined) {
        io.out(
            args.json
                ? renderJson(plan, { diff: diffs })
                : [
                      `Changes to stack ${args.stack} by ${args.sets.length === 0 ? "no --set value" : args.sets.map((set) => `--set ${shownSet(set)}`).join(" ")} (offline plans of both configs)`,
                      ...renderDiff(diffs, shortType),
                  ].join("\n"),
        );
        return 0;
    }
    const cost = costOf(args.stack, plan, config);
    io.out(args.json ? renderJson(plan, { cost }) : [renderText(plan, region), "", ...renderCost(cost)].join("\n"));
    return 0;
}

if (require.main === module) {
    // A reader that stops early (`| head`) is not an error.
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE") {
            process.exit(0);
        }
        throw error;
    });
    main(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            console.error(error);
            process.exitCode = 1;
        },
    );
}
