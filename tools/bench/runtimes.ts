/**
 * The ways Pulumi's Node.js runtime can load this program, as `npm run bench` reproduces them in a
 * fresh process: the command line of each, and which one `Pulumi.yaml` selects.
 *
 * Pulumi's `@pulumi/pulumi/cmd/run` loads `main` with a plain `require()`. With
 * `runtime.options.typescript` true (the default) it first registers ts-node with the project's
 * tsconfig and type checking on (unless `PULUMI_NODEJS_TRANSPILE_ONLY=true` or the tsconfig's
 * `noCheck`); with `typescript: false` it registers nothing, so `main` must be JavaScript or a
 * loader must come from `runtime.options.nodeargs` (e.g. `--require tsx/cjs`).
 */

export const RUNTIME_IDS = ["ts-node-check", "ts-node-transpile", "tsx", "js"] as const;
export type RuntimeId = (typeof RUNTIME_IDS)[number];

export interface RuntimeSpec {
    readonly id: RuntimeId;
    /** Short name for the table. */
    readonly label: string;
    /** The Pulumi.yaml (and build) setting that makes `pulumi up` run the program this way. */
    readonly pulumiSetting: string;
}

export const RUNTIMES: Record<RuntimeId, RuntimeSpec> = {
    "ts-node-check": {
        id: "ts-node-check",
        label: "ts-node, type-checked",
        pulumiSetting: "Pulumi's default: runtime.options.typescript true, main: stacks/index.ts",
    },
    "ts-node-transpile": {
        id: "ts-node-transpile",
        label: "ts-node, transpile-only",
        pulumiSetting: "typescript true plus PULUMI_NODEJS_TRANSPILE_ONLY=true (or noCheck in the tsconfig)",
    },
    tsx: {
        id: "tsx",
        label: "node --require tsx/cjs",
        pulumiSetting: "typescript: false, nodeargs: --require tsx/cjs, main: stacks/index.ts",
    },
    js: {
        id: "js",
        label: "precompiled JavaScript",
        pulumiSetting: "typescript: false, main: bin/stacks/index.js, after npm run build",
    },
};

/** Where the probe module is: its TypeScript source, and its build by tsc. */
export interface ProbeEntries {
    readonly ts: string;
    readonly js: string;
}

export interface ChildCommand {
    /** Arguments for `node` (process.execPath). */
    readonly args: string[];
}

/**
 * Node arguments that load `entries` the way runtime `id` would: each ends in a plain
 * `require(<entry>)`, as Pulumi's runner does. ts-node is registered through its API with the
 * options Pulumi's runner passes (tsconfig.json of the working directory, its compilerOptions over
 * Pulumi's defaults), so the type-checked variant checks exactly what `pulumi up` would.
 */
export function childCommand(id: RuntimeId, entries: ProbeEntries): ChildCommand {
    const load = (entry: string): string => `require(${JSON.stringify(entry)});`;
    switch (id) {
        case "ts-node-check":
        case "ts-node-transpile": {
            const register = [
                `const ts = require("typescript");`,
                `const text = require("node:fs").readFileSync("tsconfig.json", "utf8");`,
                `const compilerOptions = ts.parseConfigFileTextToJson("tsconfig.json", text).config.compilerOptions ?? {};`,
                `require("ts-node").register({`,
                `  compiler: "typescript",`,
                `  transpileOnly: ${id === "ts-node-transpile"},`,
                `  project: "tsconfig.json",`,
                `  skipProject: false,`,
                `  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },`,
                `});`,
            ].join("\n");
            return { args: ["-e", `${register}\n${load(entries.ts)}`] };
        }
        case "tsx":
            return { args: ["--require", "tsx/cjs", "-e", load(entries.ts)] };
        case "js":
            return { args: ["-e", load(entries.js)] };
    }
}

/** The parts of Pulumi.yaml that decide how the program is loaded. */
export interface ProjectRuntime {
    readonly main?: string;
    readonly runtime: string | { readonly name: string; readonly options?: { readonly typescript?: boolean; readonly nodeargs?: string } };
}

/** Which of the runtimes `Pulumi.yaml` selects; undefined for a setting the bench does not model. */
export function runtimeOfProject(project: ProjectRuntime): RuntimeId | undefined {
    const options = typeof project.runtime === "string" ? {} : (project.runtime.options ?? {});
    const main = project.main ?? "";
    if (options.typescript === false) {
        if (/\.(c?js)$/.test(main)) {
            return "js";
        }
        return /(^|\s)--(require|import)[= ]tsx(\/cjs)?(\s|$)/.test(options.nodeargs ?? "") ? "tsx" : undefined;
    }
    return "ts-node-check";
}
