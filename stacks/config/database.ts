/** `eks-canary:database`: the RDS instance. Defaults are the safe choice (multi-AZ, protected, a final snapshot). */
import { Checker, childKey, Json } from "../checks";
import { DB_INSTANCE_CLASS } from "./patterns";
import { DatabaseConfig } from "./types";

/** The keys of the RDS instance's section. */
export const RDS_KEYS = ["instanceClass", "allocatedStorageGiB", "maxAllocatedStorageGiB", "multiAz", "backupRetentionDays", "deletionProtection", "finalSnapshot"] as const;

export function parseDatabase(check: Checker, key: string, value: Json | undefined): DatabaseConfig {
    const raw = check.object(key, value, RDS_KEYS) ?? {};
    const allocatedStorageGiB = check.integer(childKey(key, "allocatedStorageGiB"), raw.allocatedStorageGiB, { min: 20, max: 16384 }) ?? 20;
    const maxAllocatedStorageGiB =
        check.integer(childKey(key, "maxAllocatedStorageGiB"), raw.maxAllocatedStorageGiB, { min: 20, max: 16384 }) ?? Math.max(100, allocatedStorageGiB);
    if (maxAllocatedStorageGiB < allocatedStorageGiB) {
        check.report(
            childKey(key, "maxAllocatedStorageGiB"),
            `${maxAllocatedStorageGiB} is below allocatedStorageGiB ${allocatedStorageGiB}; allowed: at least allocatedStorageGiB`,
        );
    }
    return {
        instanceClass:
            check.string(childKey(key, "instanceClass"), raw.instanceClass, { pattern: DB_INSTANCE_CLASS, expected: "an RDS instance class such as db.t4g.micro" }) ??
            "db.t4g.micro",
        allocatedStorageGiB,
        maxAllocatedStorageGiB,
        multiAz: check.boolean(childKey(key, "multiAz"), raw.multiAz) ?? true,
        backupRetentionDays: check.integer(childKey(key, "backupRetentionDays"), raw.backupRetentionDays, { min: 1, max: 35 }) ?? 7,
        deletionProtection: check.boolean(childKey(key, "deletionProtection"), raw.deletionProtection) ?? true,
        finalSnapshot: check.boolean(childKey(key, "finalSnapshot"), raw.finalSnapshot) ?? true,
    };
}
