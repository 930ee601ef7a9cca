/** Kubernetes conventions shared by the components. */

/** Labels every object of the product carries, so `kubectl get -l` finds them. */
export const PART_OF = { "app.kubernetes.io/part-of": "eks-canary", "app.kubernetes.io/managed-by": "pulumi" };

/**
 * The label of a Namespace the stack creates as the own namespace of a controller it installs
 * (Linkerd's `linkerd` and `linkerd-viz`, whose charts create none), naming the controller. The
 * policy pack allows a controller's namespace only with it.
 */
export const CONTROLLER_NAMESPACE_LABEL = "eks-canary/controller-namespace-of";

/** The annotation by which EKS injects IRSA credentials into a service account's pods. */
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
