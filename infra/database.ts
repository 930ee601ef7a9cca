import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { serviceKey } from "./kms";
import { DATABASE_SERVICE_NAME } from "./names";

export const MYSQL_ENGINE_VERSION = "8.4";
export const MYSQL_PORT = 3306;
/** The names the user-management service expects (its DB_* environment). */
export const DATABASE_NAME = "usermgmt";
export const DATABASE_USER = "dbadmin";
/** The Secret the app reads its database password from (the ExternalName Service: ./names). */
export const PASSWORD_SECRET_NAME = "mysql-db-password";
export const PASSWORD_SECRET_KEY = "db-password";

/**
 * Characters RDS accepts in a MySQL master password: printable ASCII except `/`, `@`, `"` and
 * space; also no `'` or `\`, which break shell and JDBC quoting.
 */
export const PASSWORD_SPECIALS = "!#$%^&*()-_=+[]{}<>:?";

/** How every database password of the stack is generated: 32 characters of each class, from PASSWORD_SPECIALS. */
export const PASSWORD_ARGS: random.RandomPasswordArgs = { length: 32, special: true, overrideSpecial: PASSWORD_SPECIALS, minLower: 1, minUpper: 1, minNumeric: 1, minSpecial: 1 };

export interface DatabaseArgs {
    /** RDS instance identifier; fixed, so that a rename is never a silent replacement. */
    identifier: string;
    region: string;
    /** Who administers the storage key (and may use it only through RDS): the cluster admins. */
    keyAdminArns: readonly string[];
    vpcId: pulumi.Input<string>;
    /** Subnets of the instance: the isolated ones, with no route to the internet. */
    subnetIds: pulumi.Input<string[]>;
    /** The only security group allowed to connect (the cluster's nodes). */
    clientSecurityGroupId: pulumi.Input<string>;
    instanceClass: string;
    allocatedStorageGiB: number;
    maxAllocatedStorageGiB: number;
    multiAz: boolean;
    backupRetentionDays: number;
    deletionProtection: boolean;
    /** Take a final snapshot named `<identifier>-final` when the instance is deleted. */
    finalSnapshot: boolean;
    /** Namespace of the app, where the Secret and the ExternalName Service go. */
    namespace: pulumi.Input<string>;
    k8sProvider: k8s.Provider;
    tags?: Record<string, string>;
}

/**
 * RDS MySQL for the user-management service, reachable only from the cluster's nodes, with a
 * generated password kept as a Pulumi secret; in the cluster, the `mysql` ExternalName Service and
 * the `mysql-db-password` Secret the app reads. The instance is protected: Pulumi refuses to
 * delete or replace it until it is explicitly unprotected.
 */
export class Database extends pulumi.ComponentResource {
    public readonly address: pulumi.Output<string>;
    /** `address:port`. */
    public readonly endpoint: pulumi.Output<string>;
    /** The in-cluster host name of the database. */
    public readonly serviceName: pulumi.Output<string>;
    public readonly passwordSecretName: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:database:Database", name, {}, opts);

        const password = new random.RandomPassword(`${name}-password`, PASSWORD_ARGS, { parent: this });

        const storageKey = serviceKey(
            `${name}-storage`,
            `${args.identifier}-storage`,
            {
                description: `Storage and snapshots of RDS instance ${args.identifier}`,
                region: args.region,
                service: "rds",
                adminArns: args.keyAdminArns,
                ...(args.tags === undefined ? {} : { tags: args.tags }),
            },
            // Without its key the data and every snapshot are unreadable: protected like the instance,
            // and kept in AWS when the stack is destroyed, so the final snapshot stays readable.
            { parent: this, protect: true, retainOnDelete: true },
        );

        // A stack recreated after a destroy must not collide with the previous final snapshot.
        const snapshotSuffix = new random.RandomId(`${name}-final-snapshot`, { byteLength: 4 }, { parent: this });

        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-subnets`,
            { description: `Isolated subnets of ${args.identifier}`, subnetIds: args.subnetIds, tags: args.tags },
            { parent: this },
        );

        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { description: `MySQL ${args.identifier}: cluster nodes only`, vpcId: args.vpcId, tags: args.tags },
            { parent: this },
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-from-nodes`,
            {
                securityGroupId: securityGroup.id,
                description: "MySQL from the EKS nodes",
                ipProtocol: "tcp",
                fromPort: MYSQL_PORT,
                toPort: MYSQL_PORT,
                referencedSecurityGroupId: args.clientSecurityGroupId,
            },
            { parent: this },
        );

        const instance = new aws.rds.Instance(
            `${name}-mysql`,
            {
                identifier: args.identifier,
                engine: "mysql",
                // A major version only: RDS applies minor versions itself, and Pulumi reads the
                // running one from engineVersionActual instead of planning a downgrade.
                engineVersion: MYSQL_ENGINE_VERSION,
                autoMinorVersionUpgrade: true,
                instanceClass: args.instanceClass,
                allocatedStorage: args.allocatedStorageGiB,
                maxAllocatedStorage: args.maxAllocatedStorageGiB,
                storageType: "gp3",
                storageEncrypted: true,
                kmsKeyId: storageKey.arn,
                // Apps may also sign in with IAM instead of the password.
                iamDatabaseAuthenticationEnabled: true,
                dbName: DATABASE_NAME,
                username: DATABASE_USER,
                password: password.result,
                port: MYSQL_PORT,
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: [securityGroup.id],
                publiclyAccessible: false,
                multiAz: args.multiAz,
                backupRetentionPeriod: args.backupRetentionDays,
                copyTagsToSnapshot: true,
                deletionProtection: args.deletionProtection,
                skipFinalSnapshot: !args.finalSnapshot,
                ...(args.finalSnapshot ? { finalSnapshotIdentifier: pulumi.interpolate`${args.identifier}-final-${snapshotSuffix.hex}` } : {}),
                tags: args.tags,
            },
            // The data outlives any one `pulumi up`: no update, rename or destroy removes it
            // without `pulumi state unprotect` first.
            { parent: this, protect: true },
        );

        const passwordSecret = new k8s.core.v1.Secret(
            `${name}-password`,
            {
                metadata: { name: PASSWORD_SECRET_NAME, namespace: args.namespace },
                type: "Opaque",
                stringData: { [PASSWORD_SECRET_KEY]: password.result },
            },
            { parent: this, provider: args.k8sProvider },
        );

        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: DATABASE_SERVICE_NAME, namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "eks-canary" } },
                spec: { type: "ExternalName", externalName: instance.address },
            },
            { parent: this, provider: args.k8sProvider },
        );

        this.address = instance.address;
        this.endpoint = instance.endpoint;
        this.serviceName = service.metadata.name;
        this.passwordSecretName = passwordSecret.metadata.name;
        this.registerOutputs({ address: this.address, endpoint: this.endpoint, serviceName: this.serviceName, passwordSecretName: this.passwordSecretName });
    }
}
