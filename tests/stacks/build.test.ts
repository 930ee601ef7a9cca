import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newerSource } from "../../stacks/build";

let root: string;

function write(file: string, mtime: Date): string {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, "//");
    fs.utimesSync(full, mtime, mtime);
    return full;
}

beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "eks-canary-build-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("newerSource: the compiled program refuses to run when older than its sources", () => {
    const earlier = new Date("2026-11-20T10:00:00Z");
    const later = new Date("2026-11-21T10:00:00Z");

    it("accepts a build newer than every source", () => {
        write("stacks/index.ts", earlier);
        write("infra/routers/alb/router.ts", earlier);
        expect(newerSource(write("bin/stacks/index.js", later))).toBeUndefined();
    });

    it("names the newest source edited after the build, in any source folder or depth", () => {
        write("stacks/index.ts", earlier);
        write("infra/addons/load-balancer-controller/aws-load-balancer-controller.json", later);
        const entry = write("bin/stacks/index.js", new Date("2026-11-21T09:00:00Z"));
        expect(newerSource(entry)).toBe(path.join("infra", "addons", "load-balancer-controller", "aws-load-balancer-controller.json"));
    });

    it("does nothing when the program runs from its TypeScript sources", () => {
        write("infra/x.ts", later);
        expect(newerSource(write("stacks/index.ts", earlier))).toBeUndefined();
    });
});
