/**
 * The controllers' IAM policies against upstream's at the pinned versions: the reference
 * policies in ../shared/reference/iam (index.json names each one's chart, version and source).
 * A pinned controller with no reference, a missing action, an extra action or a wider resource
 * fails here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { externalDnsPolicy } from "../../../infra/addons/external-dns";
import type { PolicyDocument, PolicyStatement } from "../../../infra/iam";
import { CHARTS, PinnedChart } from "../../../infra/versions";
import { REPO_ROOT } from "../../../tools/stackfile";
import { OfflinePlan, planStack, resourcesOfType, TYPES } from "../../helpers";

/** ../shared beside the checkout, found from here upwards (the mutation run copies the tests into a sandbox below the checkout). */
function sharedDir(): string {
    for (let dir = path.resolve(__dirname, ".."); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "..", "shared", "reference"))) {
            return path.join(dir, "..", "shared");
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no ../shared/reference above ${__dirname}: the upstream IAM references are in the workspace's shared folder`);
        }
    }
}

const REFERENCE_DIR = path.join(sharedDir(), "reference", "iam");

/** The policy file a pin names (`iamPolicy`, a path from infra/, in the add-on's folder). */
function policyFileOf(pin: PinnedChart): PolicyDocument {
    if (pin.iamPolicy === undefined) {
        throw new Error(`chart ${pin.chart} ${pin.version} names no IAM policy file`);
    }
    return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "infra", pin.iamPolicy), "utf8")) as PolicyDocument;
}

interface Reference {
    readonly chart: string;
    readonly chartVersion: string;
    readonly appVersion: string;
    readonly file: string;
}

function references(): Reference[] {
    return (JSON.parse(fs.readFileSync(path.join(REFERENCE_DIR, "index.json"), "utf8")) as { references: Reference[] }).references;
}

function referenceOf(pin: PinnedChart): PolicyDocument {
    const found = references().find((reference) => reference.chart === pin.chart && reference.chartVersion === pin.version);
    if (found === undefined) {
        throw new Error(`no upstream reference policy for ${pin.chart} ${pin.version} in ${REFERENCE_DIR}/index.json`);
    }
    expect(found.appVersion).toBe(pin.appVersion);
    return JSON.parse(fs.readFileSync(path.join(REFERENCE_DIR, found.file), "utf8")) as PolicyDocument;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? [...value] : [value]);

/** A document with every list sorted and single values as lists: equal documents compare equal. */
function normalized(document: PolicyDocument): unknown {
    const sortDeep = (value: unknown): unknown => {
        if (Array.isArray(value)) {
            return value.map(sortDeep).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
        }
        if (typeof value === "object" && value !== null) {
            return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, sortDeep(key === "Action" || key === "Resource" ? list(item as string | string[]) : item)]));
        }
        return value;
    };
    return sortDeep({ ...document, Statement: document.Statement.map(({ Sid: _sid, ...statement }) => statement) });
}

/** `pattern` (an IAM resource with `*` wildcards) covers `resource`. */
function covers(pattern: string, resource: string): boolean {
    const regex = new RegExp(
        `^${pattern
            .split("*")
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    );
    return regex.test(resource);
}

/** `ours` has every condition key and value of `theirs` (more conditions only narrow). */
function includesCondition(ours: PolicyStatement["Condition"], theirs: NonNullable<PolicyStatement["Condition"]>): boolean {
    return Object.entries(theirs).every(([operator, keys]) => Object.entries(keys).every(([key, value]) => JSON.stringify(ours?.[operator]?.[key]) === JSON.stringify(value)));
}

/** Every (action, resource) the narrowed document allows, upstream allows too, with no fewer conditions. */
function narrowerOrEqual(ours: PolicyDocument, upstream: PolicyDocument): string[] {
    const problems: string[] = [];
    const allows = (statement: PolicyStatement, action: string, resource: string): boolean =>
        statement.Effect === "Allow" && list(statement.Action).includes(action) && list(statement.Resource).some((pattern) => covers(pattern, resource));
    for (const statement of ours.Statement) {
        for (const action of list(statement.Action)) {
            for (const resource of list(statement.Resource)) {
                const match = upstream.Statement.find((candidate) => allows(candidate, action, resource));
                if (match === undefined) {
                    problems.push(`${action} on ${resource} is not allowed upstream`);
                } else if (
                    match.Condition !== undefined &&
                    !upstream.Statement.some((candidate) => allows(candidate, action, resource) && candidate.Condition === undefined) &&
                    !includesCondition(statement.Condition, match.Condition)
                ) {
                    problems.push(`${action} on ${resource} drops upstream's condition`);
                }
            }
        }
    }
    const ourActions = new Set(ours.Statement.flatMap((statement) => list(statement.Action)));
    for (const action of upstream.Statement.flatMap((statement) => list(statement.Action))) {
        if (!ourActions.has(action)) {
            problems.push(`${action} is missing`);
        }
    }
    return problems;
}

