/** Lockstep groups (stacks/config/groups.ts): services at one weight, stepped together. */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../stacks/config";
import { issueAt, issuesOf, minimalRaw } from "./helpers";

const CANARY = "example/svc:2.0.0";

/** notification, email and audit (manual, canaries at the given weights; undefined: no canary) and `groups`. */
function withGroups(
    groups: unknown,
    weights: { notification?: number; email?: number; audit?: number } = { notification: 25, email: 25, audit: 25 },
    extra: Record<string, unknown> = {},
) {
    const service = (name: string, port: number, weight: number | undefined) => ({
        port,
        healthPath: `/${name}/health`,
        stable: { image: `example/${name}:1.0.0` },
        ...(weight === undefined ? {} : { canary: { image: CANARY, weight } }),
        ...(extra[name] as object | undefined),
    });
    return {
        ...minimalRaw(),
        "eks-canary:router": "lattice",
        "eks-canary:services": JSON.stringify({
            notification: service("notification", 8096, weights.notification),
            email: service("email", 8097, weights.email),
            audit: service("audit", 8098, weights.audit),
        }),
        "eks-canary:canary": JSON.stringify({ groups }),
    };
}

describe("parseStackConfig: canary.groups", () => {
    it("has no groups by default", () => {
        expect(parseStackConfig(minimalRaw(), "test").canary.groups).toEqual([]);
    });

    it("reads a group of services at one weight", () => {
        expect(parseStackConfig(withGroups({ mail: ["notification", "email"] }), "test").canary.groups).toEqual([{ name: "mail", services: ["notification", "email"] }]);
    });

    it("accepts a group whose members have no canary yet", () => {
        const config = parseStackConfig(withGroups({ mail: ["notification", "email"] }, { audit: 10 }), "test");
        expect(config.canary.groups.map((group) => group.name)).toEqual(["mail"]);
    });

    it("refuses members that would split differently, naming each member's weight", () => {
        const issues = issuesOf(withGroups({ mail: ["notification", "email"] }, { notification: 25, email: 50 }));
        expect(issues).toHaveLength(1);
        expect(issueAt(issues, "eks-canary:canary.groups.mail").message).toBe(
            "its services would split differently (notification at 25%, email at 50%): a group moves as one; allowed: a canary block with the same canary.weight in every member " +
                "(pulumi config set --stack test --path 'services.email.canary.weight' 25), or none in any, or remove the group",
        );
    });

    it("refuses a group where one member has a canary and another none", () => {
        expect(issueAt(issuesOf(withGroups({ mail: ["notification", "email"] }, { notification: 0 })), "eks-canary:canary.groups.mail").message).toContain(
            "(notification at 0%, email has no canary): a group moves as one; allowed: a canary block with the same canary.weight in every member " +
                "(pulumi config set --stack test --path 'services.email.canary.image' <image> && pulumi config set --stack test --path 'services.email.canary.weight' 0), or none in any",
        );
    });

    it("refuses a member that is not a service, with a suggestion", () => {
        expect(issueAt(issuesOf(withGroups({ mail: ["notification", "emial"] })), "eks-canary:canary.groups.mail[1]").message).toBe(
            "emial is not a configured service (did you mean email?); allowed: notification, email, audit",
        );
    });

    it("refuses a service in two groups", () => {
        expect(issueAt(issuesOf(withGroups({ mail: ["notification", "email"], logs: ["audit", "email"] })), "eks-canary:canary.groups.logs[1]").message).toBe(
            "email is already in group mail; allowed: each service in one group at most",
        );
    });

    it("refuses a member in automated mode", () => {
        const raw = withGroups({ mail: ["notification", "email"] }, { notification: 0, email: 0 }, { email: { mode: "automated" } });
        expect(issueAt(issuesOf(raw), "eks-canary:canary.groups.mail[1]").message).toContain("email is in automated mode, where Flagger moves each service's weight on its own");
    });

    it("refuses a group of one, a repeated member and a name that is not a DNS label", () => {
        expect(issueAt(issuesOf(withGroups({ mail: ["notification"] })), "eks-canary:canary.groups.mail").message).toBe("has 1 items; allowed: 2..10 items");
        expect(issueAt(issuesOf(withGroups({ mail: ["email", "email"] })), "eks-canary:canary.groups.mail").message).toBe("lists email twice; allowed: each service once");
        expect(issueAt(issuesOf(withGroups({ Mail: ["notification", "email"] })), "eks-canary:canary.groups.Mail").message).toContain("is not a valid name");
        expect(issueAt(issuesOf(withGroups(["notification", "email"])), "eks-canary:canary.groups").message).toContain("is not an object keyed by");
    });
});
