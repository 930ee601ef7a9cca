/**
 * The add-on contract. An add-on is what the stack installs into the cluster for the apps and the
 * routers: a chart pinned once in ../versions.ts and, when it calls AWS, an IRSA role for its
 * service account. Each add-on is a folder here, with its upstream IAM policy file beside it, and
 * declares its role and its Release through this file, so that every add-on declares them alike.
 *
 * The functions declare children of a component they are given (the add-on's own, or the router
 * that runs a controller) rather than a component of their own: a component here would be one
 * more resource, and a new parent, for every resource the stacks already declare.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { pinnedChart } from "../helm";
import { OidcProvider, PolicyDocument, ServiceAccountRole, ServiceAccountRoleArgs } from "../iam";
import { ROLE_ARN_ANNOTATION } from "../k8s";
import type { PinnedChart } from "../versions";

/** The cluster an add-on is installed into, and the tags of what it declares in AWS. */
export interface AddOnCluster {
    readonly oidcProvider: OidcProvider;
    readonly k8sProvider: k8s.Provider;
    readonly tags?: Record<string, string>;
}

/** What an add-on's pods may do in AWS: an inline policy, managed policies, or both. */
export type AddOnPermissions = Pick<ServiceAccountRoleArgs, "policy" | "managedPolicyArns">;

/** An add-on's service account, by namespace and name, and what its pods may do in AWS. */
export interface AddOnIdentity extends AddOnPermissions {
    readonly namespace: string;
    readonly serviceAccount: string;
}

/**
 * The upstream IAM policy of a pinned chart: `file`, the add-on's copy of it. The chart's pin must
 * name a policy file (`iamPolicy`), so that tests/infra/addons/iam-upstream.test.ts compares it with upstream's
 * at the pinned version; JSON imports type `Effect` as any string, hence the document type here.
 */
export function upstreamPolicy(pin: PinnedChart, file: unknown): PolicyDocument {
    if (pin.iamPolicy === undefined) {
        throw new Error(`chart ${pin.chart} ${pin.version} names no IAM policy file (iamPolicy in infra/versions.ts)`);
    }
    return file as PolicyDocument;
}

/** Declares `<name>-irsa`, the IRSA role of an add-on's service account, as a child of `parent`. */
export function addOnRole(name: string, identity: AddOnIdentity, cluster: AddOnCluster, parent: pulumi.Resource): ServiceAccountRole {
    return new ServiceAccountRole(`${name}-irsa`, { ...identity, oidcProvider: cluster.oidcProvider, tags: cluster.tags }, { parent });
}

/** A pinned chart's Release: where it goes and what it is given. */
export interface HelmReleaseArgs {
    /** The chart, as ../versions.ts pins it. */
    readonly chart: PinnedChart;
    /** The release's name in the cluster. */
    readonly releaseName: string;
    readonly namespace: pulumi.Input<string>;
    /** The chart creates its namespace (a controller's own). */
    readonly createNamespace?: boolean;
    /** The chart's values, from the add-on's typed args. */
    readonly values?: Record<string, unknown>;
    /** The service account the chart creates (its `serviceAccount` value), with these annotations. */
    readonly serviceAccount?: { readonly name: string; readonly annotations: Record<string, pulumi.Input<string>> };
    readonly dependsOn?: readonly pulumi.Resource[];
}

/**
 * Declares the Release `name` of a pinned chart, as a child of `parent`. Atomic: a failed install
 * or upgrade is rolled back rather than left half-applied.
 */
export function helmRelease(name: string, args: HelmReleaseArgs, cluster: Pick<AddOnCluster, "k8sProvider">, parent: pulumi.Resource): k8s.helm.v3.Release {
    const serviceAccount = args.serviceAccount === undefined ? {} : { serviceAccount: { create: true, ...args.serviceAccount } };
    const values = args.values === undefined && args.serviceAccount === undefined ? {} : { values: { ...args.values, ...serviceAccount } };
    return new k8s.helm.v3.Release(
        name,
        {
            name: args.releaseName,
            ...pinnedChart(args.chart),
            namespace: args.namespace,
            ...(args.createNamespace === true ? { createNamespace: true } : {}),
            atomic: true,
            ...values,
        },
        { parent, provider: cluster.k8sProvider, ...(args.dependsOn === undefined ? {} : { dependsOn: [...args.dependsOn] }) },
    );
}

/** A Helm add-on: its chart's Release, whose service account has the add-on's IRSA role. */
export interface HelmAddOnArgs extends Omit<HelmReleaseArgs, "namespace" | "serviceAccount"> {
    /** The namespace as text: the role's trust policy names it. */
    readonly namespace: string;
    /** The service account the chart creates, and the role's only subject. */
    readonly serviceAccount: string;
    readonly permissions: AddOnPermissions;
}

/**
 * Declares a Helm add-on as children of `parent`: the IRSA role `<name>-irsa` of the chart's
 * service account, and the Release `name`, whose service account carries the role's ARN.
 */
export function helmAddOn(name: string, args: HelmAddOnArgs, cluster: AddOnCluster, parent: pulumi.Resource): k8s.helm.v3.Release {
    const { serviceAccount, permissions, ...release } = args;
    const role = addOnRole(name, { namespace: args.namespace, serviceAccount, ...permissions }, cluster, parent);
    return helmRelease(name, { ...release, serviceAccount: { name: serviceAccount, annotations: { [ROLE_ARN_ANNOTATION]: role.roleArn } } }, cluster, parent);
}