describe("controller IAM policies equal upstream's at the pinned versions", () => {
    const controllers = Object.entries(CHARTS).filter(([, pin]) => "iamPolicy" in pin) as [string, PinnedChart][];

    it("every controller with an IAM policy is pinned to a version that has an upstream reference", () => {
        expect(controllers.map(([name]) => name).sort()).toEqual(["appMeshController", "gatewayController", "loadBalancerController"]);
        for (const [, pin] of controllers) {
            expect(() => referenceOf(pin)).not.toThrow();
        }
    });

    for (const [name, pin] of controllers) {
        it(`${name} (${pin.chart} ${pin.version}): the policy file is upstream's`, () => {
            expect(normalized(policyFileOf(pin))).toEqual(normalized(referenceOf(pin)));
        });
    }

    it("External DNS: upstream's actions, with the zone actions narrowed to the configured zone", () => {
        const upstream = referenceOf(CHARTS.externalDns as PinnedChart);
        const ours = externalDnsPolicy("eu-west-1", "Z0123456789ABCDEFGHIJ");
        expect(narrowerOrEqual(ours, upstream)).toEqual([]);
        // And it is really narrower: no statement reaches every hosted zone.
        expect(ours.Statement.flatMap((statement) => list(statement.Resource))).not.toContain("arn:aws:route53:::hostedzone/*");
    });

    it("the comparison catches a missing action and a wider resource", () => {
        const upstream = referenceOf(CHARTS.externalDns as PinnedChart);
        const ours = externalDnsPolicy("eu-west-1", "Z0123456789ABCDEFGHIJ");
        const missing = {
            ...ours,
            Statement: ours.Statement.map((statement) => ({ ...statement, Action: list(statement.Action).filter((action) => action !== "route53:ListTagsForResources") })),
        };
        expect(narrowerOrEqual(missing, upstream)).toEqual(["route53:ListTagsForResources is missing"]);
        const wider = { ...ours, Statement: [...ours.Statement, { Effect: "Allow" as const, Action: "route53:ChangeResourceRecordSets", Resource: "*" }] };
        expect(narrowerOrEqual(wider, upstream)).toEqual(["route53:ChangeResourceRecordSets on * is not allowed upstream"]);
        const conditioned: PolicyDocument = {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "ec2:CreateTags", Resource: "*", Condition: { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } } }],
        };
        const unconditioned: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:CreateTags", Resource: "*" }] };
        expect(narrowerOrEqual(unconditioned, conditioned)).toEqual(["ec2:CreateTags on * drops upstream's condition"]);
        expect(narrowerOrEqual(conditioned, conditioned)).toEqual([]);
    });
});

describe("the declared IRSA roles carry those policies", () => {
    let plans: Record<string, OfflinePlan>;
    beforeAll(async () => {
        plans = {
            alb: await planStack("prod"),
            lattice: await planStack("dev", ["router=lattice"]),
            appmesh: await planStack("dev", ["router=appmesh"]),
        };
    });
    const declaredPolicies = (plan: OfflinePlan): unknown[] =>
        resourcesOfType(plan, TYPES.rolePolicy).map((resource) => normalized(JSON.parse(String(resource.inputs.policy)) as PolicyDocument));

    it.each([
        ["alb", CHARTS.loadBalancerController],
        ["lattice", CHARTS.loadBalancerController],
        ["lattice", CHARTS.gatewayController],
        ["appmesh", CHARTS.appMeshController],
    ] as const)("router %s declares the policy of %s", (router, pin) => {
        expect(declaredPolicies(plans[router])).toContainEqual(normalized(referenceOf(pin as PinnedChart)));
    });

    it("External DNS's role carries the narrowed policy", () => {
        expect(declaredPolicies(plans.alb)).toContainEqual(normalized(externalDnsPolicy("eu-west-1", "Z0123456789KLMNOPQRST")));
    });
});
