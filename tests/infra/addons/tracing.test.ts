import { beforeAll, describe, expect, it } from "vitest";
import { at, byName, childrenOf, k8sObject, mainContainer, metadata, OfflinePlan, planStack, resourcesOfType, serviceSpec, TYPES, workloadSpec } from "../../helpers";

let dev: OfflinePlan;

beforeAll(async () => {
    dev = await planStack("dev");
});

describe("Tracing: the X-Ray daemon DaemonSet", () => {
    function daemonSet(): ReturnType<typeof byName> {
        const sets = resourcesOfType(dev, TYPES.daemonSet);
        expect(sets).toHaveLength(1);
        expect(sets[0].parent).toBe("xray");
        return sets[0];
    }

    it("runs the pinned daemon image in kube-system, outside the app namespace (and any mesh)", () => {
        expect(metadata(daemonSet())).toMatchObject({ name: "xray-daemon", namespace: "kube-system" });
        expect(mainContainer(daemonSet()).image).toBe("public.ecr.aws/xray/aws-xray-daemon:3.6.6");
    });

    it("listens on host port 2000 over UDP and TCP", () => {
        expect(mainContainer(daemonSet()).ports).toEqual([
            { name: "xray-ingest", containerPort: 2000, hostPort: 2000, protocol: "UDP" },
            { name: "xray-tcp", containerPort: 2000, hostPort: 2000, protocol: "TCP" },
        ]);
    });

    it("reads its config from the ConfigMap", () => {
        const container = mainContainer(daemonSet());
        // The image's entrypoint runs the daemon; the program only adds the config file.
        expect(container.command).toBeUndefined();
        expect(container.args).toEqual(["-c", "/aws/xray/config.yaml"]);
        expect(container.volumeMounts).toEqual([{ name: "config", mountPath: "/aws/xray", readOnly: true }]);
        expect(workloadSpec(daemonSet()).template.spec.volumes).toEqual([{ name: "config", configMap: { name: "xray-config" } }]);
    });

    it("has requests and limits", () => {
        expect(mainContainer(daemonSet()).resources).toEqual({ requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "512m", memory: "64Mi" } });
    });

    it("runs as the xray-daemon service account and selects its own pods", () => {
        const spec = workloadSpec(daemonSet());
        expect(spec.template.spec.serviceAccountName).toBe("xray-daemon");
        expect(spec.selector.matchLabels).toEqual({ app: "xray-daemon" });
        expect(spec.template.metadata.labels).toMatchObject({ app: "xray-daemon" });
    });
});

describe("Tracing: the daemon's config", () => {
    it("listens on 0.0.0.0:2000 for UDP and TCP, in the stack's region, without instance metadata", () => {
        const config = k8sObject(dev, TYPES.configMap, "xray-config");
        expect(metadata(config).namespace).toBe("kube-system");
        const text = String(at(config.inputs, "data", "config.yaml"));
        expect(text).toContain('UDPAddress: "0.0.0.0:2000"');
        expect(text).toContain('TCPAddress: "0.0.0.0:2000"');
        expect(text).toContain('Region: "eu-west-1"');
        // Pods cannot reach instance metadata (hop limit 1): local mode and a given region.
        expect(text).toMatch(/^LocalMode: true$/m);
    });
});

describe("Tracing: xray-service", () => {
    it("is headless, selects the daemon and serves both protocols on 2000", () => {
        const service = k8sObject(dev, TYPES.service, "xray-service");
        expect(service.parent).toBe("xray");
        expect(metadata(service).namespace).toBe("kube-system");
        const spec = serviceSpec(service);
        expect(spec.clusterIP).toBe("None");
        expect(spec.selector).toEqual({ app: "xray-daemon" });
        expect(spec.ports?.map((port) => [port.port, port.targetPort, port.protocol])).toEqual([
            [2000, 2000, "UDP"],
            [2000, 2000, "TCP"],
        ]);
    });
});

describe("Tracing: the IRSA role", () => {
    it("has only the AWSXRayDaemonWriteAccess managed policy", () => {
        const children = childrenOf(dev, "xray-irsa");
        expect(children.filter((child) => child.type === TYPES.rolePolicy)).toEqual([]);
        const attachments = children.filter((child) => child.type === TYPES.rolePolicyAttachment);
        expect(attachments.map((attachment) => attachment.inputs.policyArn)).toEqual(["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]);
        expect(attachments[0].inputs.role).toBe("(known after deploy: xray-irsa.name)");
    });

    it("is the service account's role", () => {
        const account = k8sObject(dev, TYPES.serviceAccount, "xray-daemon");
        expect(metadata(account).annotations).toEqual({ "eks.amazonaws.com/role-arn": "(known after deploy: xray-irsa.arn)" });
        expect(metadata(account).namespace).toBe("kube-system");
    });
});
