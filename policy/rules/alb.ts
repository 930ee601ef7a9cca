/** ALB (AWS Load Balancer Controller Ingress annotations): TLS, access logs, deletion protection in prod. */
import { TYPES } from "./types";
import { annotationsOf, at, isSet, ofType, Props, show, StackResource, StackViolation, tagsOf } from "./values";

export const ANNOTATION = "alb.ingress.kubernetes.io/";

/** TLS 1.2+ policies of Application Load Balancers (forward secrecy, no CBC-only legacy sets). */
export const MODERN_SSL_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
] as const;

export function isInternetFacing(props: Props): boolean {
    return annotationsOf(props)[`${ANNOTATION}scheme`] === "internet-facing";
}

/** `key=value,key=value` of the load-balancer-attributes annotation. */
export function loadBalancerAttributes(props: Props): Map<string, string> {
    const text = annotationsOf(props)[`${ANNOTATION}load-balancer-attributes`];
    const attributes = new Map<string, string>();
    if (typeof text !== "string") {
        return attributes;
    }
    for (const pair of text.split(",")) {
        const equals = pair.indexOf("=");
        if (equals > 0) {
            attributes.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
        }
    }
    return attributes;
}

/** Internet-facing ALBs: an ACM certificate, HTTP redirected to 443, a TLS 1.2+ security policy. */
export function albTlsViolations(props: Props): string[] {
    if (!isInternetFacing(props)) {
        return [];
    }
    const annotations = annotationsOf(props);
    const found: string[] = [];
    if (!isSet(annotations[`${ANNOTATION}certificate-arn`])) {
        found.push(`${ANNOTATION}certificate-arn is unset: an internet-facing ALB serves HTTPS with an ACM certificate`);
    }
    if (annotations[`${ANNOTATION}ssl-redirect`] !== "443") {
        found.push(`${ANNOTATION}ssl-redirect is ${show(annotations[`${ANNOTATION}ssl-redirect`])}; must be "443" (HTTP redirected to HTTPS)`);
    }
    const policy = annotations[`${ANNOTATION}ssl-policy`];
    if (!(MODERN_SSL_POLICIES as readonly unknown[]).includes(policy)) {
        found.push(`${ANNOTATION}ssl-policy is ${show(policy)}; allowed: ${MODERN_SSL_POLICIES.join(", ")}`);
    }
    return found;
}

/** Internet-facing ALBs: access logs on, to a named bucket. */
export function albAccessLogViolations(props: Props): string[] {
    if (!isInternetFacing(props)) {
        return [];
    }
    const attributes = loadBalancerAttributes(props);
    const found: string[] = [];
    if (attributes.get("access_logs.s3.enabled") !== "true") {
        found.push(`${ANNOTATION}load-balancer-attributes must contain access_logs.s3.enabled=true`);
    }
    if (!isSet(attributes.get("access_logs.s3.bucket"))) {
        found.push(`${ANNOTATION}load-balancer-attributes must name the log bucket: access_logs.s3.bucket=<bucket>`);
    }
    return found;
}

/**
 * Whether the stack is a production one: an AWS resource tagged stack=prod, or an ALB Ingress
 * whose tags annotation says stack=prod (the stack's name is not on the Kubernetes objects).
 */
export function isProductionStack(resources: readonly StackResource[]): boolean {
    return resources.some((resource) => {
        if (tagsOf(resource.props).stack === "prod") {
            return true;
        }
        const tags = annotationsOf(resource.props)[`${ANNOTATION}tags`];
        return typeof tags === "string" && tags.split(",").some((pair) => pair.trim() === "stack=prod");
    });
}

/** In prod, every internet-facing ALB has deletion protection. */
export function albProductionDeletionProtectionViolations(resources: readonly StackResource[]): StackViolation[] {
    if (!isProductionStack(resources)) {
        return [];
    }
    return ofType(resources, TYPES.ingress)
        .filter((ingress) => isInternetFacing(ingress.props) && loadBalancerAttributes(ingress.props).get("deletion_protection.enabled") !== "true")
        .map((ingress) => ({
            message: `the internet-facing Ingress ${show(at(ingress.props, "metadata", "name"))} of a prod stack needs deletion_protection.enabled=true in ${ANNOTATION}load-balancer-attributes`,
            urn: ingress.urn,
        }));
}
