/** Kubernetes workloads (Deployments, DaemonSets): containers, probes, credentials, zones and disruption budgets. */
import { TYPES } from "./types";
import { asArray, asNumber, asRecord, at, isSet, labelsOf, namespaceOf, ofType, Props, show, StackResource, StackViolation } from "./values";

interface Container {
    name?: string;
    ports?: unknown[];
    env?: unknown[];
    resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
    readinessProbe?: unknown;
}

function podSpec(props: Props): Props {
    return asRecord(at(props, "spec", "template", "spec"));
}

function containersOf(props: Props): { container: Container; init: boolean }[] {
    const spec = podSpec(props);
    return [
        ...asArray(spec.initContainers).map((container) => ({ container: asRecord(container) as Container, init: true })),
        ...asArray(spec.containers).map((container) => ({ container: asRecord(container) as Container, init: false })),
    ];
}

function containerLabel(container: Container, init: boolean): string {
    return `${init ? "init container" : "container"} ${show(container.name)}`;
}

/** Deployments and DaemonSets: cpu and memory requests and limits on every container and init container. */
export function containerResourceViolations(props: Props): string[] {
    const found: string[] = [];
    for (const { container, init } of containersOf(props)) {
        const missing: string[] = [];
        for (const kind of ["requests", "limits"] as const) {
            for (const resource of ["cpu", "memory"]) {
                if (!isSet(asRecord(asRecord(container.resources)[kind])[resource])) {
                    missing.push(`${kind}.${resource}`);
                }
            }
        }
        if (missing.length > 0) {
            found.push(`${containerLabel(container, init)} has no ${missing.join(", ")}`);
        }
    }
    if (asArray(podSpec(props).containers).length === 0) {
        found.push("the pod template declares no containers");
    }
    return found;
}

/** Deployments and DaemonSets: every container that serves a port has a readiness probe. */
export function readinessProbeViolations(props: Props): string[] {
    return containersOf(props)
        .filter(({ container, init }) => !init && asArray(container.ports).length > 0 && !isSet(container.readinessProbe))
        .map(({ container, init }) => `${containerLabel(container, init)} serves ports but has no readinessProbe`);
}

/**
 * Names of environment variables that hold credentials: a word (split at `_`, `-`, `.`) that is
 * or ends with PASSWORD, PASSWD, SECRET, TOKEN or KEY, case-insensitive: DB_PASSWORD, API_TOKEN,
 * AWS_SECRET_ACCESS_KEY, APIKEY, and also AWS_ACCESS_KEY_ID (the key's ID travels with its secret,
 * from the same Secret). Not KEYCLOAK_URL or MONKEY_MODE: KEY must end a word that is not longer
 * than a credential name ("APIKEY", "PRIVATEKEY") — see SENSITIVE_WORD.
 */
export const SENSITIVE_WORD = /^(.*PASSWORD|.*PASSWD|.*SECRET|.*TOKEN|KEY|APIKEY|PRIVATEKEY|ACCESSKEY|SECRETKEY|SIGNINGKEY|ENCRYPTIONKEY|MASTERKEY)S?$/i;

export function isSensitiveEnvName(name: string): boolean {
    return name.split(/[_.-]/).some((word) => SENSITIVE_WORD.test(word));
}

/** Deployments and DaemonSets: credentials only from Secrets (`valueFrom.secretKeyRef`), never as `value`. */
export function secretEnvViolations(props: Props): string[] {
    const found: string[] = [];
    for (const { container, init } of containersOf(props)) {
        for (const variable of asArray(container.env).map((item) => asRecord(item))) {
            const name = typeof variable.name === "string" ? variable.name : "";
            if (!isSensitiveEnvName(name)) {
                continue;
            }
            if (variable.value !== undefined || !isSet(at(variable, "valueFrom", "secretKeyRef", "name"))) {
                found.push(
                    `${containerLabel(container, init)} sets ${name} ${variable.value !== undefined ? "as a plain value" : "not from a Secret"}; use valueFrom.secretKeyRef`,
                );
            }
        }
    }
    return found;
}

export const ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone";

/** Stable Deployments (label track: stable): pods spread across availability zones. */
export function zoneSpreadViolations(props: Props): string[] {
    if (labelsOf(props).track !== "stable") {
        return [];
    }
    const spread = asArray(podSpec(props).topologySpreadConstraints).some((constraint) => asRecord(constraint).topologyKey === ZONE_TOPOLOGY_KEY);
    return spread ? [] : [`a stable Deployment must spread its pods across zones: add a topologySpreadConstraint on ${ZONE_TOPOLOGY_KEY}`];
}

interface LabelSelector {
    matchLabels?: Record<string, unknown>;
    matchExpressions?: { key?: string; operator?: string; values?: unknown[] }[];
}

/** Whether a label selector selects pods with `labels`; an empty selector selects every pod (policy/v1). */
export function selects(selector: LabelSelector, labels: Record<string, unknown>): boolean {
    const matchLabels = asRecord(selector.matchLabels);
    const expressions = asArray(selector.matchExpressions).map((item) => asRecord(item));
    if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
        return true;
    }
    if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) {
        return false;
    }
    return expressions.every((expression) => {
        const key = String(expression.key);
        const values = asArray(expression.values);
        switch (expression.operator) {
            case "In":
                return values.includes(labels[key]);
            case "NotIn":
                return !values.includes(labels[key]);
            case "Exists":
                return key in labels;
            case "DoesNotExist":
                return !(key in labels);
            default:
                return false;
        }
    });
}

/** Every stable Deployment (label track: stable, replicas > 0) has a PodDisruptionBudget that selects its pods. */
export function stablePdbViolations(resources: readonly StackResource[]): StackViolation[] {
    const budgets = ofType(resources, TYPES.pdb);
    const found: StackViolation[] = [];
    for (const deployment of ofType(resources, TYPES.deployment)) {
        const props = deployment.props;
        const replicas = asNumber(at(props, "spec", "replicas")) ?? 1;
        if (labelsOf(props).track !== "stable" || replicas <= 0) {
            continue;
        }
        const podLabels = asRecord(at(props, "spec", "template", "metadata", "labels"));
        const covered = budgets.some(
            (budget) => namespaceOf(budget.props) === namespaceOf(props) && selects(asRecord(at(budget.props, "spec", "selector")) as LabelSelector, podLabels),
        );
        if (!covered) {
            found.push({ message: `the stable Deployment ${show(at(props, "metadata", "name"))} has no PodDisruptionBudget selecting its pods`, urn: deployment.urn });
        }
    }
    return found;
}
