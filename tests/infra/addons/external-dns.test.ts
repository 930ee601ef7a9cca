import { beforeAll, describe, expect, it } from "vitest";
import { at, byName, childrenOf, OfflinePlan, planStack, policyOf, TYPES } from "../../helpers";

let dev: OfflinePlan;
let prod: OfflinePlan;

beforeAll(async () => {
    dev = await planStack("dev");
    prod = await planStack("prod");
});

const stacks = {
    dev: { domain: "canary.dev.example.com", zone: "Z0123456789ABCDEFGHIJ" },
    prod: { domain: "canary.example.com", zone: "Z0123456789KLMNOPQRST" },
};

function planOf(stack: string): OfflinePlan {
    return stack === "dev" ? dev : prod;
}

describe("ExternalDns: the Helm release", () => {
    it("installs the pinned chart into kube-system", () => {
        const release = byName(dev, "external-dns", TYPES.helmRelease);
        expect(release.parent).toBe("external-dns");
        expect(release.inputs.chart).toBe("external-dns");
        expect(release.inputs.version).toBe("1.21.1");
        expect(release.inputs.repositoryOpts).toEqual({ repo: "https://kubernetes-sigs.github.io/external-dns/" });
        expect(release.inputs.namespace).toBe("kube-system");
    });

    it.each(Object.entries(stacks))("%s: writes only the domain, into only the configured zone, owned by the stack", (stack, { domain, zone }) => {
        const values = byName(planOf(stack), "external-dns", TYPES.helmRelease).inputs.values as Record<string, unknown>;
        expect(values.provider).toEqual({ name: "aws" });
        expect(values.domainFilters).toEqual([domain]);
        expect(values.txtOwnerId).toBe(`eks-canary-${stack}`);
        expect(values.registry).toBe("txt");
        expect(values.extraArgs).toContain(`--zone-id-filter=${zone}`);
        expect(values.policy).toBe("sync");
        expect(values.sources).toEqual(["ingress", "service"]);
        expect(values.env).toEqual([{ name: "AWS_DEFAULT_REGION", value: "eu-west-1" }]);
    });

    it("its service account carries the IRSA role ARN", () => {
        expect(at(byName(dev, "external-dns", TYPES.helmRelease).inputs, "values", "serviceAccount")).toEqual({
            create: true,
            name: "external-dns",
            annotations: { "eks.amazonaws.com/role-arn": "(known after deploy: external-dns-irsa.arn)" },
        });
    });
});

describe("ExternalDns: the IRSA inline policy", () => {
    it.each(Object.entries(stacks))("%s: changes records only in the configured hosted zone", (stack, { zone }) => {
        const rolePolicy = byName(planOf(stack), "external-dns-irsa", TYPES.rolePolicy);
        expect(rolePolicy.parent).toBe("external-dns-irsa");
        const policy = policyOf(rolePolicy.inputs.policy);
        const zoneArn = `arn:aws:route53:::hostedzone/${zone}`;
        const actions = (statement: { Action: string | string[] }): string[] => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);

        const changing = policy.Statement.filter((statement) => actions(statement).includes("route53:ChangeResourceRecordSets"));
        expect(changing).toHaveLength(1);
        expect(changing[0].Effect).toBe("Allow");
        expect(changing[0].Resource).toBe(zoneArn);

        // Only ListHostedZones, which cannot be scoped, is granted on every resource.
        for (const statement of policy.Statement) {
            if (statement.Resource === "*") {
                expect(actions(statement)).toEqual(["route53:ListHostedZones"]);
            } else {
                expect(statement.Resource).toBe(zoneArn);
            }
        }
        // Nothing beyond Route53.
        expect(policy.Statement.flatMap(actions).every((action) => action.startsWith("route53:"))).toBe(true);
    });

    it("has no managed policy attached", () => {
        expect(
            childrenOf(dev, "external-dns-irsa")
                .map((child) => child.type)
                .sort(),
        ).toEqual([TYPES.role, TYPES.rolePolicy].sort());
    });
});
