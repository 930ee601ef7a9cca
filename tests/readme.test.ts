/** The README's version table says what infra/versions.ts pins. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CHARTS, EKS_ADDONS, GATEWAY_API_CRDS, IMAGES } from "../infra/versions";

const README = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
const VERSIONS = README.slice(README.indexOf("### Versions"), README.indexOf("## Pulumi Deployments"));
const rows = VERSIONS.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| Component") && !line.startsWith("|---"));
const cells = (line: string): string[] =>
    line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim());

describe("README, Versions", () => {
    it("has a row per pinned chart, image and EKS add-on, and no other", () => {
        const pins = Object.keys(CHARTS).length + Object.keys(IMAGES).length + 1 + Object.values(EKS_ADDONS).length * 3;
        expect(rows).toHaveLength(pins);
    });

    it.each(Object.entries(CHARTS))("%s: chart and version as pinned", (_name, pin) => {
        const row = rows.find((line) => cells(line)[1].includes(`\`${pin.chart}\``));
        expect(row, pin.chart).toBeDefined();
        expect(cells(row as string)[2].split(" ")[0]).toBe(pin.version);
    });

    it.each(Object.entries(IMAGES))("%s: image and tag as pinned", (_name, image) => {
        const [repository, tag] = image.split(":");
        const row = rows.find((line) => cells(line)[1] === `\`${repository}\``);
        expect(row, repository).toBeDefined();
        expect(cells(row as string)[2]).toBe(tag);
    });

    it("the Gateway API CRDs and the EKS add-ons as pinned", () => {
        expect(rows.find((line) => cells(line)[0] === "Gateway API CRDs")).toContain(`| ${GATEWAY_API_CRDS.version} |`);
        for (const [version, addons] of Object.entries(EKS_ADDONS)) {
            for (const [name, pin] of [
                ["vpc-cni", addons.vpcCni],
                ["kube-proxy", addons.kubeProxy],
                ["coredns", addons.coredns],
            ]) {
                const row = rows.find((line) => cells(line)[1] === `\`${name}\`` && cells(line)[0].includes(`(${version})`));
                expect(row, `${name} ${version}`).toBeDefined();
                expect(cells(row as string)[2]).toBe(pin);
            }
        }
    });
});
