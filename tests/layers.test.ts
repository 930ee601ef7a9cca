/**
 * The layering ARCHITECTURE.md describes, read from the sources: imports run from tools/ down to
 * stacks/ and infra/, never back up; the pure modules load no Pulumi SDK; no hand-written source
 * file grows past 400 lines.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../tools/stackfile";

/** Files `npm run crdgen` writes (it checks them byte for byte; nobody edits them). */
const GENERATED = ["infra/crds/appmesh.ts", "infra/crds/flagger.ts", "infra/crds/gatewayapi.ts", "infra/crds/lattice.ts"];
const SOURCE_FOLDERS = ["infra", "stacks", "policy", "tools", "deploy", "tests"];

function sourceFiles(folder: string): string[] {
    const found: string[] = [];
    const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
            const relative = path.posix.join(dir, entry.name);
            if (entry.isDirectory() && entry.name !== "node_modules") {
                walk(relative);
            } else if (entry.isFile() && entry.name.endsWith(".ts")) {
                found.push(relative);
            }
        }
    };
    walk(folder);
    return found;
}

/** The files a source file imports (relative specifiers only, resolved to repository paths), and its packages. */
function importsOf(file: string): { files: string[]; packages: string[] } {
    const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
    const specifiers = [...text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?\sfrom\s+"([^"]+)"/gms)].map((match) => match[1]);
    return {
        files: specifiers.filter((specifier) => specifier.startsWith(".")).map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))),
        packages: specifiers.filter((specifier) => !specifier.startsWith(".")),
    };
}

describe("layers", () => {
    it.each(["infra", "stacks", "policy"])("nothing in %s/ imports tools/", (folder) => {
        const upward = sourceFiles(folder).flatMap((file) =>
            importsOf(file)
                .files.filter((target) => target.startsWith("tools/"))
                .map((target) => `${file} -> ${target}`),
        );
        expect(upward).toEqual([]);
    });

    it("infra/ imports neither stacks/ nor policy/", () => {
        const upward = sourceFiles("infra").flatMap((file) =>
            importsOf(file)
                .files.filter((target) => /^(stacks|policy)\//.test(target))
                .map((target) => `${file} -> ${target}`),
        );
        expect(upward).toEqual([]);
    });

    it.each([
        "infra/canary/weights.ts",
        "infra/canary/health.ts",
        "infra/canary/monitoring.ts",
        "infra/addons/load-balancer-controller/health.ts",
        "infra/routers/lattice/health.ts",
        "infra/canary/prometheus-health.ts",
        "infra/routers/linkerd/health.ts",
        "infra/routers/linkerd/names.ts",
        "infra/routers/httproute.ts",
        "infra/targets.ts",
        "infra/canary/freeze.ts",
        "infra/addons/tracing/backends.ts",
        "infra/names.ts",
        "infra/resource-types.ts",
        "infra/props.ts",
        "infra/versions.ts",
        "stacks/networks.ts",
        "stacks/markers.ts",
    ])("%s loads no Pulumi SDK", (file) => {
        expect(importsOf(file).packages.filter((name) => name.startsWith("@pulumi/"))).toEqual([]);
    });

    it("the policy pack loads no package through a module outside policy/ (it has only its own dependencies)", () => {
        const seen = new Set<string>();
        const outside: string[] = [];
        const walk = (file: string): void => {
            if (seen.has(file)) {
                return;
            }
            seen.add(file);
            const { files, packages } = importsOf(file);
            if (!file.startsWith("policy/")) {
                outside.push(...packages.map((name) => `${file} -> ${name}`));
            }
            for (const target of files) {
                const resolved = [`${target}.ts`, `${target}/index.ts`].find((candidate) => fs.existsSync(path.join(REPO_ROOT, candidate)));
                if (resolved !== undefined) {
                    walk(resolved);
                }
            }
        };
        walk("policy/index.ts");
        expect(seen.size).toBeGreaterThan(5);
        expect(outside).toEqual([]);
    });

    it("names a router only in its own folder: the shared code asks the registry", () => {
        const shared = [...sourceFiles("stacks"), ...sourceFiles("policy"), ...sourceFiles("tools"), ...sourceFiles("infra").filter((file) => !file.startsWith("infra/routers/"))];
        const naming = shared.filter((file) => /router === "|\.kind === "(alb|appmesh|lattice|replicas)"/.test(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")));
        expect(naming).toEqual([]);
    });

    it("no hand-written source file is over 400 lines", () => {
        const long = SOURCE_FOLDERS.flatMap(sourceFiles)
            .filter((file) => !GENERATED.includes(file))
            .map((file) => ({ file, lines: fs.readFileSync(path.join(REPO_ROOT, file), "utf8").split("\n").length }))
            .filter(({ lines }) => lines > 400);
        expect(long).toEqual([]);
    });
});
