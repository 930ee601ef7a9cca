/** policy/rules/network.ts: VPC ranges and reserved namespaces, the same rules as stack config. */
import { describe, expect, it } from "vitest";
import { reservedNamespaceViolations, vpcRangeViolations } from "../../policy/rules";
import { stackResource } from "./helpers";

describe("the same address and namespace rules as stack config", () => {
    it("refuses a VPC range that is not private", () => {
        expect(vpcRangeViolations([stackResource("awsx:ec2:Vpc", "network-vpc", { cidrBlock: "8.8.0.0/16" })])[0].message).toContain("is not a private range");
        expect(vpcRangeViolations([stackResource("awsx:ec2:Vpc", "network-vpc", { cidrBlock: "10.20.0.0/16" })])).toEqual([]);
    });

    it("refuses a Namespace of Kubernetes or of a controller", () => {
        expect(reservedNamespaceViolations([stackResource("kubernetes:core/v1:Namespace", "apps", { metadata: { name: "kube-system" } })])).toHaveLength(1);
        expect(reservedNamespaceViolations([stackResource("kubernetes:core/v1:Namespace", "apps", { metadata: { name: "eks-canary" } })])).toEqual([]);
        // A controller's namespace, only as that controller's own; Kubernetes' never.
        const owned = { "eks-canary/controller-namespace-of": "linkerd" };
        expect(reservedNamespaceViolations([stackResource("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "linkerd" } })])).toHaveLength(1);
        expect(reservedNamespaceViolations([stackResource("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "linkerd", labels: owned } })])).toEqual([]);
        expect(reservedNamespaceViolations([stackResource("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "kube-system", labels: owned } })])).toHaveLength(1);
        expect(reservedNamespaceViolations([stackResource("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "default", labels: owned } })])).toHaveLength(1);
    });
});
