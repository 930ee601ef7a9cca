/**
 * Hostile and careless input through the real entry points: `npm run plan` (its main), the canary
 * command, and stack files on disk. Each class ends in a clear error that names the key or flag,
 * with its exit code (1 config, 2 usage, 3 unreadable stack file), no stack trace, no secret, and
 * nothing declared. The README's Security section lists these classes with the test of each.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main as canaryMain } from "../tools/canary";
import type { CanaryDeps } from "../tools/canary/deps";
import { main as planMain } from "../tools/plan";
import { stackFileDriver } from "../tools/canary/stack";

const REPO = path.join(__dirname, "..");
const DEV_FILE = fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8");
const dirs: string[] = [];

/** A folder holding `Pulumi.dev.yaml` with `text`. */
function stackDir(text: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-canary-hostile-"));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), text);
    return dir;
}

afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

interface Run {
    code: number;
    out: string;
    err: string;
    ms: number;
}

async function plan(argv: string[], dir?: string): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const started = Date.now();
    const code = await planMain(argv, { out: (text) => out.push(text), err: (text) => err.push(text) }, dir);
    return { code, out: out.join("\n"), err: err.join("\n"), ms: Date.now() - started };
}

/** No stack trace, and no line that looks like one. */
function expectNoTrace(run: Run): void {
    expect(run.err).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(run.err).not.toMatch(/^\s*at /m);
}

