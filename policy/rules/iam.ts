/** IAM: IRSA trust policies and the actions role, user and managed policies allow. */
import { isAfterDeploy, SECRET } from "../../stacks/markers";
import { asRecord, asStringList, at, isSet, Props, show } from "./values";

interface Statement {
    Sid?: string;
    Effect?: string;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    Principal?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}

/** A policy document input: JSON text or an object. Undefined when it cannot be read yet. */
function policyDocument(value: unknown): { Statement: Statement[] } | "unreadable" | undefined {
    let document: unknown = value;
    if (typeof value === "string") {
        try {
            document = JSON.parse(value);
        } catch {
            // Wholly unknown until deploy (e.g. built from outputs): nothing to judge yet.
            return isAfterDeploy(value) || value === SECRET ? undefined : "unreadable";
        }
    }
    if (typeof document !== "object" || document === null) {
        return "unreadable";
    }
    const statement = (document as { Statement?: unknown }).Statement;
    return { Statement: (Array.isArray(statement) ? statement : statement === undefined ? [] : [statement]).map((item) => asRecord(item) as Statement) };
}

const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9.]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
export const STS_AUDIENCE = "sts.amazonaws.com";

/**
 * aws.iam.Role: a role that an OIDC provider's tokens may assume (IRSA) is bound, with
 * StringEquals, to exactly one service account `system:serviceaccount:<ns>:<name>` and to the STS
 * audience.
 */
export function serviceAccountTrustViolations(props: Props): string[] {
    const document = policyDocument(props.assumeRolePolicy);
    if (document === undefined) {
        return [];
    }
    if (document === "unreadable") {
        return ["assumeRolePolicy is not a readable policy document"];
    }
    const found: string[] = [];
    for (const [index, statement] of document.Statement.entries()) {
        const actions = asStringList(statement.Action);
        const webIdentity = actions.some((action) => ["sts:AssumeRoleWithWebIdentity", "sts:*", "*"].includes(action)) || isSet(at(statement.Principal, "Federated"));
        if (!webIdentity || statement.Effect === "Deny") {
            continue;
        }
        const label = `trust statement ${statement.Sid ?? index}`;
        const conditions = asRecord(statement.Condition);
        for (const operator of Object.keys(conditions).filter((name) => name !== "StringEquals")) {
            const keys = Object.keys(asRecord(conditions[operator])).filter((key) => key.endsWith(":sub") || key.endsWith(":aud"));
            if (keys.length > 0) {
                found.push(`${label} matches ${keys.join(", ")} with ${operator}; only StringEquals binds one service account and audience`);
            }
        }
        const equals = asRecord(conditions.StringEquals);
        const subjects = Object.entries(equals).filter(([key]) => key.endsWith(":sub"));
        const audiences = Object.entries(equals).filter(([key]) => key.endsWith(":aud"));
        if (subjects.length !== 1) {
            found.push(`${label} must bind StringEquals <issuer>:sub to exactly one service account; found ${subjects.length} :sub conditions`);
        } else {
            const values = asStringList(subjects[0][1]);
            if (values.length !== 1 || !SERVICE_ACCOUNT_SUBJECT.test(values[0])) {
                found.push(`${label} binds ${subjects[0][0]} to ${show(subjects[0][1])}; must be exactly one system:serviceaccount:<namespace>:<name>, without wildcards`);
            }
        }
        if (audiences.length !== 1) {
            found.push(`${label} must bind StringEquals <issuer>:aud to ${STS_AUDIENCE}; found ${audiences.length} :aud conditions`);
        } else {
            const values = asStringList(audiences[0][1]);
            if (values.length !== 1 || values[0] !== STS_AUDIENCE) {
                found.push(`${label} binds ${audiences[0][0]} to ${show(audiences[0][1])}; must be ${STS_AUDIENCE}`);
            }
        }
        if (subjects.length === 1 && audiences.length === 1 && subjects[0][0].slice(0, -4) !== audiences[0][0].slice(0, -4)) {
            found.push(`${label} binds :sub and :aud of different issuers (${subjects[0][0]}, ${audiences[0][0]})`);
        }
    }
    return found;
}

/**
 * Statements with a service wildcard on every resource that an upstream project's recommended
 * policy has, exactly as upstream lists them: the one exception to `iam-no-wildcard-actions`.
 * A statement is exempt only when its actions are exactly these (none added, none removed).
 */
export const UPSTREAM_WILDCARD_STATEMENTS: readonly { readonly source: string; readonly actions: readonly string[] }[] = [
    {
        // infra/addons/gateway-controller/aws-gateway-controller.json; upgrade both together.
        source: "aws/aws-application-networking-k8s v2.1.3, files/controller-installation/recommended-inline-policy.json (AWS Gateway API Controller for VPC Lattice)",
        actions: [
            "vpc-lattice:*",
            "ec2:DescribeVpcs",
            "ec2:DescribeSubnets",
            "ec2:DescribeTags",
            "ec2:DescribeSecurityGroups",
            "logs:CreateLogDelivery",
            "logs:GetLogDelivery",
            "logs:DescribeLogGroups",
            "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies",
            "logs:UpdateLogDelivery",
            "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries",
            "tag:GetResources",
            "firehose:TagDeliveryStream",
            "s3:GetBucketPolicy",
            "s3:PutBucketPolicy",
            "tag:TagResources",
            "tag:UntagResources",
            "acm:ListCertificates",
        ],
    },
];

function isUpstreamStatement(actions: readonly string[]): boolean {
    const mine = [...new Set(actions)].sort();
    return UPSTREAM_WILDCARD_STATEMENTS.some((upstream) => {
        const theirs = [...upstream.actions].sort();
        return theirs.length === mine.length && theirs.every((action, index) => action === mine[index]);
    });
}

/**
 * IAM policies (role, user and managed): no Allow statement grants `*` or `<service>:*` on every
 * resource (`*`), nor uses NotAction, except a statement that is exactly an upstream project's
 * recommended one (UPSTREAM_WILDCARD_STATEMENTS).
 */
export function iamWildcardViolations(props: Props): string[] {
    const document = policyDocument(props.policy);
    if (document === undefined) {
        return [];
    }
    if (document === "unreadable") {
        return ["policy is not a readable policy document"];
    }
    const found: string[] = [];
    for (const [index, statement] of document.Statement.entries()) {
        if (statement.Effect !== "Allow") {
            continue;
        }
        const label = `statement ${statement.Sid ?? index}`;
        if (isSet(statement.NotAction)) {
            found.push(`${label} allows NotAction ${show(statement.NotAction)}: everything but a list is wider than any upstream policy`);
        }
        const resources = asStringList(statement.Resource);
        if (!resources.includes("*")) {
            continue;
        }
        const actions = asStringList(statement.Action);
        const wildcards = actions.filter((action) => action === "*" || /^[A-Za-z0-9-]+:\*$/.test(action));
        if (wildcards.length > 0 && !isUpstreamStatement(actions)) {
            found.push(`${label} allows ${wildcards.join(", ")} on Resource "*"; list the actions the workload needs (exactly what its upstream docs list)`);
        }
    }
    return found;
}
