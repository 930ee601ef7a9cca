/**
 * The API groups crdgen generates: the module each becomes, the version of it, and the upstream
 * release its CRDs come from (named in the header of the generated file).
 */

export interface GroupConfig {
    readonly group: string;
    /** Output module, infra/crds/<module>.ts, and namespace name in infra/crds/index.ts. */
    readonly module: string;
    /** The API version to generate; undefined: the (single, else storage) served version. */
    readonly version?: string;
    readonly source: string;
}

export const GROUPS: readonly GroupConfig[] = [
    {
        group: "appmesh.k8s.aws",
        module: "appmesh",
        version: "v1beta2",
        source: "AWS App Mesh controller v1.13.3 (aws/aws-app-mesh-controller-for-k8s, config/crd/bases)",
    },
    {
        group: "flagger.app",
        module: "flagger",
        version: "v1beta1",
        source: "Flagger v1.44.0 (fluxcd/flagger, artifacts/flagger/crd.yaml)",
    },
    {
        group: "gateway.networking.k8s.io",
        module: "gatewayapi",
        version: "v1",
        source: "Gateway API v1.6.1, standard channel (kubernetes-sigs/gateway-api, config/crd/standard)",
    },
    {
        group: "application-networking.k8s.aws",
        module: "lattice",
        source: "AWS Gateway API Controller for VPC Lattice v2.1.3 (aws/aws-application-networking-k8s, config/crds/bases)",
    },
];
