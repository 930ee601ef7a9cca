import { beforeAll, describe, expect, it } from "vitest";
import { loadBalancerName } from "../../infra/ingress";
import { planOffline } from "../../tools/offline";
import { readStackFile } from "../../tools/stackfile";
import { at, byName, metadata, OfflinePlan, planStack, resourcesOfType, TYPES } from "../helpers";

let dev: OfflinePlan;
let prod: OfflinePlan;

beforeAll(async () => {
    dev = await planStack("dev");
    prod = await planStack("prod");
});

describe("AppIngress: the app's ALB", () => {
    /** The app's Ingress: the one its component declares (a router may declare Ingresses of its own). */
    function ingressOf(plan: OfflinePlan): { annotations: Record<string, string>; spec: Record<string, unknown> } {
        const ingresses = resourcesOfType(plan, TYPES.ingress).filter((ingress) => metadata(ingress).name === "app-ingress");
        expect(ingresses).toHaveLength(1);
        expect(ingresses[0].parent).toBe("app-ingress");
        expect(metadata(ingresses[0]).namespace).toBe("eks-canary");
        return { annotations: metadata(ingresses[0]).annotations ?? {}, spec: ingresses[0].inputs.spec as Record<string, unknown> };
    }

    it.each([
        ["dev", "canary.dev.example.com"],
        ["prod", "canary.example.com"],
    ])("%s: serves the config's domain through the alb class", (stack, domain) => {
        const { annotations, spec } = ingressOf(stack === "dev" ? dev : prod);
        expect(spec.ingressClassName).toBe("alb");
        expect(at(spec, "rules", 0, "host")).toBe(domain);
        expect(annotations["external-dns.alpha.kubernetes.io/hostname"]).toBe(domain);
    });

    it.each([
        ["dev", []],
        ["prod", ["notification-canary"]],
    ])("%s: is the only internet-facing Ingress; the router's (%j) are internal, with no host or certificate", (stack, routerIngresses) => {
        const ingresses = resourcesOfType(stack === "dev" ? dev : prod, TYPES.ingress);
        expect(ingresses.map((ingress) => metadata(ingress).name).sort()).toEqual(["app-ingress", ...routerIngresses]);
        for (const ingress of ingresses.filter((resource) => metadata(resource).name !== "app-ingress")) {
            const annotations = metadata(ingress).annotations ?? {};
            expect(ingress.parent).not.toBe("app-ingress");
            expect(annotations["alb.ingress.kubernetes.io/scheme"]).toBe("internal");
            expect(annotations["alb.ingress.kubernetes.io/certificate-arn"]).toBeUndefined();
            expect(annotations["external-dns.alpha.kubernetes.io/hostname"]).toBeUndefined();
        }
    });

    it("is internet-facing, on 80 and 443, redirecting HTTP to HTTPS with a TLS 1.2+ policy", () => {
        const { annotations } = ingressOf(dev);
        expect(annotations["alb.ingress.kubernetes.io/scheme"]).toBe("internet-facing");
        expect(JSON.parse(annotations["alb.ingress.kubernetes.io/listen-ports"])).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
        expect(annotations["alb.ingress.kubernetes.io/ssl-redirect"]).toBe("443");
        expect(annotations["alb.ingress.kubernetes.io/ssl-policy"]).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
        expect(annotations["alb.ingress.kubernetes.io/target-type"]).toBe("ip");
    });

    it.each([
        ["dev", "arn:aws:acm:eu-west-1:111122223333:certificate/0f1e2d3c-4b5a-4987-8654-3210fedcba98"],
        ["prod", "arn:aws:acm:eu-west-1:111122223333:certificate/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"],
    ])("%s: uses the config's certificate", (stack, arn) => {
        expect(ingressOf(stack === "dev" ? dev : prod).annotations["alb.ingress.kubernetes.io/certificate-arn"]).toBe(arn);
    });

    it("health-checks the user-management service's health path", () => {
        const { annotations } = ingressOf(dev);
        expect(annotations["alb.ingress.kubernetes.io/healthcheck-path"]).toBe("/usermgmt/health-status");
        expect(annotations["alb.ingress.kubernetes.io/healthcheck-port"]).toBe("traffic-port");
        expect(annotations["alb.ingress.kubernetes.io/success-codes"]).toBe("200");
    });

    it("names the ALB after the cluster", () => {
        expect(ingressOf(prod).annotations["alb.ingress.kubernetes.io/load-balancer-name"]).toBe("eks-canary-prod");
    });

    it("sends every path to usermgmt-service:8095", () => {
        const { spec } = ingressOf(dev);
        expect(at(spec, "rules", 0, "http", "paths")).toEqual([{ path: "/", pathType: "Prefix", backend: { service: { name: "usermgmt-service", port: { number: 8095 } } } }]);
        expect(spec.rules).toHaveLength(1);
    });

    it("the backend Service exists with that name and port", () => {
        const service = byName(dev, "usermgmt-service", TYPES.service);
        expect(metadata(service).name).toBe("usermgmt-service");
        expect(at(service.inputs, "spec", "ports", 0, "port")).toBe(8095);
    });

    it("the stack's url is https on the domain", () => {
        expect(dev.outputs.url).toBe("https://canary.dev.example.com");
    });
});

describe("loadBalancerName", () => {
    it("keeps a name that fits", () => {
        expect(loadBalancerName("eks-canary-dev")).toBe("eks-canary-dev");
        expect(loadBalancerName("a".repeat(32))).toBe("a".repeat(32));
    });

    it("shortens a long name to 32 characters with no trailing hyphen, keeping long names apart", () => {
        const first = loadBalancerName("eks-canary-aaaaaaaaaaaaaaaaaaaa-b");
        const second = loadBalancerName("eks-canary-aaaaaaaaaaaaaaaaaaaa-c");
        for (const name of [first, second]) {
            expect(name.length).toBeLessThanOrEqual(32);
            expect(name).toMatch(/^[a-z0-9](-?[a-z0-9])*$/);
        }
        expect(first).not.toBe(second);
    });

    it("is what the Ingress of a long stack name carries", async () => {
        const raw = readStackFile("dev").config;
        const plan = await planOffline("aaaaaaaaaaaaaaaaaaaa-b", raw);
        const ingress = plan.resources.find((resource) => resource.type === "kubernetes:networking.k8s.io/v1:Ingress" && resource.name === "app-ingress");
        const annotations = (ingress?.inputs.metadata as { annotations: Record<string, string> }).annotations;
        expect(annotations["alb.ingress.kubernetes.io/load-balancer-name"]).toBe(loadBalancerName("eks-canary-aaaaaaaaaaaaaaaaaaaa-b"));
        expect(annotations["alb.ingress.kubernetes.io/load-balancer-name"]).not.toMatch(/-$/);
    });
});
