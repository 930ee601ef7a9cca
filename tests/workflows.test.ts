import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const DIR = path.join(__dirname, "..", ".github", "workflows");
const FILES = fs
    .readdirSync(DIR)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
}
interface Job {
    uses?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: Record<string, string> | string;
    steps?: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    jobs: Record<string, Job>;
}

function load(file: string): { text: string; workflow: Workflow } {
    const text = fs.readFileSync(path.join(DIR, file), "utf8");
    return { text, workflow: parse(text) as Workflow };
}

/** Every `uses:` of a workflow: steps' actions and jobs' reusable workflows. */
function uses(workflow: Workflow): string[] {
    return Object.values(workflow.jobs).flatMap((job) => [
        ...(job.uses === undefined ? [] : [job.uses]),
        ...(job.steps ?? []).flatMap((step) => (step.uses === undefined ? [] : [step.uses])),
    ]);
}

/** Pinned: a full commit SHA, or an exact x.y.z tag; local actions are in the repository. */
function isPinned(ref: string): boolean {
    return ref.startsWith("./") || /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) || /^[\w.-]+\/[\w./-]+@v?\d+\.\d+\.\d+$/.test(ref);
}

/** The steps that run a Pulumi command (pulumi/actions without one only installs the CLI). */
function pulumiSteps(workflow: Workflow): Array<{ job: string; step: Step }> {
    return Object.entries(workflow.jobs).flatMap(([job, value]) =>
        (value.steps ?? []).filter((step) => step.uses?.startsWith("pulumi/actions@") === true && step.with?.command !== undefined).map((step) => ({ job, step })),
    );
}

