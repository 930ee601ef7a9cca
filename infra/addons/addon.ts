/**
 * The add-on contract. An add-on is what the stack installs into the cluster for the apps and the
 * routers: a chart pinned once in ../versions.ts and, when it calls AWS, an IRSA role for its
 * service account. Each add-on is a folder here, with its upstream IAM policy file beside it.
 */
import type { PolicyDocument } from "../iam";
import type { PinnedChart } from "../versions";

/**
 * The upstream IAM policy of a pinned chart: `file`, the add-on's copy of it. The chart's pin must
 * name a policy file (`iamPolicy`), so that tests/iam-upstream.test.ts compares it with upstream's
 * at the pinned version; JSON imports type `Effect` as any string, hence the document type here.
 */
export function upstreamPolicy(pin: PinnedChart, file: unknown): PolicyDocument {
    if (pin.iamPolicy === undefined) {
        throw new Error(`chart ${pin.chart} ${pin.version} names no IAM policy file (iamPolicy in infra/versions.ts)`);
    }
    return file as PolicyDocument;
}
