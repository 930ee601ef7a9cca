/**
 * How a pod leaves a load balancer without dropping requests. When a pod terminates, its endpoint
 * is removed and the controller deregisters its target; the load balancer keeps sending it new
 * requests for a few seconds more, then drains in-flight ones for the target group's
 * deregistration delay. The pod sleeps in preStop for longer than that, and its termination grace
 * period outlasts the sleep plus the app's own shutdown.
 */
export interface PodDraining {
    /** The preStop `sleep`: the pod keeps serving while its target deregisters. */
    readonly preStopSeconds: number;
    /** The pod's `terminationGracePeriodSeconds`: longer than the preStop sleep plus shutdown. */
    readonly terminationGracePeriodSeconds: number;
}

/** The deregistration delay of every ALB target group the stack's Ingresses create (ALB's default is 300 s). */
export const ALB_DEREGISTRATION_DELAY_SECONDS = 30;

/** The Ingress annotation value that sets it (`alb.ingress.kubernetes.io/target-group-attributes`). */
export const ALB_TARGET_GROUP_ATTRIBUTES = `deregistration_delay.timeout_seconds=${ALB_DEREGISTRATION_DELAY_SECONDS}`;

/** Pods behind an ALB (the public ingress, the alb router): outlast the deregistration delay. */
export const ALB_DRAINING: PodDraining = { preStopSeconds: ALB_DEREGISTRATION_DELAY_SECONDS + 5, terminationGracePeriodSeconds: ALB_DEREGISTRATION_DELAY_SECONDS + 35 };

/**
 * Pods behind VPC Lattice: its target groups have no deregistration setting (a deregistered target
 * drains until its requests complete); the gateway controller's FAQ asks for a 60 s preStop and a
 * grace period of at least 150 s to avoid 503s.
 */
export const LATTICE_DRAINING: PodDraining = { preStopSeconds: 60, terminationGracePeriodSeconds: 150 };

/** Pods reached through kube-proxy (or a sidecar mesh): time for every node to drop the endpoint. */
export const CLUSTER_DRAINING: PodDraining = { preStopSeconds: 10, terminationGracePeriodSeconds: 40 };
