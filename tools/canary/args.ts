/** The canary command's command line: its commands, their options, and the usage text. */
import { DEFAULT_PROMETHEUS_URL } from "./prometheus";
import { splitArgs, UsageError } from "../args";
import { DEFAULT_GATES } from "./gates";
import { errorText } from "./io";
import { parseDuration } from "./schedule";

export const COMMANDS = ["status", "step", "promote", "rollback", "run", "guard"] as const;
export type Command = (typeof COMMANDS)[number];

/** The bake at each weight when `--bake` is not given. */
export const DEFAULT_BAKE_MS = 10 * 60_000;

export const USAGE = [
    "usage: npm run canary -- <command> --stack <name> [--service <name> | --group <name>] [options]",
    "",
    "  status     the current split per service, from the stack outputs (--offline: from the offline plan)",
    "  step       move to the next weight of the schedule (or --to N): preview, pulumi up, commit",
    "  promote    in four ups, none routing to rolling pods: all requests to the canary; the stable",
    "             version takes its image; all requests back to it; the canary goes (resumable)",
    "  rollback   the canary's weight to 0",
    "  run        walk the schedule: at each weight preview, pulumi up, commit, bake, and gate on the",
    "             canary's failures (5xx, connection errors, the ALB's own 5xx) and p99 from CloudWatch",
    "             (the linkerd router: from Prometheus, see --prometheus)",
    "  guard      (CI) refuse a deploy that would change a canary weight its commit did not change",
    "",
    "  --stack <name>          the stack (required)",
    "  --service <name>        the service (default: the only one)",
    "  --group <name>          step, promote, rollback, run: a lockstep group (eks-canary:canary.groups): its services",
    "                          move in one pulumi up each, and a walk gates on every one of them",
    "  --to <N>                step: the weight to set; more than one step up needs --force",
    "  --force                 step: skip steps of the schedule (and their gates); step, promote, run: act inside a",
    "                          freeze window (eks-canary:canary.freeze; a rollback is never frozen)",
    "  --dry-run               step, promote, rollback, run: print the changes; no Pulumi CLI, no cloud",
    "  --yes                   step, promote, rollback, run: change the stack without asking (needed without a terminal)",
    "  --push                  step, promote, rollback, run: git push each step's commit",
    "  --offline               status: from the offline plan of Pulumi.<stack>.yaml",
    "  --bake <duration>       run: time at each weight before the gate (default 10m)",
    `  --max-5xx-rate <r>      run: highest share of failed requests, 0..1 (default ${DEFAULT_GATES.max5xxRate})`,
    `  --max-p99-ms <ms>       run: highest p99 latency in milliseconds (default ${DEFAULT_GATES.maxP99Ms})`,
    `  --min-requests <n>      run: fewest requests a bake must see to judge (default ${DEFAULT_GATES.minRequests}); fewer holds the walk`,
    "  --load                  run: send requests to the service during each bake (the load tester image)",
    `  --prometheus <url>      run, linkerd router: the Prometheus the gates query (default ${DEFAULT_PROMETHEUS_URL}, a port-forward)`,
    "  --promote               run: promote after the last step",
    "  --since <rev>           guard: the commit the deployed stack was built from",
    "  --help                  print this help",
    "",
    "Exit codes: 0 done, 1 refused, rolled back or bad config, 2 bad usage or no Pulumi CLI, 3 unreadable",
    "stack file, 4 held (too few requests to judge), 130 interrupted (rolled back to the last weight that passed).",
].join("\n");

export interface CanaryArgs {
    readonly command: Command | undefined;
    readonly stack: string | undefined;
    readonly service: string | undefined;
    readonly group: string | undefined;
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
    /** Where the gates query Prometheus, for a router whose proxies report there. */
    readonly prometheusUrl: string;
    readonly promote: boolean;
    readonly since: string | undefined;
    readonly help: boolean;
}

/** The commands that change the stack. */
export const CHANGING: readonly Command[] = ["step", "promote", "rollback", "run"];

/** Flags beyond --stack/--service/--help, and the commands they apply to. */
const FLAG_COMMANDS: Readonly<Record<string, readonly Command[]>> = {
    "--group": CHANGING,
    "--to": ["step"],
    "--force": ["step", "promote", "run"],
    "--dry-run": CHANGING,
    "--yes": CHANGING,
    "--push": CHANGING,
    "--offline": ["status"],
    "--bake": ["run"],
    "--max-5xx-rate": ["run"],
    "--max-p99-ms": ["run"],
    "--min-requests": ["run"],
    "--load": ["run"],
    "--prometheus": ["run"],
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
    const prometheusUrl = text("--prometheus") ?? DEFAULT_PROMETHEUS_URL;
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$/.test(prometheusUrl)) {
        // Credentials in a URL are never echoed.
        const shown = prometheusUrl.replace(/\/\/[^/@]*@/, "//[credentials not shown]@");
        const credentials = shown !== prometheusUrl ? " without credentials (the command sends none)" : "";
        throw new UsageError(`--prometheus ${shown}: expected an http:// or https:// URL of Prometheus${credentials}, such as ${DEFAULT_PROMETHEUS_URL}`);
    }
    if (text("--service") !== undefined && text("--group") !== undefined) {
        throw new UsageError("--service and --group: pass one (a group's services move together)");
    }
    const since = text("--since");
    if (since !== undefined && !/^[0-9a-f]{7,40}$/i.test(since) && !/^[A-Za-z0-9._/-]{1,200}$/.test(since)) {
        throw new UsageError(`--since ${since}: expected a commit SHA or a ref`);
    }
    return {
        command,
        stack: text("--stack"),
        service: text("--service"),
        group: text("--group"),
        to:
            text("--to") === undefined
                ? undefined
                : number("--to", text("--to") as string, (value) => Number.isInteger(value) && value >= 0 && value <= 100, "an integer weight 0..100"),
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
        prometheusUrl,
        promote: flags.has("--promote"),
        since,
        help: flags.has("--help") || flags.has("-h"),
    };
}
