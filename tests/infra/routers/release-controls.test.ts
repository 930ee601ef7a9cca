/**
 * A canary's header match (`canary.match`) and stickiness (`canary.sticky`) in each router's
 * routing resource that can express them, and the config's refusals, naming the router, where
 * it cannot.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { HeaderCondition, WeightedForwardAction } from "../../../infra/routers/alb/router";
import { canaryWeightViolations } from "../../../policy/rules";
import { renderText } from "../../../tools/plan/render";
import { stackResource } from "../../policy/helpers";
import { at, byName, configErrors, k8sObject, metadata, OfflinePlan, planRouter, splitOf, TYPES } from "../../helpers";

const A = "alb.ingress.kubernetes.io";
const EXACT = ["services.notification.canary.match.header=x-canary", "services.notification.canary.match.value=always"];
const REGEX = ["services.notification.canary.match.header=x-user", "services.notification.canary.match.value=^beta-[0-9]+$", "services.notification.canary.match.type=regex"];
const STICKY = ["services.notification.canary.sticky=30m"];

function albAnnotations(plan: OfflinePlan): Record<string, string> {
    return metadata(k8sObject(plan, TYPES.ingress, "notification-canary")).annotations ?? {};
}

function albAction(plan: OfflinePlan, name: string): WeightedForwardAction | undefined {
    const raw = albAnnotations(plan)[`${A}/actions.${name}`];
    return raw === undefined ? undefined : (JSON.parse(raw) as WeightedForwardAction);
}

describe("canary.match and canary.sticky on the alb router", () => {
    let exactAt0: OfflinePlan;
    let regexAt25: OfflinePlan;
    let stickyAt: Record<number, OfflinePlan>;
    beforeAll(async () => {
        exactAt0 = await planRouter("alb", 0, EXACT);
        regexAt25 = await planRouter("alb", 25, REGEX);
        stickyAt = { 0: await planRouter("alb", 0, STICKY), 25: await planRouter("alb", 25, STICKY), 100: await planRouter("alb", 100, STICKY) };
    });

    it("sends requests with the header to v2 alone, by a rule ahead of the weighted one, even at weight 0", () => {
        const paths = at(k8sObject(exactAt0, TYPES.ingress, "notification-canary").inputs, "spec", "rules", 0, "http", "paths") as { backend: { service: { name: string } } }[];
        expect(paths.map((path) => path.backend.service.name)).toEqual(["canary-match", "weighted-forward"]);
        expect(albAction(exactAt0, "canary-match")?.forwardConfig.targetGroups).toEqual([{ serviceName: "notification-v2", servicePort: 8096, weight: 100 }]);
        expect(JSON.parse(albAnnotations(exactAt0)[`${A}/conditions.canary-match`]) as HeaderCondition[]).toEqual([
            { field: "http-header", httpHeaderConfig: { httpHeaderName: "x-canary", values: ["always"] } },
        ]);
        // The weighted action is the listener's default as well: a request that meets no rule while
        // the controller renumbers them (rule 1 rewritten into the match, rule 2 not yet created) is split, not answered 404.
        expect(at(k8sObject(exactAt0, TYPES.ingress, "notification-canary").inputs, "spec", "defaultBackend")).toEqual({
            service: { name: "weighted-forward", port: { name: "use-annotation" } },
        });
        // The weighted rule is as it was: the match changes no user's share.
        expect(albAction(exactAt0, "weighted-forward")?.forwardConfig.targetGroups.map((group) => group.weight)).toEqual([100, 0]);
    });

    it("writes a regex match as regexValues, never as values (whose * and ? are wildcards)", () => {
        expect(JSON.parse(albAnnotations(regexAt25)[`${A}/conditions.canary-match`]) as HeaderCondition[]).toEqual([
            { field: "http-header", httpHeaderConfig: { httpHeaderName: "x-user", regexValues: ["^beta-[0-9]+$"] } },
        ]);
    });

    it("carries a hostile value as one literal string: no second condition, no annotation of its own", async () => {
        const value = '"}]},{"field":"source-ip","sourceIpConfig":{"values":["0.0.0.0/0"';
        const plan = await planRouter("alb", 0, ["services.notification.canary.match.header=x-canary", `services.notification.canary.match.value=${value}`]);
        expect(JSON.parse(albAnnotations(plan)[`${A}/conditions.canary-match`]) as HeaderCondition[]).toEqual([
            { field: "http-header", httpHeaderConfig: { httpHeaderName: "x-canary", values: [value] } },
        ]);
    });

    it("declares no match rule without one", async () => {
        const plain = albAnnotations(await planRouter("alb", 25));
        expect(Object.keys(plain).filter((key) => key.includes("canary-match"))).toEqual([]);
    });

    it("keeps a client on its target group while both versions take requests, and never at 0 or 100", () => {
        expect(albAction(stickyAt[25], "weighted-forward")?.forwardConfig.targetGroupStickinessConfig).toEqual({ enabled: true, durationSeconds: 1800 });
        // At 0 a rollback must reach clients that reached v2; at 100 there is nothing to stay on. Off
        // is stated, not left out: the controller ignores a stickiness the desired action omits.
        expect(albAction(stickyAt[0], "weighted-forward")?.forwardConfig.targetGroupStickinessConfig).toEqual({ enabled: false });
        expect(albAction(stickyAt[100], "weighted-forward")?.forwardConfig.targetGroupStickinessConfig).toEqual({ enabled: false });
    });

    it("reports the match and stickiness in the split output, and the plan shows both", () => {
        expect(splitOf(exactAt0)).toMatchObject({ match: { header: "x-canary", value: "always", type: "exact" } });
        expect(splitOf(stickyAt[25])).toMatchObject({ sticky: "30m" });
        const printed = renderText(exactAt0, "eu-west-1");
        expect(printed).toContain("action canary-match: when x-canary = always forward notification-v2:8096 100%");
        expect(printed).toContain("v2 also takes every request with x-canary = always, whatever the weight");
        expect(renderText(stickyAt[25], "eu-west-1")).toContain("sticky 1800s");
    });

    it("passes the policy pack's schedule check: the match rule is not a step, the weighted rule still is", () => {
        const resources = (plan: OfflinePlan) =>
            plan.resources.filter((resource) => resource.custom).map((resource) => stackResource(resource.type, resource.name, resource.inputs));
        // A schedule without 100: the match rule's v2 at 100 is no step, and is not judged as one.
        expect(canaryWeightViolations(resources(regexAt25), { canarySteps: [0, 25, 50] })).toEqual([]);
        expect(canaryWeightViolations(resources(regexAt25), { canarySteps: [0, 50] }).map((violation) => violation.message)).toEqual([
            'Ingress "notification-canary" action weighted-forward: the canary notification-v2 takes 25%, not a step of the schedule [0,50]',
        ]);
    });
});

describe("canary.match on the Gateway API and App Mesh routers", () => {
    it("linkerd: a first HTTPRoute rule matching the header (Exact or RegularExpression) sends it to v2", async () => {
        for (const [overrides, type, name, value] of [
            [EXACT, "Exact", "x-canary", "always"],
            [REGEX, "RegularExpression", "x-user", "^beta-[0-9]+$"],
        ] as const) {
            const route = byName(await planRouter("linkerd", 25, overrides), "notification", TYPES.httpRoute);
            const rules = at(route.inputs, "spec", "rules") as Record<string, unknown>[];
            expect(rules).toHaveLength(2);
            expect(rules[0].matches).toEqual([{ headers: [{ type, name, value }] }]);
            expect(rules[0].backendRefs).toEqual([
                { group: "", kind: "Service", name: "notification-v1", port: 8096, weight: 0 },
                { group: "", kind: "Service", name: "notification-v2", port: 8096, weight: 100 },
            ]);
            expect((rules[1].backendRefs as { weight: number }[]).map((ref) => ref.weight)).toEqual([75, 25]);
        }
    });

    it("lattice: the match rule first (the controller numbers rules in order), Exact", async () => {
        const route = byName(await planRouter("lattice", 25, EXACT), "notification", TYPES.httpRoute);
        const rules = at(route.inputs, "spec", "rules") as Record<string, unknown>[];
        expect(rules.map((rule) => rule.matches)).toEqual([[{ headers: [{ type: "Exact", name: "x-canary", value: "always" }] }], undefined]);
        expect((rules[0].backendRefs as { name: string; weight: number }[]).map((ref) => [ref.name, ref.weight])).toEqual([
            ["notification-v1", 0],
            ["notification-v2", 100],
        ]);
    });

    it("appmesh: a header route at priority 0 ahead of the weighted route at 1", async () => {
        const router = k8sObject(await planRouter("appmesh", 25, REGEX), TYPES.virtualRouter, "notification-router");
        const routes = at(router.inputs, "spec", "routes") as {
            name: string;
            priority: number;
            httpRoute: { match: unknown; action: { weightedTargets: { weight: number }[] } };
        }[];
        expect(routes.map((route) => [route.name, route.priority])).toEqual([
            ["canary-match", 0],
            ["weighted", 1],
        ]);
        expect(routes[0].httpRoute.match).toEqual({ prefix: "/", headers: [{ name: "x-user", match: { regex: "^beta-[0-9]+$" } }] });
        expect(routes[0].httpRoute.action.weightedTargets.map((target) => target.weight)).toEqual([0, 100]);
        expect(routes[1].httpRoute.action.weightedTargets.map((target) => target.weight)).toEqual([75, 25]);
    });
});

describe("canary.match and canary.sticky: the config refuses what the router cannot do, naming it", () => {
    const errorAt = (overrides: readonly string[], key: string): string | undefined =>
        configErrors(["services.notification.canary.weight=25", ...overrides]).find((issue) => issue.key === key)?.message;
    const MATCH = "eks-canary:services.notification.canary.match";
    const STICKY_KEY = "eks-canary:services.notification.canary.sticky";

    it("refuses a match on the replicas router, listing the routers that can", () => {
        expect(errorAt(["router=replicas", ...EXACT], MATCH)).toBe(
            "router replicas cannot route by header: the replicas router has no routing resource, only pod counts: kube-proxy picks a pod for each connection and reads no header; " +
                "allowed: remove match, or set router to alb, lattice, linkerd",
        );
    });

    it("refuses a regex match on lattice, which matches Exact only", () => {
        expect(errorAt(["router=lattice", ...REGEX], MATCH)).toBe("router lattice matches headers by exact only, not regex; allowed: type exact, or set router to alb, linkerd");
    });

    it("refuses an exact ALB value with a wildcard character", () => {
        expect(errorAt(["router=alb", "services.notification.canary.match.header=x-canary", "services.notification.canary.match.value=a*"], MATCH)).toBe(
            "an ALB header condition reads * and ? in a value as wildcards; allowed: a value without them, or type regex",
        );
    });

    it("refuses stickiness everywhere but alb, and longer than ALB's seven days", () => {
        for (const router of ["replicas", "lattice", "linkerd", "appmesh"]) {
            expect(errorAt([`router=${router}`, ...STICKY], STICKY_KEY), router).toMatch(
                new RegExp(`^router ${router} cannot keep a client on a version: .*; allowed: remove sticky, or set router to alb$`),
            );
        }
        expect(errorAt(["router=alb", "services.notification.canary.sticky=169h"], STICKY_KEY)).toBe(
            "router alb keeps a client on a version for at most 604800 seconds; allowed: a shorter duration",
        );
        expect(errorAt(["router=alb", "services.notification.canary.sticky=168h"], STICKY_KEY)).toBeUndefined();
    });

    it("refuses malformed headers, values, types, regular expressions and durations, each at its key", () => {
        expect(errorAt(["router=alb", "services.notification.canary.match.header=x canary", "services.notification.canary.match.value=a"], `${MATCH}.header`)).toContain(
            "is malformed",
        );
        expect(errorAt(["router=alb", "services.notification.canary.match.header=x-canary", "services.notification.canary.match.value= a"], `${MATCH}.value`)).toContain(
            "allowed: printable ASCII, at most 128 characters, no space at either end",
        );
        expect(errorAt(["router=alb", ...EXACT, "services.notification.canary.match.type=prefix"], `${MATCH}.type`)).toBe('"prefix" is not allowed; allowed: exact, regex');
        expect(errorAt(["router=alb", ...REGEX.slice(0, 1), "services.notification.canary.match.value=(beta", REGEX[2]], `${MATCH}.value`)).toBe(
            '"(beta" is not a regular expression; allowed: a regular expression such as ^beta-',
        );
        expect(errorAt(["router=alb", "services.notification.canary.match.value=a"], `${MATCH}.header`)).toContain("missing");
        expect(errorAt(["router=alb", "services.notification.canary.sticky=2d"], STICKY_KEY)).toBe(
            '"2d" is malformed; allowed: a duration in whole seconds, minutes or hours, such as 30m',
        );
    });

    it("refuses what no router can read: a Host match, lookarounds and backreferences", () => {
        expect(errorAt(["router=alb", "services.notification.canary.match.header=Host", "services.notification.canary.match.value=a"], `${MATCH}.header`)).toBe(
            "host is not a header a canary can match on; allowed: another header, such as x-canary",
        );
        for (const value of ["^(?!internal)", "(?<=a)b", "(a)\\1"]) {
            expect(errorAt(["router=linkerd", REGEX[0], `services.notification.canary.match.value=${value}`, REGEX[2]], `${MATCH}.value`), value).toContain(
                "uses a lookaround or a backreference",
            );
        }
    });

    it("refuses a value that looks like a credential, without echoing it: it would sit in clear text in the routing resource and the outputs", () => {
        const token = "https://hooks.slack.com/services/T000/B000/XXXX";
        const message = errorAt(["router=alb", "services.notification.canary.match.header=x-canary", `services.notification.canary.match.value=${token}`], `${MATCH}.value`);
        expect(message).toBe(
            "[a value that may be a secret, not shown]: the value is written in clear text into the routing resource and the stack outputs; allowed: a plain marker such as always or beta-tester",
        );
    });

    it("refuses a match or stickiness in automated mode, where Flagger writes the routes", () => {
        const automated = ["router=linkerd", "services.notification.mode=automated", "services.notification.analysis.interval=1m", ...EXACT];
        expect(configErrors(automated).map((issue) => issue.key)).toContain(MATCH);
    });
});
