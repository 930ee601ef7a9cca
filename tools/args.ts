/** Command-line parsing shared by the project's commands (plan, bench, canary). */

/** A mistake in how a command was called: the command prints it with its usage and exits 2. */
export class UsageError extends Error {}

export interface ArgsSpec {
    /** Options that take a value: `--name value` or `--name=value`. */
    readonly values: readonly string[];
    /** Options that take no value. */
    readonly booleans: readonly string[];
    /** Value options that may be given more than once, in order (e.g. `--set`). */
    readonly repeatable?: readonly string[];
}

export interface SplitArgs {
    /** Arguments that are not options, in order. */
    readonly positionals: string[];
    /** The values of each value option given, in order. */
    readonly values: ReadonlyMap<string, readonly string[]>;
    /** The boolean options given. */
    readonly booleans: ReadonlySet<string>;
}

/**
 * Splits `argv` by `spec`; an unknown option, a missing value, a value given to a boolean
 * option, or an option given twice that is not repeatable is a UsageError naming it.
 */
export function splitArgs(argv: readonly string[], spec: ArgsSpec): SplitArgs {
    const positionals: string[] = [];
    const values = new Map<string, string[]>();
    const booleans = new Set<string>();
    for (let index = 0; index < argv.length; index++) {
        const arg = argv[index];
        if (!arg.startsWith("-")) {
            positionals.push(arg);
            continue;
        }
        const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
        const flag = equals > 0 ? arg.slice(0, equals) : arg;
        if (spec.booleans.includes(flag)) {
            if (equals > 0) {
                throw new UsageError(`${flag} takes no value`);
            }
            booleans.add(flag);
            continue;
        }
        if (!spec.values.includes(flag)) {
            throw new UsageError(`unknown option ${flag}`);
        }
        let value: string;
        if (equals > 0) {
            value = arg.slice(equals + 1);
        } else {
            const next = argv[index + 1];
            if (next === undefined || next.startsWith("--")) {
                throw new UsageError(`${flag} needs a value`);
            }
            value = next;
            index++;
        }
        const given = values.get(flag) ?? [];
        if (given.length > 0 && !(spec.repeatable ?? []).includes(flag)) {
            throw new UsageError(`${flag} given twice`);
        }
        values.set(flag, [...given, value]);
    }
    return { positionals, values, booleans };
}

/** The one value of option `flag`, if given. */
export function valueOf(args: SplitArgs, flag: string): string | undefined {
    return args.values.get(flag)?.[0];
}
