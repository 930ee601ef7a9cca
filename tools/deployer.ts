/**
 * The deployer of each stack, for the workflows: `npm run -s deployer` prints, for every
 * Pulumi.<stack>.yaml, `<stack>-kind=<kind>`, `<stack>-runner=<label>` and `<stack>-role=<role>`
 * (the runner empty unless the stack deploys from GitHub Actions), then
 * `runners=<JSON stack → deploy runner>`, `preview-runners=<JSON stack → preview runner>`,
 * `preview-roles=<JSON stack → first preview role>` and `workflow-stacks=<JSON list of the stacks
 * the workflows deploy>`, as lines for `$GITHUB_OUTPUT`. So the workflows take the roles and
 * runners from the stack files, the one home of who deploys. A job deploys or previews a stack only when its kind is `github-actions`, on
 * its runner; so a stack that Pulumi Deployments deploys is never deployed by a workflow too.
 *
 * Each stack file is checked by the program's own parser: a bad one exits 1 with its errors.
 */
import { ConfigError } from "../stacks/checks";
import { parseStackConfig } from "../stacks/config";
import type { DeployerConfig } from "../stacks/deployer";
import { splitArgs, UsageError } from "./args";
import { listStacks, readStackFile, StackArgumentError, StackFileError } from "./stackfile";

export const USAGE = [
    "usage: npm run -s deployer [-- --help]",
    "",
    "Prints each stack's deployer as GitHub Actions output lines (<stack>-kind, <stack>-runner, runners, workflow-stacks).",
    "Exit codes: 0 done, 1 a stack file's config is invalid, 2 bad usage, 3 a stack file is unreadable.",
].join("\n");

export interface DeployerIo {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

/** The output lines for the stacks' deployers. */
export function outputLines(deployers: Readonly<Record<string, DeployerConfig>>): string[] {
    const runners = Object.fromEntries(Object.entries(deployers).map(([stack, deployer]) => [stack, deployer.kind === "github-actions" ? (deployer.runner ?? "") : ""]));
    const workflowStacks = Object.keys(deployers).filter((stack) => deployers[stack].kind === "github-actions");
    const previewRunners = Object.fromEntries(
        Object.entries(deployers).map(([stack, deployer]) => [stack, deployer.kind === "github-actions" ? (deployer.previewRunner ?? deployer.runner ?? "") : ""]),
    );
    const previewRoles = Object.fromEntries(Object.entries(deployers).map(([stack, deployer]) => [stack, deployer.previewRoleArns[0] ?? ""]));
    return [
        ...Object.entries(deployers).flatMap(([stack, deployer]) => [`${stack}-kind=${deployer.kind}`, `${stack}-runner=${runners[stack]}`, `${stack}-role=${deployer.roleArn}`]),
        `runners=${JSON.stringify(runners)}`,
        `preview-runners=${JSON.stringify(previewRunners)}`,
        `preview-roles=${JSON.stringify(previewRoles)}`,
        `workflow-stacks=${JSON.stringify(workflowStacks)}`,
    ];
}

export function main(argv: readonly string[], io: DeployerIo, stacks: readonly string[] = listStacks()): number {
    try {
        const args = splitArgs(argv, { values: [], booleans: ["--help", "-h"], repeatable: [] });
        if (args.positionals.length > 0) {
            throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
        }
        if (args.booleans.size > 0) {
            io.out(USAGE);
            return 0;
        }
    } catch (error) {
        if (error instanceof UsageError) {
            io.err(`${error.message}\n${USAGE}`);
            return 2;
        }
        throw error;
    }
    const deployers: Record<string, DeployerConfig> = {};
    /** 0, or the exit code: 3 when a stack file is unreadable, else 1 for bad config. */
    let failed = 0;
    for (const stack of stacks) {
        try {
            const config = parseStackConfig(readStackFile(stack).config, stack);
            // A stack on an existing cluster (a laptop's kind) is deployed from where its kubeconfig is, not by a workflow.
            if (config.target === "eks") {
                deployers[stack] = config.deployer;
            }
        } catch (error) {
            if (error instanceof ConfigError || error instanceof StackFileError || error instanceof StackArgumentError) {
                io.err(`Pulumi.${stack}.yaml: ${error.message}`);
                failed = Math.max(failed, error instanceof ConfigError ? 1 : 3);
                continue;
            }
            throw error;
        }
    }
    if (failed !== 0) {
        return failed;
    }
    io.out(outputLines(deployers).join("\n"));
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
    process.exitCode = main(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) });
}
