/** The two renderings of an offline plan: one JSON document for scripts, and text for a person. */
import { text } from "../../infra/props";
import { PROJECT } from "../../stacks/config";
import type { OfflinePlan } from "../offline";
import { renderCanary } from "../split";
import { details } from "./describers";
import { flatten, PlanNode, resourceTree } from "./tree";

/** Objects with sorted keys, so that two runs print identical documents. */
function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        return Object.fromEntries(
            Object.keys(record)
                .sort()
                .map((key) => [key, sortKeys(record[key])]),
        );
    }
    return value;
}

export function renderJson(plan: OfflinePlan, extra: Record<string, unknown> = {}): string {
    const resources = flatten(resourceTree(plan.resources)).map((resource) => ({
        type: resource.type,
        name: resource.name,
        parent: resource.parent ?? null,
        ...(resource.protect ? { protect: true } : {}),
        ...(resource.retainOnDelete ? { retainOnDelete: true } : {}),
        ...(resource.provider === undefined ? {} : { provider: resource.provider }),
        dependsOn: [...resource.dependsOn].sort(),
        inputs: sortKeys(resource.inputs),
    }));
    return JSON.stringify({ stack: plan.stack, resources, outputs: sortKeys(plan.outputs), ...extra }, null, 2);
}

/** A short, readable type: `aws rds.Instance`, `k8s apps/v1 Deployment`, `helm Release`. */
export function shortType(type: string): string {
    const [pkg, module = "", kind = ""] = type.split(":");
    if (pkg === "pulumi" && module === "providers") {
        return `provider ${kind}`;
    }
    if (pkg === "kubernetes") {
        if (module.startsWith("helm.sh/")) {
            return `helm ${kind}`;
        }
        return `k8s ${module.startsWith("core/") ? module.slice("core/".length) : module} ${kind}`;
    }
    const group = module.split("/")[0];
    return group === "index" || group === "" ? `${pkg} ${kind}` : `${pkg} ${group}.${kind}`;
}

function renderTree(nodes: readonly PlanNode[], indent: string, lines: string[]): void {
    nodes.forEach((node, index) => {
        const last = index === nodes.length - 1;
        const { resource } = node;
        const project = !resource.custom && resource.type.startsWith(`${PROJECT}:`);
        const label = project ? resource.type : shortType(resource.type);
        const flags = [resource.protect ? "[protected]" : "", resource.retainOnDelete ? "[kept on destroy]" : "", !resource.custom && !project ? "(package component)" : ""].filter(
            (flag) => flag !== "",
        );
        lines.push(`${indent}${last ? "└─ " : "├─ "}${label}  ${resource.name}${flags.length > 0 ? "  " + flags.join(" ") : ""}`);
        const inner = indent + (last ? "   " : "│  ");
        const after = resource.dependsOn.length > 0 ? [`after ${resource.dependsOn.join(", ")}`] : [];
        for (const line of [...details(resource), ...after]) {
            lines.push(`${inner}${node.children.length > 0 ? "│  " : "   "}${line}`);
        }
        renderTree(node.children, inner, lines);
    });
}

/** The plan for a person; `region` is the stack's `aws:region`. */
export function renderText(plan: OfflinePlan, region: string | undefined): string {
    const { resources, outputs } = plan;
    const custom = resources.filter((resource) => resource.custom && !resource.type.startsWith("pulumi:providers:"));
    const providers = resources.filter((resource) => resource.type.startsWith("pulumi:providers:"));
    const components = resources.filter((resource) => !resource.custom);
    const packaged = components.filter((resource) => !resource.type.startsWith(`${PROJECT}:`));

    const lines: string[] = [];
    lines.push(`Offline plan of stack ${plan.stack} (under mocks: nothing is read from or sent to AWS or Kubernetes)`);
    lines.push(
        outputs.clusterKind === "existing"
            ? `  cluster    existing (${outputs.kubeContext === undefined ? "the kubeconfig's current context" : `context ${text(outputs.kubeContext)}`})`
            : `  region     ${region ?? "-"}`,
    );
    lines.push(`  router     ${text(outputs.router)}`);
    lines.push(
        `  declares   ${custom.length} resources, ${providers.length} provider${providers.length === 1 ? "" : "s"}, ${components.length} components` +
            (packaged.length > 0 ? ` (${packaged.map((resource) => shortType(resource.type)).join(", ")} add their own resources on deploy)` : ""),
    );
    lines.push("");
    lines.push("Resources");
    renderTree(resourceTree(resources), "", lines);
    lines.push("");
    renderCanary(outputs.canary, lines);
    lines.push("");
    lines.push("Outputs");
    const width = Math.max(0, ...Object.keys(outputs).map((key) => key.length));
    for (const [key, value] of Object.entries(outputs)) {
        lines.push(`  ${key.padEnd(width)}  ${text(value)}`);
    }
    return lines.join("\n");
}