describe("--set paths", () => {
    it.each(["__proto__.polluted=1", "services.__proto__.x=1", "constructor.prototype.x=1", "services.notification.constructor=1"])(
        "%s is a usage error naming the path",
        async (set) => {
            const run = await plan(["--stack", "dev", "--set", set]);
            expect(run.code).toBe(2);
            expect(run.err).toContain("an object prototype");
            expectNoTrace(run);
            expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
    );

    it("a huge list index is refused at once, with the indexes allowed", async () => {
        const run = await plan(["--stack", "dev", "--set", "canary.steps[1000000000]=1"]);
        expect(run.code).toBe(2);
        expect(run.err).toContain("[1000000000] is past the end of a list of 5; allowed: an index 0..5");
        expect(run.ms).toBeLessThan(2000);
    });

    it("a path that is not one, or no value", async () => {
        expect((await plan(["--stack", "dev", "--set", "services..x=1"])).err).toContain("cannot read the config path");
        expect((await plan(["--stack", "dev", "--set", "router"])).code).toBe(2);
    });
});

describe("stack files", () => {
    it.each([
        ["not YAML", "config:\n  eks-canary:router: [unclosed\n", "is not valid YAML"],
        ["duplicate keys", `${DEV_FILE}\n  eks-canary:router: alb\n`, "is not valid YAML"],
        [
            "an alias bomb",
            `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [${"*a,".repeat(9)}*a]\nc: &c [${"*b,".repeat(9)}*b]\nd: &d [${"*c,".repeat(9)}*c]\nconfig: {}\n`,
            "is not valid YAML",
        ],
        ["a list at the top", "- a\n- b\n", "is not a Pulumi stack file"],
        ["config that is not a mapping", "config: [1, 2]\n", "config is not a mapping"],
        ["a prototype key", "config:\n  __proto__:\n    polluted: true\n", "names an object prototype"],
    ])("%s: exit 3 naming the file", async (_what, text, message) => {
        const run = await plan(["--stack", "dev"], stackDir(text));
        expect(run.code).toBe(3);
        expect(run.err).toContain("Pulumi.dev.yaml");
        expect(run.err).toContain(message);
        expectNoTrace(run);
    });

    it("a file too large to be a stack file is refused before it is parsed", async () => {
        const run = await plan(["--stack", "dev"], stackDir(`# ${"x".repeat(1_100_000)}\n${DEV_FILE}`));
        expect(run.code).toBe(3);
        expect(run.err).toContain("is not a stack file (at most 1048576 bytes are read)");
    });

    it("an unknown stack is a usage error listing the stacks", async () => {
        const run = await plan(["--stack", "nope"]);
        expect(run.code).toBe(2);
        expect(run.err).toContain("stacks here: dev, local, prod");
    });
});

describe("config values, through the plan", () => {
    it.each([
        [
            ["--set", "cluster.publicAccessCidrs[0]=0.0.0.0/1", "--set", "cluster.publicAccessCidrs[1]=128.0.0.0/1"],
            "eks-canary:cluster.publicAccessCidrs[0]: 0.0.0.0/1 opens the Kubernetes API to 2,147,483,648 addresses",
        ],
        [["--set", "network.cidrBlock=8.8.0.0/16"], "eks-canary:network.cidrBlock: 8.8.0.0/16 is not a private range"],
        [["--set", "namespace=kube-system"], 'eks-canary:namespace: "kube-system" belongs to Kubernetes'],
        [["--set", "aws:region=eu-fake-1"], 'aws:region: "eu-fake-1" is not allowed'],
        [["--set", "services.notification.healthPath=/h;id"], 'eks-canary:services.notification.healthPath: "/h;id" is malformed'],
        [["--set", "services.notifcation.canary.weight=25"], "eks-canary:services.notifcation: not a configured service (did you mean notification?)"],
        [["--set", "eks-canery:router=alb"], 'eks-canery:router: unknown namespace "eks-canery" (did you mean eks-canary?)'],
        [["--set", "cluster.kubernetesVersion=1.30"], 'eks-canary:cluster.kubernetesVersion: "1.30" is not allowed; allowed: 1.35'],
        [["--set", "services.notification.canary.weight=150"], "eks-canary:services.notification.canary.weight: 150 is out of range; allowed: an integer 0..100"],
    ])("%j: exit 1 with the named error, nothing declared", async (sets, message) => {
        const run = await plan(["--stack", "dev", ...sets]);
        expect(run.code).toBe(1);
        expect(run.out).toBe("");
        expect(run.err).toContain(message);
        expectNoTrace(run);
    });

    it("a 63-character service name is refused before its Service name would be 81 characters", async () => {
        const name = "s".repeat(63);
        const run = await plan(["--stack", "dev", "--set", `services.${name}.port=80`, "--set", `services.${name}.healthPath=/h`, "--set", `services.${name}.stable.image=a/b:1`]);
        expect(run.code).toBe(1);
        expect(run.err).toContain("allowed: a name of at most 45 characters");
    });

    it("a webhook URL in the wrong key is never printed", async () => {
        const url = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX";
        const run = await plan(["--stack", "dev", "--set", `flagger.alerts.provider=${url}`, "--set", `flagger.alerts.channel=${url}`]);
        expect(run.code).toBe(1);
        expect(run.err).not.toContain("hooks.slack.com");
        expect(run.err).toContain("not shown");
    });

    it("a missing nested key says how to set it, with --path", async () => {
        const run = await plan(["--stack", "dev"], stackDir(DEV_FILE.replace('    kubernetesVersion: "1.35"\n', "")));
        expect(run.code).toBe(1);
        expect(run.err).toContain("pulumi config set --path 'eks-canary:cluster.kubernetesVersion' <value>");
    });
});

describe("the canary command", () => {
    const deps = (dir: string): CanaryDeps =>
        ({
            io: { out: () => undefined, err: () => undefined },
            findPulumi: () => undefined,
            clock: { now: () => Date.now(), sleep: async () => undefined },
            stackFile: (stack: string) => stackFileDriver(stack, dir),
        }) as unknown as CanaryDeps;

    async function canary(argv: string[], dir = REPO): Promise<Run> {
        const out: string[] = [];
        const err: string[] = [];
        const started = Date.now();
        const base = deps(dir);
        const code = await canaryMain(argv, { ...base, io: { out: (text) => out.push(text), err: (text) => err.push(text) } });
        return { code, out: out.join("\n"), err: err.join("\n"), ms: Date.now() - started };
    }

    it("a dry run of a broken stack file exits 1 with the program's errors", async () => {
        const run = await canary(["run", "--stack", "dev", "--dry-run"], stackDir(DEV_FILE.replace("eks-canary:router: lattice", "eks-canary:router: istio")));
        expect(run.code).toBe(1);
        expect(run.err).toContain('eks-canary:router: "istio" is not allowed');
    });

    it("an unreadable stack file exits 3", async () => {
        const run = await canary(["run", "--stack", "dev", "--dry-run"], stackDir("config: [\n"));
        expect(run.code).toBe(3);
        expect(run.err).toContain("is not valid YAML");
    });

    it.each([
        [["step", "--stack", "dev", "--to", "abc", "--dry-run"], "--to abc: expected an integer weight 0..100"],
        [["step", "--stack", "dev", "--to", "150", "--dry-run"], "--to 150: expected an integer weight 0..100"],
        [["run", "--stack", "dev", "--bake", "forever", "--dry-run"], "--bake: cannot read the duration"],
        [["run", "--stack", "dev", "--max-5xx-rate", "2", "--dry-run"], "--max-5xx-rate 2: expected a fraction 0..1"],
        [["jump", "--stack", "dev"], 'unknown command "jump"'],
    ])("%j is a usage error naming the flag", async (argv, message) => {
        const run = await canary(argv);
        expect(run.code).toBe(2);
        expect(run.err).toContain(message);
    });
});

describe("names that reach the file system and the provider", () => {
    it.each(["x/../../etc/Pulumi.tab", "../dev", "a b", ""])("--stack %j is a usage error", async (stack) => {
        const run = await plan(["--stack", stack]);
        expect(run.code).toBe(2);
    });

    it("a typo of aws:region is reported, not left for the provider to ignore", async () => {
        const run = await plan(["--stack", "dev", "--set", "aws:regoin=eu-west-1"]);
        expect(run.code).toBe(1);
        expect(run.err).toContain("aws:regoin: unknown key (did you mean region?)");
    });
});

describe("the load tester's shell", () => {
    it("takes URLs and durations of safe characters only", async () => {
        const { shellWord } = await import("../infra/addons/flagger");
        expect(shellWord("http://notification-canary.eks-canary:8096/notification/health-status")).toBe("http://notification-canary.eks-canary:8096/notification/health-status");
        for (const bad of ["http://h/x;id", "http://h/$(id)", "http://h/'x", "1m && id", ""]) {
            expect(() => shellWord(bad), bad).toThrow("refusing to pass");
        }
    });
});
