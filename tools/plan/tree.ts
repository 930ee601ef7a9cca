/**
 * The declared resources as a tree under their parents, as both renderings of the plan show them.
 */
import type { DeclaredResource } from "../offline";

export interface PlanNode {
    readonly resource: DeclaredResource;
    readonly children: PlanNode[];
}

/** The types in a URN, `urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`. */
function urnTypes(urn: string): string[] {
    const nameAt = urn.lastIndexOf("::");
    const typeAt = urn.lastIndexOf("::", nameAt - 1);
    return urn.slice(typeAt + 2, nameAt).split("$");
}

/** A key that tells apart resources of one name: their type and name. */
function nodeKey(type: string, name: string): string {
    return `${type}::${name}`;
}

function compareResources(a: DeclaredResource, b: DeclaredResource): number {
    return a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

/**
 * The resources as a tree under their parents, siblings sorted by name then type. A parent is
 * found by its name and its type, which the child's URN holds just before the child's own type:
 * names alone repeat (a component and its Helm release share one).
 */
export function resourceTree(resources: readonly DeclaredResource[]): PlanNode[] {
    const nodes = new Map<string, PlanNode>();
    for (const resource of resources) {
        nodes.set(nodeKey(resource.type, resource.name), { resource, children: [] });
    }
    const roots: PlanNode[] = [];
    for (const node of nodes.values()) {
        const { resource } = node;
        const types = urnTypes(resource.urn);
        const parentType = types.length < 2 ? undefined : types[types.length - 2];
        const parent = resource.parent === undefined || parentType === undefined ? undefined : nodes.get(nodeKey(parentType, resource.parent));
        (parent?.children ?? roots).push(node);
    }
    const sort = (list: PlanNode[]): void => {
        list.sort((a, b) => compareResources(a.resource, b.resource));
        list.forEach((node) => sort(node.children));
    };
    sort(roots);
    return roots;
}

export function flatten(nodes: readonly PlanNode[]): DeclaredResource[] {
    return nodes.flatMap((node) => [node.resource, ...flatten(node.children)]);
}
