/**
 * The Pulumi program: read and validate the stack's config, declare the stack, export outputs.
 * Bad config stops here, before any resource is declared, with every problem listed.
 */
import * as pulumi from "@pulumi/pulumi";
import { newerSource } from "./build";
import { ConfigError } from "./checks";
import { parseStackConfig, StackConfig } from "./config";
import { undeployableReason } from "./deployable";
import { declareStack } from "./program";

function loadConfig(): StackConfig {
    let config: StackConfig;
    try {
        config = parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack());
    } catch (error) {
        // A RunError prints its message without a stack trace: the config is wrong, not the program.
        throw error instanceof ConfigError ? new pulumi.RunError(error.message) : error;
    }
    const undeployable = undeployableReason(config, pulumi.runtime.isDryRun());
    if (undeployable !== undefined) {
        throw new pulumi.RunError(undeployable);
    }
    return config;
}

const staleBecause = newerSource(__filename);
if (staleBecause !== undefined) {
    throw new pulumi.RunError(`the compiled program in bin/ is older than ${staleBecause}: run \`npm run build\` (npm ci does it too), then try again`);
}

const outputs = declareStack(loadConfig());

export const url = outputs.url;
export const clusterKind = outputs.clusterKind;
export const clusterName = outputs.clusterName;
export const kubeContext = outputs.kubeContext;
export const kubeconfig = outputs.kubeconfig;
export const databaseEndpoint = outputs.databaseEndpoint;
export const namespace = outputs.namespace;
export const router = outputs.router;
export const canary = outputs.canary;
export const dashboards = outputs.dashboards;
