/**
 * Known-invalid values, generated per key: each must end in a ConfigError that names its key (a
 * property test that fails when validation is switched off).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../stacks/checks";
import { parseStackConfig, PROJECT } from "../../../stacks/config";
import { SEED, STACK, BASE, Json, parsedBase, setAt, lineal, related } from "./fuzz-support";

const outside = (min: number, max: number): fc.Arbitrary<Json> =>
    fc.oneof(
        fc.integer({ min: -1_000_000, max: min - 1 }),
        fc.integer({ min: max + 1, max: max + 1_000_000 }),
        fc.double({ min: min + 0.01, max: max - 0.01, noNaN: true }).filter((value) => !Number.isInteger(value)),
        fc.constantFrom<Json>(String(max + 1), String(min - 1), "ten", true, null, [], {}),
    );

/** Strings other than `allowed`. */
const notOneOf = (allowed: readonly string[]): fc.Arbitrary<Json> =>
    fc
        .oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...allowed.map((value) => value.toUpperCase()), ...allowed.map((value) => ` ${value}`)))
        .filter((value) => !allowed.includes(value));

const octet = fc.integer({ min: 0, max: 255 });
const publicTooWide = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 15 })).map(([first, prefix]) => `${first}.0.0.0/${prefix}`);
const privateCidr = fc.tuple(octet, octet).map(([b, c]) => `10.${b}.${c}.0/24`);
const publicVpc = fc.tuple(fc.integer({ min: 11, max: 99 }), octet).map(([a, b]) => `${a}.${b}.0.0/16`);
const unsafePath = fc
    .tuple(
        fc.stringMatching(/^[a-z]{0,8}$/),
        fc.constantFrom(";", "$", "`", "&", "|", "'", '"', " ", "?", "#", "(", ")", "<", ">", "\\", "*", "!"),
        fc.stringMatching(/^[a-z]{0,8}$/),
    )
    .map(([a, bad, b]) => `/${a}${bad}${b}`);

