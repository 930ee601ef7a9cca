/** `--load`: where its requests go, and how kubectl reaches the stack's cluster (tools/canary/load.ts). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { kubectlTarget, loadTarget } from "../../../tools/canary/load";

const SERVICE = { name: "notification", port: 8096, healthPath: "/notification/health-status" };

describe("--load", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "load-test-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes an EKS stack's kubeconfig output to a private file and points kubectl at it", () => {
        const flags = kubectlTarget({ clusterName: "eks-canary-prod", kubeconfig: '{"apiVersion":"v1"}' }, dir);
        expect(flags).toEqual(["--kubeconfig", path.join(dir, "kubeconfig")]);
        expect(fs.readFileSync(path.join(dir, "kubeconfig"), "utf8")).toBe('{"apiVersion":"v1"}');
        expect(fs.statSync(path.join(dir, "kubeconfig")).mode & 0o777).toBe(0o600);
    });

    it("uses the default kubeconfig and the stack's context on an existing cluster with none configured", () => {
        expect(kubectlTarget({ clusterKind: "existing", clusterName: "eks-canary-local", kubeContext: "kind-kind" }, dir)).toEqual(["--context", "kind-kind"]);
        expect(kubectlTarget({ clusterKind: "existing", clusterName: "eks-canary-local" }, dir)).toEqual([]);
        expect(fs.readdirSync(dir)).toEqual([]);
    });

    it("never falls back to the current context for an EKS stack without its kubeconfig output, or a stack of unknown kind", () => {
        expect(() => kubectlTarget({ clusterKind: "eks", clusterName: "eks-canary-prod" }, dir)).toThrow("--load needs the stack's kubeconfig output");
        expect(() => kubectlTarget({ clusterName: "eks-canary-prod" }, dir)).toThrow("--load needs the stack's kubeconfig output");
    });

    it("sends the linkerd router's load through the route's parent Service, so the mesh splits it", () => {
        expect(loadTarget("linkerd", SERVICE as never, { clusterName: "kind-kind", namespace: "eks-canary" })).toEqual({
            url: "http://notification-clusterip-service.eks-canary.svc.cluster.local:8096/notification/health-status",
            namespace: "eks-canary",
        });
    });
});
