/**
 * Every pinned chart and image of the stack, in one table: the README's version table and the
 * test that compares the controllers' IAM policies with upstream's read it. Upgrading a
 * controller is one edit here (and, where it has one, its policy file in its add-on's folder
 * under ./addons, taken from the same upstream release).
 */
import type { ChartPin } from "./helm";

export interface PinnedChart extends ChartPin {
    /** The application version the chart release installs (its Chart.yaml `appVersion`). */
    readonly appVersion: string;
    /**
     * The controller's IAM policy, a file in its add-on's folder (the path from this file's folder)
     * equal to the policy upstream publishes at `appVersion`; absent for charts that need no AWS
     * permissions of their own.
     */
    readonly iamPolicy?: string;
}

/** Helm charts, by what they install. */
export const CHARTS = {
    /**
     * The last release of the v2 line. v3 (chart 3.x, from 2026) is a major upgrade with its own IAM
     * policy and defaults; it is not taken until it is reviewed like this one.
     */
    loadBalancerController: {
        repo: "https://aws.github.io/eks-charts",
        chart: "aws-load-balancer-controller",
        version: "1.17.1",
        appVersion: "v2.17.1",
        iamPolicy: "addons/load-balancer-controller/aws-load-balancer-controller.json",
    },
    externalDns: {
        repo: "https://kubernetes-sigs.github.io/external-dns/",
        chart: "external-dns",
        version: "1.21.1",
        appVersion: "v0.21.0",
        // Built in code (./addons/external-dns): upstream's actions, with record changes narrowed to one zone.
    },
    gatewayController: {
        repo: "oci://public.ecr.aws/aws-application-networking-k8s",
        chart: "aws-gateway-controller-chart",
        version: "v2.1.3",
        appVersion: "v2.1.3",
        iamPolicy: "addons/gateway-controller/aws-gateway-controller.json",
    },
    appMeshController: {
        repo: "https://aws.github.io/eks-charts",
        chart: "appmesh-controller",
        version: "1.13.3",
        appVersion: "v1.13.3",
        iamPolicy: "addons/appmesh-controller/appmesh-controller.json",
    },
    /** The Prometheus that scrapes App Mesh's Envoy sidecars for Flagger (1.0.1+ render RBAC v1). */
    appMeshPrometheus: { repo: "https://aws.github.io/eks-charts", chart: "appmesh-prometheus", version: "1.0.3", appVersion: "2.13.1" },
    /**
     * Linkerd (the `linkerd` router): edge releases are the only open-source channel since the
     * project stopped providing stable releases in February 2024 (stable-2.14.10 is the last; vendors
     * publish stable builds); edge-26.8.3, the newest edge release reviewed. Its charts are versioned
     * `2026.8.3` (CI derives the year, month and the month's release number from the tag; the
     * Chart.yaml files at the tag say 0.0.0-undefined). linkerd-crds carries no appVersion: the one
     * here is the release it comes with.
     */
    linkerdCrds: { repo: "https://helm.linkerd.io/edge", chart: "linkerd-crds", version: "2026.8.3", appVersion: "edge-26.8.3" },
    linkerdControlPlane: { repo: "https://helm.linkerd.io/edge", chart: "linkerd-control-plane", version: "2026.8.3", appVersion: "edge-26.8.3" },
    /** Linkerd's viz extension, with the Prometheus that scrapes the proxies (6 h retention, no volume). */
    linkerdViz: { repo: "https://helm.linkerd.io/edge", chart: "linkerd-viz", version: "2026.8.3", appVersion: "edge-26.8.3" },
    /** Pinned to the release the typed CRD classes (./crds/flagger.ts) are generated from. */
    flagger: { repo: "https://flagger.app", chart: "flagger", version: "1.44.0", appVersion: "1.44.0" },
    /** Flagger's load tester, on its own version line: the one published with Flagger 1.44.0. */
    flaggerLoadTester: { repo: "https://flagger.app", chart: "loadtester", version: "0.38.0", appVersion: "0.38.0" },
} as const satisfies Record<string, PinnedChart>;

/** Container images the program runs itself (not through a chart). */
export const IMAGES = {
    /** The AWS Distro for OpenTelemetry collector (collector-contrib v0.156.0), the default tracing backend. */
    adotCollector: "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0",
    /** The X-Ray daemon (`tracing: xray-daemon`): in maintenance, its support ends on 2027-02-25. */
    xrayDaemon: "public.ecr.aws/xray/aws-xray-daemon:3.6.6",
    /**
     * Small image with `nc`, for the init container that waits for the database: the newest
     * release the official image does not tag `unstable` (1.38 is).
     */
    busybox: "busybox:1.37.0",
    /**
     * MySQL on an existing cluster (`cluster.kind: existing`): the 8.4 LTS line, as on RDS; the
     * newest 8.4 patch in the official image's source (docker-library/mysql, 8.4/Dockerfile.oracle).
     */
    mysql: "mysql:8.4.10",
    /** Flagger's load tester (it ships `hey`), for the canary command's `--load`: the release of the pinned chart. */
    loadTester: "ghcr.io/fluxcd/flagger-loadtester:0.38.0",
} as const;

/** The Gateway API CRDs (standard channel) the Lattice controller serves. */
export const GATEWAY_API_CRDS = { version: "v1.6.1", url: "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml" } as const;

/**
 * EKS managed add-ons, pinned per Kubernetes minor version: the versions AWS's add-on docs list
 * for that version (CoreDNS, kube-proxy) and a VPC CNI build in use on it. Only versions with a
 * row here can be configured; check a new row with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`.
 */
export const EKS_ADDONS = {
    "1.35": { coredns: "v1.14.2-eksbuild.4", kubeProxy: "v1.35.3-eksbuild.2", vpcCni: "v1.21.1-eksbuild.3" },
} as const satisfies Record<string, { coredns: string; kubeProxy: string; vpcCni: string }>;
export type KubernetesVersion = keyof typeof EKS_ADDONS;