function environmentName(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

describe("workflow files", () => {
    it("exist: preview and deploy", () => {
        expect(FILES).toEqual(expect.arrayContaining(["deploy.yml", "preview.yml"]));
    });

    it.each(FILES)("%s is valid YAML with triggers and jobs", (file) => {
        const { workflow } = load(file);
        expect(typeof workflow).toBe("object");
        expect(workflow.on).toBeDefined();
        expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
        for (const job of Object.values(workflow.jobs)) {
            expect(job.uses !== undefined || (job.steps ?? []).length > 0).toBe(true);
        }
    });

    it.each(FILES)("%s pins every action to a full commit SHA (with its version in a comment) or an exact version", (file) => {
        const { text, workflow } = load(file);
        const refs = uses(workflow);
        expect(refs.length).toBeGreaterThan(0);
        expect(refs.filter((ref) => !isPinned(ref))).toEqual([]);
        for (const line of text.split("\n").filter((candidate) => /uses:\s*\S+@[0-9a-f]{40}/.test(candidate))) {
            expect(line).toMatch(/@[0-9a-f]{40}\s+#\s*v\d+\.\d+\.\d+\s*$/);
        }
    });

    it.each(FILES)("%s holds no secrets inline and no static AWS keys", (file) => {
        const { text, workflow } = load(file);
        expect(text).not.toMatch(/AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}/);
        expect(text).not.toMatch(/aws-secret-access-key|aws-access-key-id|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/i);
        expect(text).not.toMatch(/pul-[0-9a-f]{40}/);
        // Anything that looks like a credential comes from a secret, never a literal.
        for (const job of Object.values(workflow.jobs)) {
            for (const step of job.steps ?? []) {
                for (const [key, value] of [...Object.entries(step.with ?? {}), ...Object.entries(step.env ?? {})]) {
                    if (/token|secret|password|credential|private[-_]?key/i.test(key)) {
                        expect(String(value), `${file}: ${key}`).toMatch(/^\$\{\{\s*(secrets\.[A-Z0-9_]+|github\.token)\s*\}\}$/);
                    }
                }
            }
        }
    });

    it.each(FILES)("%s: every job that configures AWS credentials assumes a role with the OIDC token", (file) => {
        const { workflow } = load(file);
        for (const [name, job] of Object.entries(workflow.jobs)) {
            const aws = (job.steps ?? []).filter((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@") === true);
            if (aws.length === 0) {
                continue;
            }
            const permissions = job.permissions ?? workflow.permissions;
            expect(typeof permissions === "object" ? permissions["id-token"] : permissions, `${file} job ${name}: id-token`).toBe("write");
            for (const step of aws) {
                expect(step.with?.["role-to-assume"], `${file} job ${name}: role-to-assume`).toBeTruthy();
            }
        }
    });
});

describe("preview on pull requests", () => {
    const { workflow } = load("preview.yml");

    it("runs on pull requests: npm ci, npm run check, then pulumi preview of the stacks the workflows deploy, with a PR comment", () => {
        expect(Object.keys(workflow.on)).toContain("pull_request");
        const check = workflow.jobs.check.steps?.map((step) => step.run).filter(Boolean);
        expect(check).toEqual(["npm ci", "npm run check"]);
        const previews = pulumiSteps(workflow);
        expect(previews).toHaveLength(1);
        const { job, step } = previews[0];
        expect(step.with).toMatchObject({ command: "preview", "comment-on-pr": true });
        expect(String(step.with?.["stack-name"])).toContain("${{ matrix.stack }}");
        const preview = workflow.jobs[job] as Job & { strategy?: { matrix?: { stack?: string } }; "runs-on"?: string };
        // The stacks and their runners come from the stack files (npm run -s deployer).
        expect(preview.strategy?.matrix?.stack).toBe("${{ fromJSON(needs.deployers.outputs.workflow-stacks) }}");
        expect(preview["runs-on"]).toBe("${{ fromJSON(needs.deployers.outputs.preview-runners)[matrix.stack] }}");
        const aws = preview.steps?.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@") === true);
        expect(aws?.with?.["role-to-assume"]).toBe("${{ fromJSON(needs.deployers.outputs.preview-roles)[matrix.stack] }}");
        expect(preview.needs).toEqual(["check", "deployers"]);
        expect(workflow.jobs.deployers.steps?.map((item) => item.run).filter(Boolean)).toEqual(["npm ci", 'npm run -s deployer >> "$GITHUB_OUTPUT"']);
        expect(preview.permissions).toMatchObject({ "pull-requests": "write" });
    });
});

describe("deploy on merge", () => {
    const { workflow } = load("deploy.yml");

    it("runs on pushes to main", () => {
        expect(workflow.on.push).toEqual({ branches: ["main"] });
    });

    it("runs pulumi up of dev after the checks, then of prod after dev, behind the production environment", () => {
        const ups = pulumiSteps(workflow).map(({ job, step }) => ({ job, command: step.with?.command, stack: String(step.with?.["stack-name"]) }));
        expect(ups).toEqual([
            { job: "dev", command: "up", stack: expect.stringMatching(/\/dev$/) },
            { job: "prod", command: "up", stack: expect.stringMatching(/\/prod$/) },
        ]);
        expect(workflow.jobs.dev.needs).toEqual(["check", "deployers"]);
        expect(workflow.jobs.prod.needs).toEqual(["check", "deployers", "dev"]);
        expect(environmentName(workflow.jobs.prod)).toBe("production");
    });

    it("deploys a stack only when its stack file names the workflow as its deployer, on that stack's runner", () => {
        const jobs = workflow.jobs as Record<string, Job & { if?: string; "runs-on"?: string }>;
        expect(jobs.dev.if).toBe("needs.deployers.outputs.dev-kind == 'github-actions'");
        expect(jobs.prod.if).toContain("needs.deployers.outputs.prod-kind == 'github-actions'");
        expect(jobs.prod.if).toContain("!failure()");
        expect(jobs.dev["runs-on"]).toBe("${{ needs.deployers.outputs.dev-runner }}");
        expect(jobs.prod["runs-on"]).toBe("${{ needs.deployers.outputs.prod-runner }}");
    });

    it.each(["dev", "prod"])("%s: assumes the stack's own deployer role, and guards the canary weights before pulumi up", (stack) => {
        const steps = workflow.jobs[stack].steps ?? [];
        const aws = steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@") === true);
        expect(aws?.with?.["role-to-assume"]).toBe(`\${{ needs.deployers.outputs.${stack}-role }}`);
        const guard = steps.findIndex((step) => step.run?.includes(`npm run -s canary -- guard --stack ${stack}`) === true);
        const up = steps.findIndex((step) => step.with?.command === "up");
        expect(guard).toBeGreaterThan(0);
        expect(guard).toBeLessThan(up);
        expect(steps[guard].env).toMatchObject({ BEFORE: "${{ github.event.before }}", PULUMI_ORGANIZATION: "${{ vars.PULUMI_ORGANIZATION }}" });
        // The stack the guard selects is the one pulumi up deploys: the organization's.
        expect(steps[guard].run).toMatch(/^pulumi org set-default "\$PULUMI_ORGANIZATION" && /);
    });
});
