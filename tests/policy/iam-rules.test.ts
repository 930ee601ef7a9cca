/** policy/rules/iam.ts, rule by rule: exactly what each trust and policy document yields. */
import { describe, expect, it } from "vitest";
import { iamWildcardViolations, serviceAccountTrustViolations, STS_AUDIENCE, UPSTREAM_WILDCARD_STATEMENTS } from "../../policy/rules";
import { SECRET } from "../../stacks/markers";

const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
const SUBJECT = "system:serviceaccount:kube-system:external-dns";
const federated = { Federated: "arn:aws:iam::111122223333:oidc-provider/x" };

function trust(statement: unknown): { assumeRolePolicy: string } {
    return { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: statement }) };
}

function irsa(condition: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { Effect: "Allow", Principal: federated, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition, ...extra };
}

const bound = { StringEquals: { [`${ISSUER}:sub`]: SUBJECT, [`${ISSUER}:aud`]: STS_AUDIENCE } };

describe("serviceAccountTrustViolations", () => {
    it("passes one service account and the STS audience, as a list or a single statement", () => {
        expect(serviceAccountTrustViolations(trust([irsa(bound)]))).toEqual([]);
        expect(serviceAccountTrustViolations(trust(irsa(bound)))).toEqual([]);
        expect(serviceAccountTrustViolations({ assumeRolePolicy: { Statement: [irsa(bound)] } })).toEqual([]);
        expect(serviceAccountTrustViolations({ assumeRolePolicy: JSON.stringify({ Version: "2012-10-17" }) })).toEqual([]);
    });

    it("judges nothing known only after deploy or secret, and refuses what is not a document", () => {
        expect(serviceAccountTrustViolations({ assumeRolePolicy: "(known after deploy: role.json)" })).toEqual([]);
        expect(serviceAccountTrustViolations({ assumeRolePolicy: SECRET })).toEqual([]);
        for (const value of ["{not json", "42", "null", undefined, 7]) {
            expect(serviceAccountTrustViolations({ assumeRolePolicy: value }), String(value)).toEqual(["assumeRolePolicy is not a readable policy document"]);
        }
    });

    it("judges only statements that allow web identity", () => {
        expect(serviceAccountTrustViolations(trust([{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }]))).toEqual([]);
        expect(serviceAccountTrustViolations(trust([irsa({}, { Effect: "Deny" })]))).toEqual([]);
        for (const action of ["sts:AssumeRoleWithWebIdentity", "sts:*", "*"]) {
            expect(serviceAccountTrustViolations(trust([{ Effect: "Allow", Principal: { AWS: "*" }, Action: action }])), action).toHaveLength(2);
        }
        expect(serviceAccountTrustViolations(trust([{ Effect: "Allow", Principal: federated, Action: "sts:TagSession" }]))).toHaveLength(2);
    });

    it("names a statement by its Sid, else its index", () => {
        expect(serviceAccountTrustViolations(trust([irsa(bound), irsa({}, { Sid: "Irsa" }), irsa({})]))).toEqual([
            "trust statement Irsa must bind StringEquals <issuer>:sub to exactly one service account; found 0 :sub conditions",
            "trust statement Irsa must bind StringEquals <issuer>:aud to sts.amazonaws.com; found 0 :aud conditions",
            "trust statement 2 must bind StringEquals <issuer>:sub to exactly one service account; found 0 :sub conditions",
            "trust statement 2 must bind StringEquals <issuer>:aud to sts.amazonaws.com; found 0 :aud conditions",
        ]);
    });

    it("refuses another operator on the subject or the audience, not on other keys", () => {
        expect(serviceAccountTrustViolations(trust([irsa({ ...bound, StringLike: { [`${ISSUER}:aud`]: "*" } })]))).toEqual([
            `trust statement 0 matches ${ISSUER}:aud with StringLike; only StringEquals binds one service account and audience`,
        ]);
        expect(serviceAccountTrustViolations(trust([irsa({ ...bound, StringLike: { "aws:PrincipalTag/team": "x" } })]))).toEqual([]);
    });

    it("refuses two subjects, a list of subjects, a wrong or extra audience, and issuers that differ", () => {
        const other = "oidc.eks.eu-west-1.amazonaws.com/id/OTHER";
        expect(serviceAccountTrustViolations(trust([irsa({ StringEquals: { ...bound.StringEquals, [`${other}:sub`]: SUBJECT } })]))).toEqual([
            "trust statement 0 must bind StringEquals <issuer>:sub to exactly one service account; found 2 :sub conditions",
        ]);
        expect(serviceAccountTrustViolations(trust([irsa({ StringEquals: { ...bound.StringEquals, [`${ISSUER}:sub`]: [SUBJECT, SUBJECT] } })]))).toEqual([
            `trust statement 0 binds ${ISSUER}:sub to ${JSON.stringify([SUBJECT, SUBJECT])}; must be exactly one system:serviceaccount:<namespace>:<name>, without wildcards`,
        ]);
        expect(serviceAccountTrustViolations(trust([irsa({ StringEquals: { ...bound.StringEquals, [`${ISSUER}:aud`]: "sts.amazonaws.com.evil" } })]))).toHaveLength(1);
        expect(serviceAccountTrustViolations(trust([irsa({ StringEquals: { ...bound.StringEquals, [`${ISSUER}:aud`]: [STS_AUDIENCE, "x"] } })]))).toHaveLength(1);
        expect(serviceAccountTrustViolations(trust([irsa({ StringEquals: { [`${ISSUER}:sub`]: SUBJECT, [`${other}:aud`]: STS_AUDIENCE } })]))).toEqual([
            `trust statement 0 binds :sub and :aud of different issuers (${ISSUER}:sub, ${other}:aud)`,
        ]);
    });
});

