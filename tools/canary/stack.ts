/**
 * The stack the canary command reads and changes, behind one small interface: the Automation API
 * adapter (needs the Pulumi CLI) and a read-only view of `Pulumi.<stack>.yaml` for dry runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackFile } from "../stackfile";

/** A resource a preview would change (create, update, replace, delete). */
export interface PlannedChange {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly op: string;
}

/** What the command does to a stack. Keys are fully qualified config paths (`eks-canary:a.b.c`). */
export interface StackDriver {
    /** The stack's config as Pulumi hands it to the program: `namespace:key` → string (objects as JSON). */
    readConfig(): Promise<Record<string, string>>;
    /** `pulumi config set --path <key> <value>`. */
    setConfig(key: string, value: string): Promise<void>;
    /** `pulumi config rm --path <key>`. */
    removeConfig(key: string): Promise<void>;
    /** `pulumi preview`: the custom resources it would change. */
    preview(onOutput: (text: string) => void): Promise<PlannedChange[]>;
    /** `pulumi up --yes --message <message> --target <urn> ...`; resolves when the update succeeded. */
    up(message: string, targets: readonly string[], onOutput: (text: string) => void): Promise<void>;
    /** The stack outputs of the last update. */
    outputs(): Promise<Record<string, unknown>>;
    /** A stack tag's value, or undefined. */
    getTag(key: string): Promise<string | undefined>;
    setTag(key: string, value: string): Promise<void>;
    removeTag(key: string): Promise<void>;
}

/** Resource types a step never counts as a change of its own: the stack, components, providers. */
export function isInfrastructureType(type: string): boolean {
    return !type.startsWith("pulumi:") && !type.startsWith("eks-canary:");
}

/** A URN's type and name: `urn:pulumi:<stack>::<project>::<parent$type>::<name>`. */
export function parseUrn(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const types = (parts[2] ?? "").split("$");
    return { type: types[types.length - 1] ?? "", name: parts.slice(3).join("::") };
}

export const PULUMI_INSTALL_URL = "https://www.pulumi.com/docs/install/";

export const PULUMI_MISSING =
    "the Pulumi CLI is not on your PATH: this command runs `pulumi config` and `pulumi up` through Pulumi's Automation API, " +
    `which needs it. Install it (${PULUMI_INSTALL_URL}), log in with \`pulumi login\`, and run the command again. ` +
    "Without the CLI, `--dry-run` (step, promote, rollback, run) and `status --offline` still work.";

/** The path of an executable named `name` on `PATH`, like `which`; undefined when there is none. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
    const dirs = (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");
    const extensions = platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
    for (const dir of dirs) {
        for (const extension of extensions) {
            const candidate = path.join(dir, name + extension);
            try {
                fs.accessSync(candidate, fs.constants.X_OK);
                if (fs.statSync(candidate).isFile()) {
                    return candidate;
                }
            } catch {
                // not here
            }
        }
    }
    return undefined;
}

/** The stack through the Automation API: `LocalWorkspace.selectStack` on the program in `workDir`. */
export async function automationStack(stackName: string, workDir: string): Promise<StackDriver> {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.selectStack({ stackName, workDir });
    return {
        async readConfig() {
            const all = await stack.getAllConfig();
            return Object.fromEntries(Object.entries(all).map(([key, value]) => [key, value.value]));
        },
        async setConfig(key, value) {
            await stack.setConfig(key, { value }, true);
        },
        async removeConfig(key) {
            await stack.removeConfig(key, true);
        },
        async preview(onOutput) {
            const changes: PlannedChange[] = [];
            await stack.preview({
                onOutput,
                onEvent: (event) => {
                    const metadata = event.resourcePreEvent?.metadata;
                    if (metadata !== undefined && metadata.op !== "same" && metadata.op !== "read" && isInfrastructureType(metadata.type)) {
                        changes.push({ urn: metadata.urn, type: metadata.type, name: parseUrn(metadata.urn).name, op: metadata.op });
                    }
                },
            });
            return changes;
        },
        async up(message, targets, onOutput) {
            await stack.up({ message, onOutput, ...(targets.length === 0 ? {} : { target: [...targets] }) });
        },
        async outputs() {
            const outputs = await stack.outputs();
            return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value as unknown]));
        },
        async getTag(key) {
            const tags = await stack.listTags();
            return tags[key];
        },
        async setTag(key, value) {
            await stack.setTag(key, value);
        },
        async removeTag(key) {
            await stack.removeTag(key);
        },
    };
}

/** A read-only stack from `Pulumi.<stack>.yaml`: what a dry run plans from, with no CLI. */
export function stackFileDriver(stackName: string, dir?: string): StackDriver {
    const refuse = (): Promise<never> => Promise.reject(new Error("a dry run changes nothing"));
    return {
        readConfig: () => Promise.resolve(readStackFile(stackName, [], dir).config),
        setConfig: refuse,
        removeConfig: refuse,
        preview: refuse,
        up: refuse,
        outputs: refuse,
        getTag: refuse,
        setTag: refuse,
        removeTag: refuse,
    };
}
