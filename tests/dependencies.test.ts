import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

/** Every installed copy of a package under node_modules, nested ones included. */
function installedCopies(packageName: string, dir = path.join(root, "node_modules")): string[] {
    const found: string[] = [];
    const visit = (modules: string): void => {
        if (!fs.existsSync(modules)) {
            return;
        }
        if (fs.existsSync(path.join(modules, packageName, "package.json"))) {
            found.push(path.join(modules, packageName));
        }
        for (const entry of fs.readdirSync(modules)) {
            const entries = entry.startsWith("@") ? fs.readdirSync(path.join(modules, entry)).map((name) => path.join(entry, name)) : [entry];
            for (const name of entries) {
                visit(path.join(modules, name, "node_modules"));
            }
        }
    };
    visit(dir);
    return found;
}

describe("installed dependencies", () => {
    it("hold exactly one copy of @pulumi/pulumi (two copies break mocks and resource references)", () => {
        const copies = installedCopies("@pulumi/pulumi");
        expect(copies.map((copy) => path.relative(root, copy))).toEqual([path.join("node_modules", "@pulumi", "pulumi")]);
    });
});
