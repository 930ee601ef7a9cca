/** Kubernetes conventions shared by the components. */

/** Labels every object of the product carries, so `kubectl get -l` finds them. */
export const PART_OF = { "app.kubernetes.io/part-of": "eks-canary", "app.kubernetes.io/managed-by": "pulumi" };

/** The annotation by which EKS injects IRSA credentials into a service account's pods. */
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
