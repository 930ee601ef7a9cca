/**
 * The deploy workflow's guard: a `pulumi up` from CI must not change a canary weight that its
 * commit did not change. When the stack runs another weight than the committed one (a walk moved
 * it and its commit has not reached main yet, or was never pushed), deploying would jump or undo
 * the canary: the guard refuses and says which.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackFile, stackFilePath } from "../stackfile";
import { deployedWeight } from "./change";
import type { CanaryDeps } from "./deps";
import { EXIT } from "./io";
import { LEASE_TAG } from "./lease";
import { CanaryState, stateFromConfig } from "./schedule";

/**
 * Why deploying `head` would move a canary that the change from `base` did not move; empty when it
 * would not. Without `base` (a manual run, a new branch) nothing shows the move was meant: any
 * weight the stack runs differently is refused.
 */
export function guardProblems(stack: string, head: CanaryState, base: CanaryState | undefined, outputs: Readonly<Record<string, unknown>>, lease?: string): string[] {
    const problems: string[] = [];
    if (lease !== undefined && lease !== "") {
        problems.push(`a canary walk holds the stack (${lease}): a deploy now would run between its steps; wait for it to end`);
    }
    for (const service of head.services) {
        if (service.mode !== "manual" || service.canary === undefined) {
            continue;
        }
        const deployed = deployedWeight(outputs, service.name);
        const committed = service.canary.weight;
        if (deployed === undefined || deployed === committed) {
            continue;
        }
        const before = base?.services.find((item) => item.name === service.name)?.canary?.weight;
        if (base === undefined || before === committed) {
            problems.push(
                `${service.name}: the stack runs ${deployed}% but Pulumi.${stack}.yaml says ${committed}%, and ${base === undefined ? "no base commit shows that this change meant it" : "this change did not touch that weight"}: ` +
                    `deploying would move the canary ${deployed < committed ? "up" : "back"} without its gates. Commit the weight the stack runs (the canary command commits every step it deploys), or change it on purpose in a commit of its own`,
            );
        }
    }
    return problems;
}

/** `guard`: the committed stack file against what the stack runs, and against the file at `since`. */
export async function runGuard(stack: string, since: string | undefined, deps: Pick<CanaryDeps, "git" | "openStack" | "io">): Promise<number> {
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
