/**
 * The linkerd router in a stack (dev with `router=linkerd`, on EKS): the control plane with a
 * generated identity, injection on the app namespace, and per service a GAMMA HTTPRoute whose
 * parent is the shared Service; the health definition the gates and Flagger's templates read.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { failedShareQuery } from "../../../infra/canary/prometheus-health";
import { LINKERD_HEALTH } from "../../../infra/routers/linkerd/health";
import { linkerdLatencyQuery, linkerdSuccessRateQuery } from "../../../infra/routers/linkerd/flagger";
import { ISSUER_EARLY_RENEWAL_HOURS, ISSUER_VALIDITY_HOURS } from "../../../infra/routers/linkerd/identity";
import { OfflinePlan } from "../../../tools/offline";
import { at, byName, k8sObject, metadata, planStack, serviceSpec, TYPES } from "../../helpers";

let plan: OfflinePlan;
beforeAll(async () => {
    plan = await planStack("dev", ["router=linkerd", "services.notification.canary.weight=25"]);
});

describe("linkerd router in the dev stack", () => {
    it("annotates the app namespace for Linkerd's proxy injector", () => {
        expect(metadata(byName(plan, "apps")).annotations).toEqual({ "linkerd.io/inject": "enabled" });
    });

    it("routes the service by a GAMMA HTTPRoute: the shared Service its parent, the versions its weighted backends", () => {
        const route = byName(plan, "notification", TYPES.httpRoute);
        expect(at(route.inputs, "spec", "parentRefs")).toEqual([{ group: "core", kind: "Service", name: "notification-clusterip-service", port: 8096 }]);
        expect(at(route.inputs, "spec", "rules", 0, "backendRefs")).toEqual([
            { group: "", kind: "Service", name: "notification-v1", port: 8096, weight: 75 },
            { group: "", kind: "Service", name: "notification-v2", port: 8096, weight: 25 },
        ]);
        // The weights move only once both versions are Ready, and the control plane reads the route.
        expect(route.dependsOn).toEqual(expect.arrayContaining(["linkerd-gateway-api-crds", "linkerd-control-plane", "notification-v1-deployment", "notification-v2-deployment"]));
        // Callers outside the mesh, which the route does not apply to, reach the stable version only.
        expect(serviceSpec(k8sObject(plan, TYPES.service, "notification-clusterip-service")).selector).toEqual({ app: "notification", version: "v1" });
    });

    it("creates Linkerd's namespaces as its CLI does: Pod Security privileged (NET_ADMIN for linkerd-init), webhooks and injection off for the control plane", () => {
        expect(metadata(byName(plan, "linkerd-namespace")).labels).toMatchObject({
            "pod-security.kubernetes.io/enforce": "privileged",
            "config.linkerd.io/admission-webhooks": "disabled",
            "linkerd.io/is-control-plane": "true",
        });
        expect(metadata(byName(plan, "linkerd-namespace")).annotations).toEqual({ "linkerd.io/inject": "disabled" });
        expect(metadata(byName(plan, "linkerd-viz-namespace")).labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "privileged", "linkerd.io/extension": "viz" });
        for (const release of ["linkerd-crds", "linkerd-control-plane"]) {
            expect(byName(plan, release, TYPES.helmRelease).inputs.namespace, release).toBe("linkerd");
        }
        expect(byName(plan, "linkerd-viz", TYPES.helmRelease).inputs.namespace).toBe("linkerd-viz");
    });

    it("installs the control plane after its CRDs, with the generated trust anchor and issuer, and the viz extension after it", () => {
        const crds = byName(plan, "linkerd-crds", TYPES.helmRelease);
        expect(at(crds.inputs, "values", "installGatewayAPI")).toBe(false);
        const controlPlane = byName(plan, "linkerd-control-plane", TYPES.helmRelease);
        expect(controlPlane.dependsOn).toContain("linkerd-crds");
        expect(at(controlPlane.inputs, "values", "identity", "issuer", "scheme")).toBe("linkerd.io/tls");
        // The issuer's private key stays a secret in the chart's values.
        expect(at(controlPlane.inputs, "values", "identity", "issuer", "tls", "keyPEM")).toBe("[secret]");
        expect(at(controlPlane.inputs, "values", "identityTrustAnchorsPEM")).toBe("(known after deploy: linkerd-trust-anchor.certPem)");
        expect(byName(plan, "linkerd-viz", TYPES.helmRelease).dependsOn).toContain("linkerd-control-plane");
    });

    it("generates ECDSA P-256 CAs: a protected trust anchor, and an issuer of one year re-issued in its last 60 days", () => {
        for (const key of ["linkerd-trust-anchor-key", "linkerd-issuer-key"]) {
            expect(byName(plan, key, TYPES.tlsPrivateKey).inputs).toMatchObject({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        }
        const anchor = byName(plan, "linkerd-trust-anchor", TYPES.tlsSelfSignedCert);
        expect(anchor.protect).toBe(true);
        expect(anchor.inputs).toMatchObject({ isCaCertificate: true, subject: { commonName: "root.linkerd.cluster.local" } });
        const issuer = byName(plan, "linkerd-issuer", TYPES.tlsLocallySignedCert);
        expect(issuer.inputs).toMatchObject({ isCaCertificate: true, validityPeriodHours: ISSUER_VALIDITY_HOURS, earlyRenewalHours: ISSUER_EARLY_RENEWAL_HOURS });
        expect(byName(plan, "linkerd-issuer-request", TYPES.tlsCertRequest).inputs).toMatchObject({ subject: { commonName: "identity.linkerd.cluster.local" } });
    });

    it("lets the app pods reach the database and SES SMTP without the proxy", () => {
        const annotations = at(byName(plan, "notification-v1-deployment").inputs, "spec", "template", "metadata", "annotations") as Record<string, string>;
        expect(annotations["config.linkerd.io/skip-outbound-ports"]).toBe("3306,587");
    });
});

describe("the linkerd health definition", () => {
    const canary = { namespace: "eks-canary", deployment: "notification-v2" };

    it("counts the inbound requests, 5xx and failures without a response of the version's pods", () => {
        expect(LINKERD_HEALTH.query("requests", canary, "300s")).toBe(
            'sum(increase(response_total{namespace="eks-canary", deployment="notification-v2", direction="inbound"}[300s]))',
        );
        expect(LINKERD_HEALTH.query("target5xx", canary, "300s")).toContain('status_code=~"5.."');
        expect(LINKERD_HEALTH.query("connectionErrors", canary, "300s")).toContain('classification="failure", status_code!~"5.."');
        expect(LINKERD_HEALTH.query("p99", canary, "300s")).toBe(
            'histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{namespace="eks-canary", deployment="notification-v2", direction="inbound"}[300s])) by (le))',
        );
    });

    it("gives Flagger's templates the same failed share and p99, over Flagger's variables", async () => {
        const variables = { namespace: "{{ namespace }}", deployment: "{{ target }}" };
        expect(linkerdSuccessRateQuery()).toBe(`100 - 100 * ${failedShareQuery(LINKERD_HEALTH, variables, "{{ interval }}")}`);
        expect(linkerdLatencyQuery()).toBe(LINKERD_HEALTH.query("p99", variables, "{{ interval }}"));
        const local = await planStack("local");
        expect(at(byName(local, "linkerd-request-success-rate", TYPES.metricTemplate).inputs, "spec", "query")).toBe(linkerdSuccessRateQuery());
        expect(at(byName(local, "linkerd-request-duration", TYPES.metricTemplate).inputs, "spec", "query")).toBe(linkerdLatencyQuery());
    });

    it("reads no 5xx and no failure series as 0, so a healthy canary's success rate is 100, not empty (no requests stays empty)", () => {
        const query = failedShareQuery(LINKERD_HEALTH, canary, "60s");
        expect(query).toBe(
            `((${LINKERD_HEALTH.query("target5xx", canary, "60s")} or vector(0)) + (${LINKERD_HEALTH.query("connectionErrors", canary, "60s")} or vector(0))) / ${LINKERD_HEALTH.query("requests", canary, "60s")}`,
        );
    });

    it("refuses a label value that could change the query", () => {
        expect(() => LINKERD_HEALTH.query("requests", { namespace: 'x"} or vector(1) #', deployment: "d" }, "60s")).toThrow("refusing to put");
    });
});
