/**
 * How the offline plan writes what it cannot know: a secret's value, and a value known only after
 * a deploy. Light on purpose (no imports): the config parser, the tools and the policy pack read
 * these markers.
 */

/** A secret value: encrypted in the stack file, or a secret output of the program. */
export const SECRET = "[secret]";

/** A value only AWS or Kubernetes knows after a deploy (an ID, an ARN, an endpoint). */
export function afterDeploy(resourceName: string, property: string): string {
    return `(known after deploy: ${resourceName}.${property})`;
}

export function isAfterDeploy(value: unknown): boolean {
    return typeof value === "string" && value.includes("(known after deploy: ");
}
