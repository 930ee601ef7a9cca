/**
 * Where a stack runs (`eks-canary:cluster.kind`), in a pure module the config, the routers' traits
 * and the program read: `eks`, a cluster the stack creates in AWS with its VPC, RDS database, load
 * balancers and DNS; or `existing`, a Kubernetes cluster you already have (kind, minikube, any
 * conformant one), reached through a kubeconfig, where the stack creates nothing outside it.
 */
export const CLUSTER_KINDS = ["eks", "existing"] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

export const DEFAULT_CLUSTER_KIND: ClusterKind = "eks";

/** What each kind gives the stack, for the messages that refuse a setting on the other. */
export const CLUSTER_KIND_SUMMARY: Readonly<Record<ClusterKind, string>> = {
    eks: "the stack creates an EKS cluster in AWS with its VPC, RDS database, ALB and DNS records",
    existing: "the stack deploys into a cluster you already have and creates nothing in AWS",
};
