/**
 * `eks-canary:cluster`: the EKS cluster's version, nodes, API endpoint access and admins. The
 * version and the admins are required: neither has a default that is safe to deploy.
 */
import type { KubernetesVersion } from "../../infra/versions";
import { Checker, childKey, isDefined, Json } from "../checks";
import { IPV4_CIDR, publicAccessCidrProblem } from "../networks";
import { INSTANCE_TYPE, PRINCIPAL_ARN } from "./patterns";
import { ClusterConfig, KUBERNETES_VERSIONS, stackPrefix } from "./types";

/** The keys of an EKS cluster's section (besides `kind`). */
export const EKS_CLUSTER_KEYS = ["kubernetesVersion", "instanceTypes", "nodes", "nodeDiskGiB", "publicAccessCidrs", "adminPrincipalArns"] as const;

export function parseCluster(check: Checker, key: string, value: Json | undefined, stack: string): ClusterConfig {
    const raw = check.object(key, value, ["kind", ...EKS_CLUSTER_KEYS]) ?? {};
    const versionKey = childKey(key, "kubernetesVersion");
    const kubernetesVersion = check.requiredString(versionKey, raw.kubernetesVersion, { oneOf: KUBERNETES_VERSIONS });
    const typesKey = childKey(key, "instanceTypes");
    const instanceTypes = (check.array(typesKey, raw.instanceTypes, { minItems: 1, maxItems: 20 }) ?? ["t3.large"]).map((item, index) =>
        check.string(childKey(typesKey, index), item, { pattern: INSTANCE_TYPE, expected: "an EC2 instance type such as t3.large" }),
    );
    const nodesKey = childKey(key, "nodes");
    const nodes = check.object(nodesKey, raw.nodes, ["min", "desired", "max"]) ?? {};
    const min = check.integer(childKey(nodesKey, "min"), nodes.min, { min: 1, max: 100 }) ?? 2;
    const desired = check.integer(childKey(nodesKey, "desired"), nodes.desired, { min: 1, max: 100 }) ?? Math.max(min, 2);
    const max = check.integer(childKey(nodesKey, "max"), nodes.max, { min: 1, max: 100 }) ?? Math.max(desired, 4);
    if (!(min <= desired && desired <= max)) {
        check.report(nodesKey, `min ${min}, desired ${desired}, max ${max}; allowed: min <= desired <= max`);
    }
    const cidrsKey = childKey(key, "publicAccessCidrs");
    const publicAccessCidrs = (check.array(cidrsKey, raw.publicAccessCidrs, { minItems: 0, maxItems: 40 }) ?? []).map((item, index) => {
        const itemKey = childKey(cidrsKey, index);
        const cidr = check.string(itemKey, item, { pattern: IPV4_CIDR, expected: "an IPv4 CIDR such as 203.0.113.10/32" });
        if (cidr === undefined) {
            return undefined;
        }
        const problem = publicAccessCidrProblem(cidr);
        if (problem !== undefined) {
            check.report(itemKey, problem);
            return undefined;
        }
        return cidr;
    });
    const adminsKey = childKey(key, "adminPrincipalArns");
    if (raw.adminPrincipalArns === undefined) {
        check.report(
            adminsKey,
            "missing; the cluster's creator gets no implicit admin, so list the IAM roles (or users) that run `pulumi up` and administer the cluster, e.g. your CI or Pulumi Deployments role: " +
                "`pulumi config set --path 'cluster.adminPrincipalArns[0]' arn:aws:iam::<account>:role/<name>`; allowed: 1..20 IAM role or user ARNs",
        );
    }
    const adminPrincipalArns = (check.array(adminsKey, raw.adminPrincipalArns, { minItems: 1, maxItems: 20 }) ?? []).map((item, index) =>
        check.string(childKey(adminsKey, index), item, { pattern: PRINCIPAL_ARN, expected: "an IAM role or user ARN such as arn:aws:iam::111122223333:role/platform-admin" }),
    );
    return {
        name: stackPrefix(stack),
        kubernetesVersion: (kubernetesVersion as KubernetesVersion | undefined) ?? KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1],
        instanceTypes: instanceTypes.filter(isDefined),
        nodes: { min, desired, max },
        nodeDiskGiB: check.integer(childKey(key, "nodeDiskGiB"), raw.nodeDiskGiB, { min: 20, max: 1000 }) ?? 30,
        publicAccessCidrs: publicAccessCidrs.filter(isDefined),
        adminPrincipalArns: adminPrincipalArns.filter(isDefined),
    };
}
