/** The names of the lattice router that its plug-in, routing and Flagger routing share. */

/**
 * The namespace label that turns on the controller's pod readiness gate: a new pod counts as
 * Ready only once it is a healthy target, so a rollout never outruns the targets.
 */
export const LATTICE_READINESS_GATE_LABEL = { "application-networking.k8s.aws/pod-readiness-gate-inject": "enabled" } as const;
/** The Gateway's one listener: clients call every routed service on this port. */
export const LATTICE_LISTENER = { name: "http", port: 80 } as const;

/** The private zone of the services' custom domain names: `<cluster>.internal`. */
export function latticeZoneName(clusterName: string): string {
    return `${clusterName}.internal`;
}

/** The custom domain name of a routed service, `<service>.<zone>`: the HTTPRoute's only hostname. */
export function latticeHostname(service: string, zoneName: string): string {
    return `${service}.${zoneName}`;
}
