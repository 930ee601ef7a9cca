/**
 * `cluster.kind: existing`: a stack on a cluster you already have (kind, minikube, any other).
 * The cluster section names how to reach it and the node port the app is published on, the
 * database section only the in-cluster MySQL's volume, and the secret `kubeconfig` key may hold
 * the kubeconfig. Everything the stack would create in AWS is refused here, each with its reason.
 */
import { CLUSTER_KIND_SUMMARY } from "../../infra/targets";
import { Checker, childKey, Json } from "../checks";
import { EKS_CLUSTER_KEYS } from "./cluster";
import { RDS_KEYS } from "./database";
import { ExistingClusterConfig, InClusterDatabaseConfig, OFFLINE_SECRET, stackPrefix } from "./types";

const EXISTING_CLUSTER_KEYS = ["kind", "context", "nodePort", "gatewayApiCrds"] as const;

/**
 * Who provides the Gateway API CRDs on an existing cluster: `install`, the stack (and `pulumi
 * destroy` deletes them, with every route of the cluster); `present`, the cluster already has
 * them (installed by you or another mesh), and the stack leaves them alone.
 */
export const GATEWAY_API_CRD_SOURCES = ["install", "present"] as const;

/** Kubernetes' default NodePort range (the API server's --service-node-port-range). */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;
/** The node port the app takes unless config names another: the one the README's kind config maps. */
export const DEFAULT_NODE_PORT = 30080;

/** A kubeconfig context name: what `kubectl config get-contexts` lists (kind-kind, minikube, arn:aws:eks:...). */
const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,252}$/;

const EXISTING = `cluster.kind is existing: ${CLUSTER_KIND_SUMMARY.existing}`;

export function parseExistingCluster(check: Checker, key: string, value: Json | undefined, stack: string, kubeconfig: string | undefined): ExistingClusterConfig {
    const raw = check.object(key, value, [...EXISTING_CLUSTER_KEYS, ...EKS_CLUSTER_KEYS]) ?? {};
    for (const eksKey of EKS_CLUSTER_KEYS) {
        if (raw[eksKey] !== undefined) {
            check.report(childKey(key, eksKey), `an EKS cluster's setting, and ${EXISTING}; allowed: remove it (an existing cluster takes ${EXISTING_CLUSTER_KEYS.join(", ")})`);
        }
    }
    const context = check.string(childKey(key, "context"), raw.context, {
        pattern: CONTEXT_NAME,
        expected: "a context of your kubeconfig, as `kubectl config get-contexts` lists it (e.g. kind-kind): letters, digits and . _ : / @ -, at most 253 characters",
    });
    const nodePort = check.integer(childKey(key, "nodePort"), raw.nodePort, NODE_PORT_RANGE) ?? DEFAULT_NODE_PORT;
    const gatewayApiCrds = (check.string(childKey(key, "gatewayApiCrds"), raw.gatewayApiCrds, { oneOf: GATEWAY_API_CRD_SOURCES }) ??
        "install") as ExistingClusterConfig["gatewayApiCrds"];
    return {
        kind: "existing",
        name: stackPrefix(stack),
        ...(kubeconfig === undefined ? {} : { kubeconfig }),
        ...(context === undefined ? {} : { context }),
        nodePort,
        gatewayApiCrds,
    };
}

/**
 * The secret `kubeconfig` key, as Pulumi hands it over: the file's text (YAML or JSON), taken as
 * it is. Messages never quote it: it holds credentials.
 */
export function parseKubeconfig(check: Checker, key: string, text: string | undefined): string | undefined {
    if (text === undefined || text === OFFLINE_SECRET) {
        return text;
    }
    if (text.trim() === "" || !/\b(clusters|contexts)\b/.test(text)) {
        check.report(
            key,
            "the value is not a kubeconfig (it has no clusters or contexts); allowed: the text of a kubeconfig file, as a secret: `pulumi config set --secret kubeconfig < ~/.kube/config`",
        );
        return undefined;
    }
    return text;
}

export function parseInClusterDatabase(check: Checker, key: string, value: Json | undefined): InClusterDatabaseConfig {
    const raw = check.object(key, value, ["storageGiB", ...RDS_KEYS]) ?? {};
    for (const rdsKey of RDS_KEYS.filter((name) => raw[name] !== undefined)) {
        check.report(childKey(key, rdsKey), `an RDS setting, and ${EXISTING} (MySQL runs in the cluster); allowed: storageGiB`);
    }
    return { storageGiB: check.integer(childKey(key, "storageGiB"), raw.storageGiB, { min: 1, max: 1000 }) ?? 5 };
}

/** The message of a key only a stack on EKS may set. */
export function eksOnlyKeyProblem(what: string): string {
    return `${what}, which only a stack on EKS has, and ${EXISTING}; allowed: remove it (or set cluster.kind to eks)`;
}