/** Known-invalid values by the key they must be reported at (`pulumi config set --path` syntax). */
const INVALID: Readonly<Record<string, fc.Arbitrary<Json>>> = {
    "aws:region": fc.oneof(
        fc.constantFrom("eu-fake-1", "us-east-9", "EU-WEST-1", "eu-west", ""),
        fc
            .stringMatching(/^[a-z]{2}-[a-z]{3,8}-[0-9]$/)
            .filter(
                (region) =>
                    ![
                        "us-east-1",
                        "us-east-2",
                        "us-west-1",
                        "us-west-2",
                        "eu-west-1",
                        "eu-west-2",
                        "eu-west-3",
                        "eu-north-1",
                        "eu-south-1",
                        "eu-south-2",
                        "af-south-1",
                        "sa-east-1",
                        "me-south-1",
                        "ca-central-1",
                        "ca-west-1",
                        "il-central-1",
                        "mx-central-1",
                        "ap-south-1",
                        "ap-south-2",
                        "ap-east-1",
                        "ap-east-2",
                        "me-central-1",
                        "eu-central-1",
                        "eu-central-2",
                    ].includes(region),
            ),
    ),
    "eks-canary:router": notOneOf(["appmesh", "alb", "lattice", "replicas"]),
    "eks-canary:namespace": fc.oneof(
        fc.constantFrom("kube-system", "default", "kube-public", "kube-node-lease", "flagger-system", "appmesh-system", "aws-application-networking-system"),
        fc.stringMatching(/^kube-[a-z]{1,10}$/),
        fc.stringMatching(/^[A-Z_.]{1,10}$/),
    ),
    "eks-canary:domain": fc.constantFrom("Canary.Example.com", "localhost", "exa mple.com", "-x.example.com", "x..example.com", "a.b"),
    "eks-canary:network.cidrBlock": fc.oneof(
        publicVpc,
        fc.constantFrom("10.0.0.0/8", "10.0.0.0/24", "10.0.0.1/16", "172.32.0.0/16", "192.169.0.0/16", "10.0.0.0", "10.256.0.0/16"),
    ),
    "eks-canary:network.availabilityZones": outside(2, 6),
    "eks-canary:network.natGateways": notOneOf(["single", "onePerAz"]),
    "eks-canary:cluster.kubernetesVersion": notOneOf(["1.35"]),
    "eks-canary:cluster.nodes.min": outside(1, 100),
    "eks-canary:cluster.nodes.max": outside(1, 100),
    "eks-canary:cluster.nodeDiskGiB": outside(20, 1000),
    "eks-canary:cluster.publicAccessCidrs[0]": fc.oneof(
        publicTooWide,
        privateCidr,
        fc.constantFrom("0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "203.0.113.10/24", "192.168.1.0/24", "203.0.113.10"),
    ),
    "eks-canary:cluster.instanceTypes[0]": fc.constantFrom("T3.large", "t3", "t3.large;x", "", " "),
    "eks-canary:cluster.adminPrincipalArns[0]": fc.constantFrom(
        "arn:aws:sts::111122223333:assumed-role/a/b",
        "arn:aws:iam::1111:role/x",
        "role/x",
        "arn:aws:iam::111122223333:group/x",
    ),
    "eks-canary:database.allocatedStorageGiB": outside(20, 16384),
    "eks-canary:database.backupRetentionDays": outside(1, 35),
    "eks-canary:database.multiAz": fc.constantFrom<Json>("yes", 1, 0, null, [], "TRUE"),
    "eks-canary:database.instanceClass": fc.constantFrom("t4g.micro", "db.T4G.micro", "db.", "db.t4g.micro; drop"),
    "eks-canary:services.notification.port": outside(1, 65535),
    "eks-canary:services.notification.replicas": outside(1, 100),
    "eks-canary:services.notification.healthPath": fc.oneof(unsafePath, fc.constantFrom("health", "", "//x y", `/${"a".repeat(201)}`)),
    "eks-canary:services.notification.stable.image": fc.constantFrom("nginx", "nginx:", "Nginx:1", "nginx:latest tag", "nginx@sha256:abc"),
    "eks-canary:services.notification.canary.weight": fc.oneof(outside(0, 100), fc.constantFrom<Json>(10, 30, 99, 1)),
    "eks-canary:canary.steps": fc.constantFrom<Json>([50, 25], [0, 0, 100], [0], [0, 101], ["a", "b"], "0,25"),
    "eks-canary:usermgmt.image": fc.constantFrom("usermgmt", "usermgmt:", "a b:1"),
    "eks-canary:usermgmt.calls": fc.constantFrom("payments", "Notification", ""),
    "eks-canary:deployer.kind": notOneOf(["workstation", "github-actions", "pulumi-deployments"]),
    "eks-canary:deployer.runner": fc.constantFrom("ubuntu-latest", "windows-2025", "macos-15", "", "a b"),
    "eks-canary:deployer.roleArn": fc.constantFrom("arn:aws:iam::111122223333:role/someone-else", "arn:aws:iam::111122223333:user/u", "x"),
};

/** The dev config with the value at `key` (a path in `pulumi config set --path` syntax) replaced. */
function withValueAt(key: string, value: Json): Record<string, string> {
    if (!key.startsWith(`${PROJECT}:`) || !/[.[]/.test(key)) {
        return { ...BASE, [key]: typeof value === "string" ? value : JSON.stringify(value) };
    }
    const [topName, ...rest] = key
        .slice(PROJECT.length + 1)
        .split(/\.|\[(\d+)\]/)
        .filter((part) => part !== undefined && part !== "");
    const topKey = `${PROJECT}:${topName}`;
    const path = rest.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
    return { ...BASE, [topKey]: JSON.stringify(setAt(parsedBase(topKey) as Json, path, value)) };
}

describe("known-invalid values are refused, each at its key", () => {
    it.each(Object.keys(INVALID))("%s", (key) => {
        fc.assert(
            fc.property(INVALID[key], (value) => {
                let thrown: unknown;
                try {
                    parseStackConfig(withValueAt(key, value), STACK);
                } catch (error) {
                    thrown = error;
                }
                const shown = JSON.stringify(value)?.slice(0, 80);
                expect(thrown, `${key} = ${shown} was accepted`).toBeInstanceOf(ConfigError);
                const keys = (thrown as ConfigError).issues.map((issue) => issue.key);
                expect(
                    keys.some((reported) => lineal(key, reported) || related(key, reported)),
                    `${key} = ${shown}: the issues ${keys.join(", ")} do not name it`,
                ).toBe(true);
            }),
            { seed: SEED, numRuns: 60 },
        );
    });
});
