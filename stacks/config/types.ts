/**
 * The shape of a parsed stack config: what `parseStackConfig` returns, with the constant lists of
 * the values a key allows. No parsing here; the section parsers beside this file fill these types.
 */
import type { CanaryAnalysis } from "../../infra/addons/flagger";
import type { FreezeWindow } from "../../infra/canary/freeze";
import type { HeaderMatch, Stickiness } from "../../infra/canary/release-controls";
import type { TracingChoice } from "../../infra/addons/tracing/backends";
import type { RouterKind } from "../../infra/routers/registry";
import { EKS_ADDONS, KubernetesVersion } from "../../infra/versions";
import type { DeployerConfig } from "../deployer";
import { SECRET } from "../markers";

export const PROJECT = "eks-canary";

/** The prefix of a stack's names (its EKS cluster's, its mesh's, its alarms'): `eks-canary-<stack>`. */
export function stackPrefix(stack: string): string {
    return `${PROJECT}-${stack}`;
}

/**
 * Kubernetes versions the stack can run: those whose EKS add-ons are pinned (infra/versions.ts),
 * each in EKS standard support. The stack pins one; upgrades are a config change.
 */
export const KUBERNETES_VERSIONS = Object.keys(EKS_ADDONS) as KubernetesVersion[];

export const NAT_STRATEGIES = ["single", "onePerAz"] as const;
export type NatStrategy = (typeof NAT_STRATEGIES)[number];

export interface NetworkConfig {
    readonly cidrBlock: string;
    /** Availability zones the VPC spans: one public, private and isolated subnet in each. */
    readonly availabilityZones: number;
    readonly natGateways: NatStrategy;
}

export interface ClusterConfig {
    /** The EKS cluster name: `eks-canary-<stack>`. */
    readonly name: string;
    readonly kubernetesVersion: KubernetesVersion;
    readonly instanceTypes: readonly string[];
    readonly nodes: { readonly min: number; readonly desired: number; readonly max: number };
    readonly nodeDiskGiB: number;
    /** CIDRs allowed to reach the public API endpoint; empty means the endpoint is private only. */
    readonly publicAccessCidrs: readonly string[];
    /**
     * IAM roles and users granted cluster admin, and nobody else: the cluster's creator gets no
     * implicit admin, so the principals that run `pulumi up` must be listed.
     */
    readonly adminPrincipalArns: readonly string[];
}

export interface IngressConfig {
    /** Refuse to delete the public ALB until this is lifted. */
    readonly deletionProtection: boolean;
    /** Leave the access-log bucket, with its logs, in the account when the stack is destroyed. */
    readonly retainAccessLogs: boolean;
}

export interface DatabaseConfig {
    readonly instanceClass: string;
    readonly allocatedStorageGiB: number;
    readonly maxAllocatedStorageGiB: number;
    readonly multiAz: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    /** Take a final snapshot when the instance is deleted. */
    readonly finalSnapshot: boolean;
}

export interface ContainerResources {
    readonly cpu: string;
    readonly memory: string;
}

/** The user-management service: the ALB's backend, a client of the database and of `calls`. */
export interface UserManagementConfig {
    readonly image: string;
    readonly replicas: number;
    /** The canaried service it calls (the seed app calls `notification`). */
    readonly calls: string;
    readonly resources: ContainerResources;
}

/**
 * How a service's canary moves: `manual`, the weights of the stack config (a `pulumi up` per
 * step); `automated`, Flagger moves the weight itself, checking metrics at each step and rolling
 * back on its own (README, "Release modes").
 */
export const SERVICE_MODES = ["manual", "automated"] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];

/** Flagger's canary analysis of an automated service (Canary `spec.analysis`): see CanaryAnalysis. */
export type AnalysisConfig = CanaryAnalysis;

/**
 * Types of Flagger's AlertProvider (flagger.app/v1beta1, the CRD's enum). There is no "generic"
 * webhook type: Flagger's generic event webhook takes its URL as a plain flag or Canary field,
 * which would put the secret URL into plain resource inputs.
 */
export const ALERT_PROVIDERS = ["slack", "msteams", "discord", "rocket", "gchat"] as const;
export type AlertProviderType = (typeof ALERT_PROVIDERS)[number];

/** Who the alarms notify, through one SNS topic; neither: the alarms have no actions. */
export interface AlarmsConfig {
    readonly email?: string;
    /** An HTTPS endpoint, from the secret `alarmUrl`. */
    readonly httpsUrl?: string;
}

/** Stack-wide Flagger settings (`eks-canary:flagger`). */
export interface FlaggerConfig {
    /** Where Flagger posts rollout events; the URL comes from the secret `flaggerAlertUrl`. */
    readonly alerts?: { readonly provider: AlertProviderType; readonly channel?: string; readonly url: string };
}

export interface CanaryVersionConfig {
    readonly image: string;
    /** Percent of requests sent to the canary (v2): an integer 0..100. */
    readonly weight: number;
    /** Requests carrying this header go to v2 whatever the weight (`canary.match`). */
    readonly match?: HeaderMatch;
    /** How long a client stays on the version it reached (`canary.sticky`). */
    readonly sticky?: Stickiness;
}