describe("iamWildcardViolations", () => {
    const policy = (...statements: Record<string, unknown>[]): { policy: string } => ({ policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });

    it("refuses a service or total wildcard on every resource, naming the statement", () => {
        expect(iamWildcardViolations(policy({ Sid: "All", Effect: "Allow", Action: ["s3:GetObject", "s3:*", "*"], Resource: ["arn:aws:s3:::b/*", "*"] }))).toEqual([
            'statement All allows s3:*, * on Resource "*"; list the actions the workload needs (exactly what its upstream docs list)',
        ]);
        expect(iamWildcardViolations(policy({ Effect: "Allow", Action: "ec2:*", Resource: "*" }))).toEqual([
            'statement 0 allows ec2:* on Resource "*"; list the actions the workload needs (exactly what its upstream docs list)',
        ]);
    });

    it("passes wildcards on named resources, partial wildcards, and statements that do not allow", () => {
        expect(iamWildcardViolations(policy({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }))).toEqual([]);
        expect(iamWildcardViolations(policy({ Effect: "Allow", Action: ["s3:Get*", "s3:*Object"], Resource: "*" }))).toEqual([]);
        expect(iamWildcardViolations(policy({ Action: "*", Resource: "*" }))).toEqual([]);
    });

    it("exempts an upstream statement exactly as listed, in any order and with repeats, and nothing more or less", () => {
        const upstream = [...UPSTREAM_WILDCARD_STATEMENTS[0].actions];
        expect(iamWildcardViolations(policy({ Effect: "Allow", Action: [...upstream].reverse(), Resource: "*" }))).toEqual([]);
        expect(iamWildcardViolations(policy({ Effect: "Allow", Action: [...upstream, upstream[0]], Resource: "*" }))).toEqual([]);
        expect(iamWildcardViolations(policy({ Effect: "Allow", Action: [...upstream, "iam:PassRole"], Resource: "*" }))).toHaveLength(1);
        expect(iamWildcardViolations(policy({ Effect: "Allow", Action: upstream.slice(0, -1), Resource: "*" }))).toHaveLength(1);
        expect(iamWildcardViolations(policy({ Effect: "Allow", Action: [...upstream.slice(1), "s3:*"], Resource: "*" }))).toHaveLength(1);
    });

    it("refuses NotAction on any resource", () => {
        expect(iamWildcardViolations(policy({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b" }))).toEqual([
            'statement 0 allows NotAction "iam:*": everything but a list is wider than any upstream policy',
        ]);
    });
});
