/** The configs and issue readers the config suites share. */
import { expect } from "vitest";
import { ConfigError, ConfigIssue } from "../../../stacks/checks";
import { parseStackConfig } from "../../../stacks/config";

export const ADMIN = "arn:aws:iam::111122223333:role/eks-canary-deployer";
export const CERTIFICATE = "arn:aws:acm:eu-west-1:111122223333:certificate/0f1e2d3c-4b5a-4987-8654-3210fedcba98";

/** The least config that parses: every required key, nothing optional. */
export function minimalRaw(): Record<string, string> {
    return {
        "aws:region": "eu-west-1",
        "eks-canary:domain": "canary.example.com",
        "eks-canary:hostedZoneId": "Z0123456789ABCDEFGHIJ",
        "eks-canary:certificateArn": CERTIFICATE,
        "eks-canary:cluster": JSON.stringify({ kubernetesVersion: "1.35", adminPrincipalArns: [ADMIN], publicAccessCidrs: ["203.0.113.10/32"] }),
        "eks-canary:deployer": JSON.stringify({ kind: "workstation", roleArn: ADMIN }),
        "eks-canary:mail": JSON.stringify({ fromAddress: "noreply@example.com" }),
        "eks-canary:usermgmt": JSON.stringify({ image: "example/usermgmt:1.0.0" }),
        "eks-canary:services": JSON.stringify({
            notification: { port: 8096, healthPath: "/notification/health-status", stable: { image: "example/notification:1.0.0" } },
        }),
    };
}

/** The minimal config with its notification service edited. */
export function withNotification(edit: (service: Record<string, unknown>) => void, raw = minimalRaw()): Record<string, string> {
    const services = JSON.parse(raw["eks-canary:services"]) as Record<string, Record<string, unknown>>;
    edit(services.notification);
    return { ...raw, "eks-canary:services": JSON.stringify(services) };
}

/** The issues parseStackConfig throws for `raw`; fails the test when it parses. */
export function issuesOf(raw: Readonly<Record<string, string>>, stack = "test"): readonly ConfigIssue[] {
    try {
        parseStackConfig(raw, stack);
    } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).issues;
    }
    throw new Error("expected parseStackConfig to throw a ConfigError");
}

/** The one issue of `key`. */
export function issueAt(issues: readonly ConfigIssue[], key: string): ConfigIssue {
    const found = issues.filter((issue) => issue.key === key);
    expect(found, `issues of ${key} among ${JSON.stringify(issues, null, 2)}`).toHaveLength(1);
    return found[0];
}

/**
 * The minimal config with a step schedule and a canary of notification at `weight`: 20 replicas
 * and App Mesh unless given, so that the replicas router's pod-count checks apply only when asked.
 */
export const withSchedule = (steps: unknown, weight: number, replicas = 20, router = "appmesh"): Record<string, string> => ({
    ...withNotification((service) => {
        service.replicas = replicas;
        service.canary = { image: "example/notification:2.0.0", weight };
    }),
    "eks-canary:router": router,
    "eks-canary:canary": JSON.stringify({ steps }),
});
