/**
 * A stack on a cluster you already have (`cluster.kind: existing`: kind, minikube, any other):
 * nothing in AWS. MySQL runs in the cluster behind the same `mysql` Service name, the apps trace
 * nowhere (`tracing: none`), and the user-management app is published on a node port, which the
 * README's kind config maps to the laptop. The router must be one that needs no AWS (config checks).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NO_TRACING } from "../../infra/addons/tracing";
import { CLUSTER_DRAINING } from "../../infra/draining";
import { InClusterDatabase } from "../../infra/in-cluster-database";
import { USERMGMT } from "../../infra/names";
import { declareAppNamespace, declareApps, stackTags } from "../apps";
import type { ExistingStackConfig } from "../config";
import type { StackOutputs } from "../outputs";

export function declareExistingStack(config: ExistingStackConfig): StackOutputs {
    const tags = stackTags(config);
    const { kubeconfig, context, nodePort } = config.cluster;
    // No kubeconfig in config: the provider reads the default one ($KUBECONFIG, ~/.kube/config).
    const k8sProvider = new k8s.Provider("existing-cluster", {
        ...(kubeconfig === undefined ? {} : { kubeconfig: pulumi.secret(kubeconfig) }),
        ...(context === undefined ? {} : { context }),
        // Server-side apply, as on EKS: field managers keep a later `up` from undoing a controller's fields.
        enableServerSideApply: true,
    });
    const namespace = declareAppNamespace(config, k8sProvider, {});
    const database = new InClusterDatabase("database", { namespace: namespace.metadata.name, storageGiB: config.database.storageGiB, k8sProvider });
    const { splits } = declareApps(config, {
        k8sProvider,
        namespace,
        aws: undefined,
        gatewayApiCrds: config.cluster.gatewayApiCrds,
        tracing: NO_TRACING,
        podDependencies: [],
        database,
        usermgmt: { draining: CLUSTER_DRAINING, nodePort },
        tags,
    });
    return {
        // The node port, as the README's kind config maps it to the same port on localhost.
        url: pulumi.output(`http://localhost:${nodePort}${USERMGMT.healthPath}`),
        clusterKind: "existing",
        clusterName: pulumi.output(config.cluster.name),
        kubeconfig: kubeconfig === undefined ? undefined : pulumi.secret(kubeconfig),
        ...(context === undefined ? {} : { kubeContext: context }),
        databaseEndpoint: database.endpoint,
        namespace: namespace.metadata.name,
        router: config.router,
        canary: splits,
        dashboards: {},
    };
}
