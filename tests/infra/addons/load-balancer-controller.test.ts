import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CHARTS } from "../../../infra/versions";
import { REPO_ROOT } from "../../../tools/stackfile";
import { at, byName, childrenOf, metadata, OfflinePlan, planStack, policyOf, resourcesOfType, TYPES } from "../../helpers";

let dev: OfflinePlan;
let prod: OfflinePlan;

beforeAll(async () => {
    dev = await planStack("dev");
    prod = await planStack("prod");
});

function release(plan: OfflinePlan): Record<string, unknown> {
    const found = byName(plan, "aws-load-balancer-controller", TYPES.helmRelease);
    expect(found.parent).toBe("aws-load-balancer-controller");
    return found.inputs;
}

describe("LoadBalancerController: the Helm release", () => {
    it("installs the pinned chart from the eks-charts repository into kube-system", () => {
        const inputs = release(dev);
        expect(inputs.chart).toBe("aws-load-balancer-controller");
        expect(inputs.version).toBe(CHARTS.loadBalancerController.version);
        expect(inputs.repositoryOpts).toEqual({ repo: "https://aws.github.io/eks-charts" });
        expect(inputs.namespace).toBe("kube-system");
        expect(inputs.atomic).toBe(true);
    });

    it.each(["dev", "prod"])("%s: is told the cluster, region and VPC", (stack) => {
        const values = release(stack === "dev" ? dev : prod).values as Record<string, unknown>;
        expect(values.clusterName).toBe(`eks-canary-${stack}`);
        expect(values.region).toBe("eu-west-1");
        expect(values.vpcId).toBe("(known after deploy: network-vpc.vpcId)");
        expect(values.createIngressClassResource).toBe(false);
        // No Service of type LoadBalancer here: no mutating webhook on every Service create.
        expect(values.enableServiceMutatorWebhook).toBe(false);
    });

    it("its service account carries the IRSA role ARN", () => {
        expect(at(release(dev), "values", "serviceAccount")).toEqual({
            create: true,
            name: "aws-load-balancer-controller",
            annotations: { "eks.amazonaws.com/role-arn": "(known after deploy: aws-load-balancer-controller-irsa.arn)" },
        });
    });

    it("the IRSA role's inline policy is upstream's policy file, unchanged", () => {
        const file = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "infra", CHARTS.loadBalancerController.iamPolicy), "utf8")) as unknown;
        const rolePolicy = byName(dev, "aws-load-balancer-controller-irsa", TYPES.rolePolicy);
        expect(rolePolicy.parent).toBe("aws-load-balancer-controller-irsa");
        expect(rolePolicy.inputs.role).toBe("(known after deploy: aws-load-balancer-controller-irsa.name)");
        expect(policyOf(rolePolicy.inputs.policy)).toEqual(file);
        expect(childrenOf(dev, "aws-load-balancer-controller-irsa").filter((child) => child.type === TYPES.rolePolicyAttachment)).toEqual([]);
    });
});

describe("LoadBalancerController: the IngressClass", () => {
    it("alb, handled by the load balancer controller", () => {
        const classes = resourcesOfType(dev, TYPES.ingressClass);
        expect(classes).toHaveLength(1);
        expect(classes[0].parent).toBe("aws-load-balancer-controller");
        expect(metadata(classes[0]).name).toBe("alb");
        expect(classes[0].inputs.spec).toEqual({ controller: "ingress.k8s.aws/alb" });
    });
});
