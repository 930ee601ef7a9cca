/** RDS instances: encryption, access, backups, upgrades, protection, and prod's extra guarantees. */
import { asNumber, isFalse, isSet, isTrue, Props, show, tagsOf } from "./values";

export function rdsEncryptionViolations(props: Props): string[] {
    const found: string[] = [];
    if (!isTrue(props.storageEncrypted)) {
        found.push(`storageEncrypted is ${show(props.storageEncrypted)}; must be true`);
    }
    if (!isSet(props.kmsKeyId)) {
        found.push("kmsKeyId is unset: encrypt the storage with a customer managed KMS key");
    }
    return found;
}

export function rdsPublicAccessViolations(props: Props): string[] {
    return isFalse(props.publiclyAccessible) ? [] : [`publiclyAccessible is ${show(props.publiclyAccessible)}; must be false (explicitly)`];
}

export const MIN_BACKUP_RETENTION_DAYS = 7;

export function rdsBackupViolations(props: Props): string[] {
    const days = asNumber(props.backupRetentionPeriod);
    return days !== undefined && days >= MIN_BACKUP_RETENTION_DAYS
        ? []
        : [`backupRetentionPeriod is ${show(props.backupRetentionPeriod)}; must be set explicitly to ${MIN_BACKUP_RETENTION_DAYS} days or more`];
}

export function rdsIamAuthenticationViolations(props: Props): string[] {
    return isTrue(props.iamDatabaseAuthenticationEnabled) ? [] : [`iamDatabaseAuthenticationEnabled is ${show(props.iamDatabaseAuthenticationEnabled)}; must be true`];
}

export function rdsMinorVersionUpgradeViolations(props: Props): string[] {
    return isTrue(props.autoMinorVersionUpgrade) ? [] : [`autoMinorVersionUpgrade is ${show(props.autoMinorVersionUpgrade)}; must be true (explicitly)`];
}

/** The instance is `protect`ed: no update or destroy removes it without `pulumi state unprotect`. */
export function rdsProtectViolations(protect: boolean): string[] {
    return protect ? [] : ["the instance is not protected: declare it with the resource option protect: true"];
}

/** Production instances (tag stack=prod): multi-AZ, deletion protection, a named final snapshot. */
export function rdsProductionViolations(props: Props): string[] {
    if (tagsOf(props).stack !== "prod") {
        return [];
    }
    const found: string[] = [];
    if (!isTrue(props.multiAz)) {
        found.push(`multiAz is ${show(props.multiAz)}; a prod database must be multi-AZ`);
    }
    if (!isTrue(props.deletionProtection)) {
        found.push(`deletionProtection is ${show(props.deletionProtection)}; must be true in prod`);
    }
    if (!isFalse(props.skipFinalSnapshot)) {
        found.push(`skipFinalSnapshot is ${show(props.skipFinalSnapshot)}; must be false in prod`);
    }
    if (!isSet(props.finalSnapshotIdentifier)) {
        found.push("finalSnapshotIdentifier is unset; a prod database needs a final snapshot name");
    }
    return found;
}
