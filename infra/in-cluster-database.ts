/**
 * MySQL inside the cluster, for a stack on an existing cluster (`cluster.kind: existing`): a
 * StatefulSet of one pod with its own volume, behind the Service `mysql` and with the Secret
 * `mysql-db-password`, the names the user-management app reads on EKS too (where they are an
 * ExternalName to RDS and the same Secret). The password is generated and kept as a Pulumi secret.
 *
 * The data is on the volume claimed by the StatefulSet, which Kubernetes keeps when the
 * StatefulSet is deleted or scaled down (the retention policy says so explicitly), but not when
 * its namespace is: destroying the stack deletes the app namespace, the claim with it, and (on
 * kind's local-path volumes) the data. The passwords and the StatefulSet are protected like the
 * RDS instance, so no `pulumi up` or destroy removes them without `pulumi state unprotect` first.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DATABASE_NAME, DATABASE_USER, MYSQL_PORT, PASSWORD_ARGS, PASSWORD_SECRET_KEY, PASSWORD_SECRET_NAME } from "./database";
import { PART_OF } from "./k8s";
import { DATABASE_SERVICE_NAME } from "./names";
import { IMAGES } from "./versions";

/** The Secret's key of MySQL's root password (the app never reads it). */
export const ROOT_PASSWORD_KEY = "root-password";
/** A mesh must leave the database alone, as it leaves RDS on EKS: the pod is never injected. */
const NOT_MESHED = { "linkerd.io/inject": "disabled" };

export interface InClusterDatabaseArgs {
    namespace: pulumi.Input<string>;
    /** The volume's size (kind's local-path provisioner does not enforce it). */
    storageGiB: number;
    k8sProvider: k8s.Provider;
}

export class InClusterDatabase extends pulumi.ComponentResource {
    /** `host:port` inside the cluster. */
    public readonly endpoint: pulumi.Output<string>;
    /** The in-cluster host name of the database. */
    public readonly serviceName: pulumi.Output<string>;
    public readonly passwordSecretName: pulumi.Output<string>;

    constructor(name: string, args: InClusterDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:database:InClusterDatabase", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.k8sProvider };
        const generate = (suffix: string): random.RandomPassword =>
            new random.RandomPassword(
                `${name}-${suffix}`,
                PASSWORD_ARGS,
                // A new password would lock the app out of the data on the volume.
                { parent: this, protect: true },
            );
        const password = generate("password");
        const rootPassword = generate("root-password");
        const secret = new k8s.core.v1.Secret(
            `${name}-password`,
            {
                metadata: { name: PASSWORD_SECRET_NAME, namespace: args.namespace, labels: PART_OF },
                type: "Opaque",
                stringData: { [PASSWORD_SECRET_KEY]: password.result, [ROOT_PASSWORD_KEY]: rootPassword.result },
            },
            k8sOpts,
        );
        const labels = { app: DATABASE_SERVICE_NAME, ...PART_OF };
        const selector = { app: DATABASE_SERVICE_NAME };
        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: DATABASE_SERVICE_NAME, namespace: args.namespace, labels },
                spec: { type: "ClusterIP", selector, ports: [{ name: "mysql", port: MYSQL_PORT, targetPort: "mysql", protocol: "TCP" }] },
            },
            k8sOpts,
        );
        const fromSecret = (key: string): k8s.types.input.core.v1.EnvVarSource => ({ secretKeyRef: { name: secret.metadata.name, key } });
        // A TCP ping answers only once the real server listens (the image's first start runs a
        // temporary server without networking); an access-denied answer still means it is up.
        const ping = { exec: { command: ["mysqladmin", "ping", "--protocol=TCP", "-h", "127.0.0.1", `-P${MYSQL_PORT}`, "--silent"] } };
        new k8s.apps.v1.StatefulSet(
            `${name}-statefulset`,
            {
                metadata: { name: DATABASE_SERVICE_NAME, namespace: args.namespace, labels },
                spec: {
                    serviceName: DATABASE_SERVICE_NAME,
                    replicas: 1,
                    selector: { matchLabels: selector },
                    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                    template: {
                        metadata: { labels, annotations: NOT_MESHED },
                        spec: {
                            // The image starts as root and drops to its mysql user (uid 999), which owns the volume.
                            securityContext: { fsGroup: 999 },
                            containers: [
                                {
                                    name: "mysql",
                                    image: IMAGES.mysql,
                                    ports: [{ name: "mysql", containerPort: MYSQL_PORT, protocol: "TCP" }],
                                    env: [
                                        { name: "MYSQL_DATABASE", value: DATABASE_NAME },
                                        { name: "MYSQL_USER", value: DATABASE_USER },
                                        { name: "MYSQL_PASSWORD", valueFrom: fromSecret(PASSWORD_SECRET_KEY) },
                                        { name: "MYSQL_ROOT_PASSWORD", valueFrom: fromSecret(ROOT_PASSWORD_KEY) },
                                    ],
                                    readinessProbe: { ...ping, initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3 },
                                    livenessProbe: { ...ping, initialDelaySeconds: 60, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 5 },
                                    resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                                    volumeMounts: [{ name: "data", mountPath: "/var/lib/mysql" }],
                                },
                            ],
                        },
                    },
                    volumeClaimTemplates: [
                        { metadata: { name: "data", labels }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${args.storageGiB}Gi` } } } },
                    ],
                },
            },
            // The data outlives any one `pulumi up`, as on RDS.
            { ...k8sOpts, protect: true },
        );
        this.serviceName = service.metadata.name;
        this.passwordSecretName = secret.metadata.name;
        this.endpoint = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${MYSQL_PORT}`;
        this.registerOutputs({ endpoint: this.endpoint, serviceName: this.serviceName, passwordSecretName: this.passwordSecretName });
    }
}
