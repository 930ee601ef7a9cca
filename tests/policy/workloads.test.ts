/** policy/rules/workloads.ts: containers, probes, credentials, zone spreading and disruption budgets of Deployments and DaemonSets. */
import { describe, expect, it } from "vitest";
import { isSensitiveEnvName, StackResource, TYPES } from "../../policy/rules";
import { canary, deploymentResource, stable, WORKLOAD_CASES } from "./fixtures/workloads";
import { itJudgesEachCase, stackPolicy, stackResource, validateStack } from "./helpers";

describe("resource policies", () => {
    itJudgesEachCase(WORKLOAD_CASES);

    it("treats PASSWORD/SECRET/TOKEN/KEY words as credentials, including KEY_ID, but not KEY inside a longer word", () => {
        for (const name of [
            "DB_PASSWORD",
            "db_password",
            "AWS_MAIL_SERVER_PASSWORD",
            "CLIENT_SECRET",
            "GITHUB_TOKEN",
            "API_KEY",
            "APIKEY",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "signing.key",
        ]) {
            expect(isSensitiveEnvName(name), name).toBe(true);
        }
        for (const name of ["AWS_MAIL_SERVER_USERNAME", "KEYCLOAK_URL", "MONKEY_MODE", "DB_HOSTNAME", "AWS_XRAY_TRACING_NAME", "MY_POD_NAME"]) {
            expect(isSensitiveEnvName(name), name).toBe(false);
        }
    });
});

function pdbResource(name: string, matchLabels: Record<string, string>, namespace = "eks-canary"): StackResource {
    return stackResource(TYPES.pdb, name, { metadata: { name, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels } } });
}

describe("stack policies", () => {
    it("k8s-stable-pdb: a stable Deployment needs a PodDisruptionBudget selecting its pods", async () => {
        const policy = stackPolicy("k8s-stable-pdb");
        const deployments = [deploymentResource("notification-v1", stable, 2), deploymentResource("notification-v2", canary, 2)];
        const missing = await validateStack(policy, deployments);
        expect(missing).toEqual([{ message: expect.stringMatching(/"notification-v1" has no PodDisruptionBudget/), urn: deployments[0].urn }]);
        // A budget of another namespace, or one selecting other pods, does not count.
        expect(await validateStack(policy, [...deployments, pdbResource("other", stable, "default"), pdbResource("v2", canary)])).toHaveLength(1);
        expect(await validateStack(policy, [...deployments, pdbResource("notification-v1", stable)])).toEqual([]);
        // A stable Deployment scaled to zero has no pods to protect.
        expect(await validateStack(policy, [deploymentResource("notification-v1", stable, 0)])).toEqual([]);
    });
});
