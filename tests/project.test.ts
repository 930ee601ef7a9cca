import * as fs from "node:fs";
import { SECRET_KEYS } from "../stacks/config";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROUTER_KINDS } from "../infra/routers/registry";
import { CONFIG_KEYS } from "../stacks/config";
import { REPO_ROOT } from "../tools/stackfile";

interface ConfigDeclaration {
    type?: unknown;
    items?: unknown;
    description?: unknown;
    default?: unknown;
    secret?: unknown;
}

const text = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8");
const project = parse(text) as { name: string; runtime: { name: string }; main: string; config: Record<string, ConfigDeclaration> };
/** The structured keys, which Pulumi's project config cannot declare as objects. */
const STRUCTURED = ["network", "cluster", "database", "ingress", "mail", "usermgmt", "services", "canary", "flagger", "alarms", "deployer"];

describe("Pulumi.yaml", () => {
    it("marks secret exactly the keys the tools never print (SECRET_KEYS)", () => {
        const secret = Object.entries(project.config as Record<string, { secret?: boolean }>)
            .filter(([, declaration]) => declaration.secret === true)
            .map(([key]) => key);
        expect(secret.sort()).toEqual([...SECRET_KEYS].sort());
    });

    it("names the project and the program entry", () => {
        expect(project.name).toBe("eks-canary");
        expect(project.runtime.name).toBe("nodejs");
        expect(fs.existsSync(path.join(REPO_ROOT, project.main))).toBe(true);
    });

    it("declares each scalar key with a type Pulumi accepts and a description", () => {
        // Pulumi's project schema (sdk/go/common/workspace/project.json): type is one of these, and
        // an entry has no other properties than type, items, description, secret and default.
        for (const [key, declaration] of Object.entries(project.config)) {
            expect(["string", "integer", "boolean", "array"], key).toContain(declaration.type);
            expect(
                Object.keys(declaration).every((property) => ["type", "items", "description", "secret", "default"].includes(property)),
                key,
            ).toBe(true);
            expect(typeof declaration.description, key).toBe("string");
            if (declaration.type === "array") {
                expect(declaration.items, key).toBeDefined();
            }
        }
    });

    it("covers every key the program reads: scalars declared, structured ones described", () => {
        const scalar = CONFIG_KEYS.filter((key) => !STRUCTURED.includes(key));
        expect(Object.keys(project.config).sort()).toEqual([...scalar].sort());
        for (const key of STRUCTURED) {
            expect(CONFIG_KEYS).toContain(key);
            expect(text, key).toMatch(new RegExp(`^  #   ${key} +\\{`, "m"));
        }
    });

    it("lists every router in the router key's description", () => {
        for (const router of ROUTER_KINDS) {
            expect(project.config.router.description).toContain(router);
        }
    });
});
