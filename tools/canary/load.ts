/** `--load`: requests sent to the service during each bake, so a quiet service still gets judged. */
import { latticeHostname, latticeZoneName } from "../../infra/canary/lattice";
import { sharedServiceName } from "../../infra/canary/replicas";
import { locationFromOutputs } from "./metrics";
import type { ServiceState } from "./schedule";

/** Where `--load` sends requests: the service's routed name, so the router (and its metrics) sees them. */
export interface LoadTarget {
    readonly url: string;
    readonly namespace: string;
}

/** Runs requests against `target` for `durationMs` (or until `signal` aborts); resolves when it stops. */
export type LoadGenerator = (target: LoadTarget, durationMs: number, signal: AbortSignal, outputs: Readonly<Record<string, unknown>>) => Promise<void>;

/** Where `--load` sends requests for a service: the name its callers use, through the router. */
export function loadTarget(router: string, service: ServiceState, outputs: Readonly<Record<string, unknown>>): LoadTarget {
    const { clusterName, namespace } = locationFromOutputs(outputs);
    const url =
        router === "lattice"
            ? `http://${latticeHostname(service.name, latticeZoneName(clusterName))}${service.healthPath}`
            : `http://${sharedServiceName(service.name)}.${namespace}.svc.cluster.local:${service.port}${service.healthPath}`;
    return { url, namespace };
}
