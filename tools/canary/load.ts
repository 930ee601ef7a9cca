/** `--load`: requests sent to the service during each bake, so a quiet service still gets judged. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RouterKind, routerPlugin } from "../../infra/routers/registry";
import { IMAGES } from "../../infra/versions";
import { locationFromOutputs } from "./metrics";
import { CanaryError, ServiceState } from "./schedule";

/** Where `--load` sends requests: the service's routed name, so the router (and its metrics) sees them. */
export interface LoadTarget {
    readonly url: string;
    readonly namespace: string;
}

/** Runs requests against `target` for `durationMs` (or until `signal` aborts); resolves when it stops. */
export type LoadGenerator = (target: LoadTarget, durationMs: number, signal: AbortSignal, outputs: Readonly<Record<string, unknown>>) => Promise<void>;

/** Where `--load` sends requests for a service: the name its callers use, through the router. */
export function loadTarget(router: RouterKind, service: ServiceState, outputs: Readonly<Record<string, unknown>>): LoadTarget {
    const location = locationFromOutputs(outputs);
    return { url: routerPlugin(router).command.loadUrl(service, location), namespace: location.namespace };
}

/**
 * kubectl's flags that reach the stack's cluster: the kubeconfig output written to `dir` (EKS, or
 * an existing cluster's configured kubeconfig), else, on an existing cluster only, the default
 * kubeconfig and the stack's context when it names one.
 */
export function kubectlTarget(outputs: Readonly<Record<string, unknown>>, dir: string): string[] {
    const { kubeconfig, kubeContext } = outputs;
    const context = typeof kubeContext === "string" ? ["--context", kubeContext] : [];
    if (typeof kubeconfig === "string") {
        const file = path.join(dir, "kubeconfig");
        fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
        return ["--kubeconfig", file, ...context];
    }
    // Only an existing cluster is reached through the local kubeconfig: an EKS stack without its
    // kubeconfig output must not fall back to whatever cluster the current context is.
    if (outputs.clusterKind !== "existing") {
        throw new CanaryError("--load needs the stack's kubeconfig output (or, on an existing cluster, its clusterKind output): has it been deployed with this program?");
    }
    return context;
}

/** `--load` for real: the load tester image in a pod of the app namespace, through kubectl (no shell). */
export const kubectlLoad: LoadGenerator = async (target, durationMs, signal, outputs) => {
    const { execFile } = await import("node:child_process");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-canary-load-"));
    let cluster: string[];
    try {
        cluster = kubectlTarget(outputs, dir);
    } catch (error) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw error;
    }
    const pod = `canary-load-${Date.now().toString(36)}`;
    const seconds = Math.max(1, Math.floor(durationMs / 1000));
    try {
        await new Promise<void>((resolve) => {
            const child = execFile(
                "kubectl",
                [
                    ...cluster,
                    "-n",
                    target.namespace,
                    "run",
                    pod,
                    `--image=${IMAGES.loadTester}`,
                    "--restart=Never",
                    "--rm",
                    "-i",
                    "--quiet",
                    "--command",
                    "--",
                    "hey",
                    "-z",
                    `${seconds}s`,
                    "-q",
                    "10",
                    "-c",
                    "2",
                    target.url,
                ],
                () => resolve(),
            );
            signal.addEventListener("abort", () => child.kill("SIGTERM"), { once: true });
        });
    } finally {
        await new Promise<void>((resolve) => execFile("kubectl", [...cluster, "-n", target.namespace, "delete", "pod", pod, "--ignore-not-found", "--now"], () => resolve()));
        fs.rmSync(dir, { recursive: true, force: true });
    }
};
