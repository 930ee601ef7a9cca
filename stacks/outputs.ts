/** The stack outputs, the same on every cluster target (stacks/targets/). */
import type * as pulumi from "@pulumi/pulumi";
import type { CanarySplit } from "../infra/canary/service";
import type { ClusterKind } from "../infra/targets";
import type { RouterKind } from "./config";

export interface StackOutputs {
    url: pulumi.Output<string>;
    /** Where the stack runs (`cluster.kind`): the canary command reaches an existing cluster through the local kubeconfig. */
    clusterKind: ClusterKind;
    /** EKS: the cluster's name; an existing cluster: the stack's name prefix, `eks-canary-<stack>`. */
    clusterName: pulumi.Output<string>;
    /** EKS: the cluster's kubeconfig; an existing cluster: the configured one (secret), or none when the default kubeconfig is used. */
    kubeconfig: pulumi.Output<string> | undefined;
    /** An existing cluster: the kubeconfig context the stack deploys into (none: the kubeconfig's current context). */
    kubeContext?: string;
    databaseEndpoint: pulumi.Output<string>;
    namespace: pulumi.Output<string>;
    router: RouterKind;
    /** The current split of every canaried service, by service name. */
    canary: Record<string, CanarySplit>;
    /** The CloudWatch dashboard of every manual service, by service name (none on an existing cluster). */
    dashboards: Record<string, string>;
}
