/**
 * The stack file in git: every weight the canary command deploys is committed with the step's
 * message (and pushed with `--push`), so the next merge deploys what is running, not an older
 * weight. Runs git without a shell.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";

export interface GitDriver {
    /** True when `file` has no uncommitted change. */
    isClean(file: string): Promise<boolean>;
    /** Commits `file` alone with `message`. */
    commit(file: string, message: string): Promise<void>;
    push(): Promise<void>;
    /** `file` at revision `rev`, or undefined when it did not exist there. */
    show(rev: string, file: string): Promise<string | undefined>;
}

function git(cwd: string, args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("git", [...args], { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error !== null) {
                reject(new Error(`git ${args[0]} failed: ${stderr.trim() || error.message}`));
            } else {
                resolve(stdout);
            }
        });
    });
}

export function realGit(cwd: string): GitDriver {
    return {
        async isClean(file) {
            return (await git(cwd, ["status", "--porcelain", "--", file])).trim() === "";
        },
        async commit(file, message) {
            await git(cwd, ["commit", "--only", "-m", message, "--", file]);
        },
        async push() {
            await git(cwd, ["push"]);
        },
        async show(rev, file) {
            try {
                return await git(cwd, ["show", `${rev}:${path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join("/")}`]);
            } catch {
                return undefined;
            }
        },
    };
}
