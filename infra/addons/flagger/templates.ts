/**
 * Flagger MetricTemplates as a router's Flagger routing declares them: one per check, in the app
 * namespace, read by the Canary's `templateRef`. The routers differ only in the provider and the
 * queries (lattice: CloudWatch; linkerd: Prometheus).
 */
import type * as pulumi from "@pulumi/pulumi";
import { flagger } from "../../crds";
import { PART_OF } from "../../k8s";
import type { FlaggerContext } from "../../routers/contract";

/** Declares the templates `[name, query]` with `provider`, as children of the add-on, after `after`. */
export function declareMetricTemplates(
    context: FlaggerContext,
    after: readonly pulumi.Resource[],
    provider: flagger.MetricTemplateSpecProvider,
    templates: readonly (readonly [string, string])[],
): flagger.MetricTemplate[] {
    return templates.map(
        ([template, query]) =>
            new flagger.MetricTemplate(
                template,
                { metadata: { name: template, namespace: context.namespace, labels: PART_OF }, spec: { provider, query } },
                { parent: context.parent, provider: context.k8sProvider, dependsOn: [...after] },
            ),
    );
}
