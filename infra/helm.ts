/** Helm conventions shared by the components that install charts. */
import type * as k8s from "@pulumi/kubernetes";

/** A chart pinned to one version, in one repository. */
export interface ChartPin {
    readonly repo: string;
    readonly chart: string;
    readonly version: string;
}

/** The fields of a Helm Release that name a pinned chart: an OCI chart is named by its full reference. */
export function pinnedChart(pin: ChartPin): Pick<k8s.helm.v3.ReleaseArgs, "chart" | "version" | "repositoryOpts"> {
    return pin.repo.startsWith("oci://")
        ? { chart: `${pin.repo}/${pin.chart}`, version: pin.version }
        : { chart: pin.chart, version: pin.version, repositoryOpts: { repo: pin.repo } };
}
