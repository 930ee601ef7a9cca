/** EKS: the cluster (component and resource), its KMS keys and its nodes. */
import { publicAccessCidrProblem } from "../../stacks/networks";
import { asArray, asNumber, asRecord, asStringList, at, isFalse, isSet, isTrue, Props, show } from "./values";

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

function endpointViolations(privateAccess: unknown, publicAccess: unknown, publicAccessCidrs: unknown): string[] {
    const found: string[] = [];
    if (!isTrue(privateAccess)) {
        found.push(`the API endpoint must be reachable privately from the VPC: endpointPrivateAccess is ${show(privateAccess)}, must be true`);
    }
    // EKS opens the public endpoint unless told not to.
    if (!isFalse(publicAccess)) {
        const cidrs = asStringList(publicAccessCidrs);
        if (cidrs.length === 0) {
            found.push("the public API endpoint is open to the internet: set publicAccessCidrs to your deployers' ranges, or endpointPublicAccess false");
        }
        // The same rule as stack config: each a public block of at most a /16.
        for (const cidr of cidrs) {
            const problem = publicAccessCidrProblem(cidr.trim());
            if (problem !== undefined) {
                found.push(`publicAccessCidrs: ${problem}`);
            }
        }
    }
    return found;
}

function logTypeViolations(logTypes: unknown): string[] {
    const enabled = asStringList(logTypes);
    const missing = CONTROL_PLANE_LOG_TYPES.filter((type) => !enabled.includes(type));
    return missing.length === 0 ? [] : [`control plane log types missing: ${missing.join(", ")}; all of ${CONTROL_PLANE_LOG_TYPES.join(", ")} must be enabled`];
}

/** eks.Cluster: private endpoint; public endpoint only for explicit CIDRs, never 0.0.0.0/0. */
export function eksEndpointViolations(props: Props): string[] {
    return endpointViolations(props.endpointPrivateAccess, props.endpointPublicAccess, props.publicAccessCidrs);
}

/** eks.Cluster: Kubernetes Secrets envelope-encrypted with a customer KMS key. */
export function eksSecretsEncryptionViolations(props: Props): string[] {
    return isSet(props.encryptionConfigKeyArn) ? [] : ["Kubernetes Secrets are not envelope-encrypted: set encryptionConfigKeyArn to a customer managed KMS key"];
}

/** eks.Cluster: all five control plane log types. */
export function eksControlPlaneLogViolations(props: Props): string[] {
    return logTypeViolations(props.enabledClusterLogTypes);
}

/** eks.Cluster: access entries (API) only, no aws-auth ConfigMap. */
export function eksAuthenticationViolations(props: Props): string[] {
    return props.authenticationMode === "API" ? [] : [`authenticationMode is ${show(props.authenticationMode)}; must be "API" (access entries only, no aws-auth ConfigMap)`];
}

/**
 * aws.eks.Cluster, the cluster resource itself (under `pulumi preview` the eks.Cluster component
 * registers it): the same guarantees as the component's inputs, plus no implicit admin access
 * entry for the identity that creates the cluster.
 */
export function awsEksClusterViolations(props: Props): string[] {
    const vpcConfig = asRecord(props.vpcConfig);
    const found = endpointViolations(vpcConfig.endpointPrivateAccess, vpcConfig.endpointPublicAccess, vpcConfig.publicAccessCidrs);
    const encryption = asRecord(props.encryptionConfig);
    if (!isSet(at(encryption, "provider", "keyArn")) || !asStringList(encryption.resources).includes("secrets")) {
        found.push("Kubernetes Secrets are not envelope-encrypted: encryptionConfig needs provider.keyArn and resources [secrets]");
    }
    found.push(...logTypeViolations(props.enabledClusterLogTypes));
    const access = asRecord(props.accessConfig);
    if (access.authenticationMode !== "API") {
        found.push(`accessConfig.authenticationMode is ${show(access.authenticationMode)}; must be "API"`);
    }
    if (!isFalse(access.bootstrapClusterCreatorAdminPermissions)) {
        found.push("the cluster creator gets an implicit admin access entry: accessConfig.bootstrapClusterCreatorAdminPermissions must be false");
    }
    return found;
}

/** aws.kms.Key: yearly automatic rotation. */
export function kmsKeyRotationViolations(props: Props): string[] {
    return isTrue(props.enableKeyRotation) ? [] : [`enableKeyRotation is ${show(props.enableKeyRotation)}; customer managed keys must rotate (true)`];
}

/** Node launch templates: IMDSv2 only, and a hop limit of 1 so that pods cannot reach the node's credentials. */
export function nodeMetadataViolations(props: Props): string[] {
    const options = asRecord(props.metadataOptions);
    const found: string[] = [];
    if (options.httpTokens !== "required") {
        found.push(`metadataOptions.httpTokens is ${show(options.httpTokens)}; must be "required" (IMDSv2 only)`);
    }
    if (asNumber(options.httpPutResponseHopLimit) !== 1) {
        found.push(`metadataOptions.httpPutResponseHopLimit is ${show(options.httpPutResponseHopLimit)}; must be 1 so that pods cannot read the node role's credentials`);
    }
    return found;
}

/** Node launch templates: every EBS volume encrypted (and the root volume declared, so it is one of them). */
export function nodeVolumeEncryptionViolations(props: Props): string[] {
    const mappings = asArray(props.blockDeviceMappings);
    if (mappings.length === 0) {
        return ["no blockDeviceMappings: declare the root volume with ebs.encrypted true"];
    }
    return mappings
        .map((mapping) => asRecord(mapping))
        .filter((mapping) => !isTrue(at(mapping, "ebs", "encrypted")))
        .map((mapping) => `the volume ${show(mapping.deviceName)} is not encrypted: set ebs.encrypted "true"`);
}

/** Managed node groups: no SSH access. */
export function nodeGroupRemoteAccessViolations(props: Props): string[] {
    return isSet(props.remoteAccess) ? ["remoteAccess opens SSH to the nodes; remove it (use SSM Session Manager if a shell is ever needed)"] : [];
}
