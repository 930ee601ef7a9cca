import { beforeAll, describe, expect, it } from "vitest";
import { SECRET } from "../../tools/offline";
import { byName, childrenOf, k8sObject, metadata, OfflinePlan, planStack, resourcesOfType, serviceSpec, TYPES } from "../helpers";

let dev: OfflinePlan;
let prod: OfflinePlan;

beforeAll(async () => {
    dev = await planStack("dev");
    prod = await planStack("prod");
});

function instanceOf(plan: OfflinePlan): Record<string, unknown> {
    const instances = resourcesOfType(plan, TYPES.rdsInstance);
    expect(instances).toHaveLength(1);
    expect(instances[0].name).toBe("database-mysql");
    expect(instances[0].parent).toBe("database");
    return instances[0].inputs;
}

describe("Database: the RDS MySQL instance", () => {
    it.each(["dev", "prod"])("%s: MySQL 8.4 with the app's database and user, and a secret password", (stack) => {
        const inputs = instanceOf(stack === "dev" ? dev : prod);
        expect(inputs.engine).toBe("mysql");
        expect(inputs.engineVersion).toBe("8.4");
        expect(inputs.dbName).toBe("usermgmt");
        expect(inputs.username).toBe("dbadmin");
        expect(inputs.password).toBe(SECRET);
        expect(inputs.port).toBe(3306);
        expect(inputs.identifier).toBe(`eks-canary-${stack}-usermgmt`);
    });

    it.each(["dev", "prod"])("%s: encrypted, private, backed up", (stack) => {
        const inputs = instanceOf(stack === "dev" ? dev : prod);
        expect(inputs.storageEncrypted).toBe(true);
        expect(inputs.publiclyAccessible).toBe(false);
        expect(inputs.backupRetentionPeriod).toBe(stack === "dev" ? 7 : 14);
        expect(inputs.copyTagsToSnapshot).toBe(true);
        expect(inputs.dbSubnetGroupName).toBe("(known after deploy: database-subnets.name)");
        expect(inputs.vpcSecurityGroupIds).toEqual(["(known after deploy: database-sg.id)"]);
    });

    it("dev: single-AZ, deletable, no final snapshot", () => {
        const inputs = instanceOf(dev);
        expect(inputs.multiAz).toBe(false);
        expect(inputs.deletionProtection).toBe(false);
        expect(inputs.skipFinalSnapshot).toBe(true);
        expect(inputs).not.toHaveProperty("finalSnapshotIdentifier");
        expect(inputs.instanceClass).toBe("db.t4g.micro");
        expect(inputs.allocatedStorage).toBe(20);
        expect(inputs.maxAllocatedStorage).toBe(100);
    });

    it("prod: multi-AZ, deletion protection, a named final snapshot", () => {
        const inputs = instanceOf(prod);
        expect(inputs.multiAz).toBe(true);
        expect(inputs.deletionProtection).toBe(true);
        expect(inputs.skipFinalSnapshot).toBe(false);
        // A suffix made once per stack: a stack recreated after a destroy takes a new final snapshot name.
        expect(inputs.finalSnapshotIdentifier).toBe("eks-canary-prod-usermgmt-final-(known after deploy: database-final-snapshot.hex)");
        expect(byName(prod, "database-final-snapshot").inputs).toEqual({ byteLength: 4 });
        expect(inputs.instanceClass).toBe("db.t4g.medium");
        expect(inputs.allocatedStorage).toBe(50);
        expect(inputs.maxAllocatedStorage).toBe(200);
    });

    it.each(["dev", "prod"])("%s: the instance and its storage key, and nothing else, are protected", (stack) => {
        const plan = stack === "dev" ? dev : prod;
        expect(byName(plan, "database-mysql").protect).toBe(true);
        expect(byName(plan, "database-storage", "aws:kms/key:Key").protect).toBe(true);
        // The final snapshot outlives the stack, so its key does too.
        expect(byName(plan, "database-storage", "aws:kms/key:Key").retainOnDelete).toBe(true);
        expect(plan.resources.filter((resource) => resource.retainOnDelete && resource.parent === "database").map((resource) => resource.name)).toEqual(["database-storage"]);
        expect(
            plan.resources
                .filter((resource) => resource.protect)
                .map((resource) => `${resource.type} ${resource.name}`)
                .sort(),
        ).toEqual(["aws:kms/key:Key database-storage", "aws:rds/instance:Instance database-mysql"]);
    });

    it("the generated password is long and avoids characters RDS or JDBC reject", () => {
        const inputs = byName(dev, "database-password", "random:index/randomPassword:RandomPassword").inputs;
        expect(inputs.length).toBe(32);
        expect(inputs.special).toBe(true);
        expect(String(inputs.overrideSpecial)).not.toMatch(/[/@"' \\]/);
    });
});

describe("Database: network access", () => {
    it("admits MySQL from the nodes' security group only", () => {
        const rules = resourcesOfType(dev, TYPES.ingressRule).filter((rule) => rule.parent === "database");
        expect(rules).toHaveLength(1);
        const [rule] = rules;
        expect(rule.parent).toBe("database");
        expect(rule.inputs).toMatchObject({
            securityGroupId: "(known after deploy: database-sg.id)",
            ipProtocol: "tcp",
            fromPort: 3306,
            toPort: 3306,
            referencedSecurityGroupId: "(known after deploy: cluster-eks.nodeSecurityGroupId)",
        });
        expect(rule.inputs).not.toHaveProperty("cidrIpv4");
        expect(rule.inputs).not.toHaveProperty("cidrIpv6");
        expect(rule.inputs).not.toHaveProperty("prefixListId");
    });

    it("its security group has no inline rules, in the cluster's VPC", () => {
        const group = byName(dev, "database-sg").inputs;
        expect(group.vpcId).toBe("(known after deploy: network-vpc.vpcId)");
        expect(group).not.toHaveProperty("ingress");
    });
});

describe("Database: what the cluster sees", () => {
    it("the password Secret holds the password as a secret", () => {
        const secret = k8sObject(dev, TYPES.secret, "mysql-db-password");
        expect(secret.parent).toBe("database");
        expect(metadata(secret).namespace).toBe("eks-canary");
        expect(secret.inputs.type).toBe("Opaque");
        // The whole stringData is secret because its one key, db-password, is.
        expect(secret.inputs.stringData).toBe(SECRET);
    });

    it("the Secret's key is the one the app reads", () => {
        const usermgmt = byName(dev, "usermgmt-deployment");
        expect(JSON.stringify(usermgmt.inputs)).toContain('"secretKeyRef":{"key":"db-password","name":"mysql-db-password"}');
    });

    it("the ExternalName Service mysql points at the instance address", () => {
        const service = k8sObject(dev, TYPES.service, "mysql");
        expect(service.parent).toBe("database");
        expect(metadata(service).namespace).toBe("eks-canary");
        expect(serviceSpec(service)).toEqual({ type: "ExternalName", externalName: "(known after deploy: database-mysql.address)" });
    });

    it("the component holds exactly its password, subnets, security group, rule, instance, Secret and Service", () => {
        expect(
            childrenOf(dev, "database")
                .map((child) => `${child.type} ${child.name}`)
                .sort(),
        ).toEqual(
            [
                "random:index/randomPassword:RandomPassword database-password",
                "aws:rds/subnetGroup:SubnetGroup database-subnets",
                `${TYPES.securityGroup} database-sg`,
                `${TYPES.ingressRule} database-from-nodes`,
                `${TYPES.rdsInstance} database-mysql`,
                `${TYPES.secret} database-password`,
                `${TYPES.service} database-service`,
                "aws:kms/key:Key database-storage",
                "aws:kms/alias:Alias database-storage",
                "random:index/randomId:RandomId database-final-snapshot",
            ].sort(),
        );
    });

    it("the stack exports the instance endpoint", () => {
        expect(dev.outputs.databaseEndpoint).toBe("(known after deploy: database-mysql.endpoint)");
    });
});

describe("Database: encryption and sign-in", () => {
    it.each([
        ["dev", () => dev],
        ["prod", () => prod],
    ])("%s: storage and snapshots are encrypted with a customer KMS key that rotates, and IAM sign-in is on", (_stack, plan) => {
        const key = byName(plan(), "database-storage", "aws:kms/key:Key");
        expect(key.parent).toBe("database");
        expect(key.inputs.enableKeyRotation).toBe(true);
        const instance = byName(plan(), "database-mysql").inputs;
        expect(instance.storageEncrypted).toBe(true);
        expect(instance.kmsKeyId).toBe("(known after deploy: database-storage.arn)");
        expect(instance.iamDatabaseAuthenticationEnabled).toBe(true);
        expect(instance.autoMinorVersionUpgrade).toBe(true);
    });
});