/** A service released as a stable (v1) and an optional canary (v2) version. */
export interface ServiceConfig {
    readonly name: string;
    readonly port: number;
    /** HTTP path that answers 200 when the service is ready. */
    readonly healthPath: string;
    /**
     * Pods per version for routers that weight traffic; the pods of both versions together for the
     * `replicas` router, which splits them by weight.
     */
    readonly replicas: number;
    /** Give the service the SES SMTP settings (the seed's notification service sends mail). */
    readonly smtp: boolean;
    /** X-Ray segment name; each version's is prefixed `V1-` / `V2-`. */
    readonly tracingName: string;
    readonly resources: ContainerResources;
    readonly stable: { readonly image: string };
    readonly canary?: CanaryVersionConfig;
    readonly mode: ServiceMode;
    /** Set exactly when `mode` is `automated`. */
    readonly analysis?: AnalysisConfig;
}

export interface CanaryScheduleConfig {
    /**
     * The weights a canary may take, ascending (e.g. 0, 10, 25, 50, 100); empty: any weight 0..100.
     * A step moves the weight to the next one.
     */
    readonly steps: readonly number[];
    /** Weekly windows in which the canary command takes no step forward (a rollback is never frozen). */
    readonly freeze: readonly FreezeWindow[];
    /** Services released in lockstep: the same weight in every `pulumi up`, stepped and rolled back as one. */
    readonly groups: readonly ReleaseGroup[];
}

/** A group of services that step in lockstep (`canary.groups.<name>`). */
export interface ReleaseGroup {
    readonly name: string;
    readonly services: readonly string[];
}

/** What every stack sets, wherever it runs. */
interface StackConfigBase {
    readonly stack: string;
    readonly router: RouterKind;
    /** What the apps' X-Ray SDKs send segments to (infra/addons/tracing), or nothing. */
    readonly tracing: TracingChoice;
    /** Kubernetes namespace of the app's workloads. */
    readonly namespace: string;
    readonly usermgmt: UserManagementConfig;
    readonly services: readonly ServiceConfig[];
    readonly canary: CanaryScheduleConfig;
    readonly flagger: FlaggerConfig;
}

/** A cluster you already have (`cluster.kind: existing`): the stack creates nothing in AWS. */
export interface ExistingClusterConfig {
    readonly kind: "existing";
    /** The prefix of the stack's names: `eks-canary-<stack>`, as on EKS. */
    readonly name: string;
    /** The kubeconfig (the secret `kubeconfig` key); undefined: the default one ($KUBECONFIG or ~/.kube/config). */
    readonly kubeconfig?: string;
    /** The kubeconfig context; undefined: its current context. */
    readonly context?: string;
    /** The node port the user-management app is published on (a kind port mapping exposes it on the laptop). */
    readonly nodePort: number;
    /** Whether the stack installs the Gateway API CRDs, or the cluster has them already. */
    readonly gatewayApiCrds: "install" | "present";
}

/** The in-cluster MySQL of an existing cluster (a StatefulSet with a volume). */
export interface InClusterDatabaseConfig {
    readonly storageGiB: number;
}

/** A stack on an existing cluster: no VPC, EKS, RDS, IAM, Route53, ALB or CloudWatch. */
export interface ExistingStackConfig extends StackConfigBase {
    readonly target: "existing";
    readonly cluster: ExistingClusterConfig;
    readonly database: InClusterDatabaseConfig;
}

/** A stack on EKS, which it creates with everything around it. */
export interface EksStackConfig extends StackConfigBase {
    readonly target: "eks";
    readonly region: string;
    /** Public hostname of the app; External DNS writes it into `hostedZoneId`. */
    readonly domain: string;
    readonly hostedZoneId: string;
    readonly certificateArn: string;
    readonly network: NetworkConfig;
    readonly cluster: ClusterConfig;
    readonly database: DatabaseConfig;
    readonly ingress: IngressConfig;
    /** The SES sender of the services with `smtp: true`: required when one has it. */
    readonly mail: { readonly fromAddress: string } | undefined;
    readonly alarms: AlarmsConfig;
    /** Who runs `pulumi up` and `preview`, and how they reach the API (stacks/deployer.ts). */
    readonly deployer: DeployerConfig;
}

/** A parsed stack config: where it runs (`target`, from `cluster.kind`) decides what else it has. */
export type StackConfig = EksStackConfig | ExistingStackConfig;

/** Every project key the program reads, with its shape; Pulumi.yaml declares the same keys. */
export const CONFIG_KEYS = [
    "domain",
    "hostedZoneId",
    "certificateArn",
    "router",
    "tracing",
    "namespace",
    "network",
    "cluster",
    "database",
    "ingress",
    "mail",
    "usermgmt",
    "services",
    "canary",
    "flagger",
    "flaggerAlertUrl",
    "alarms",
    "alarmUrl",
    "deployer",
    "kubeconfig",
] as const;

/** The keys that hold secrets (set with `pulumi config set --secret`): no output of the tools shows their values. */
export const SECRET_KEYS = ["flaggerAlertUrl", "alarmUrl", "kubeconfig"] as const;

/** The keys only a stack on EKS may set: on an existing cluster there is no AWS to create them in. */
export const EKS_ONLY_KEYS = ["domain", "hostedZoneId", "certificateArn", "network", "ingress", "mail", "alarms", "alarmUrl", "deployer"] as const;

/**
 * How the offline plan (tools/stackfile.ts) passes a value encrypted in the stack file: the
 * plaintext is unknown, so its format cannot be checked offline.
 */
export const OFFLINE_SECRET = SECRET;
