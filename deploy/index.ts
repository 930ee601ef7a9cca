/**
 * The Pulumi Deployments program: `cd deploy && pulumi up` declares the Deployments settings and
 * drift schedules of the eks-canary `dev` and `prod` stacks. Its config is in the `deploy`
 * namespace (see Pulumi.yaml and Pulumi.example.yaml).
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../stacks/checks";
import { parseEksStackConfig } from "../stacks/config";
import { readStackFile } from "../tools/stackfile";
import { declareDeployments, DeploySettingsError, PROGRAM_STACKS, ProgramDeployer, ProgramStack, readSettings, RawSettings } from "./settings";

/** Each program stack's deployer, from its own Pulumi.<stack>.yaml (checked by the program's parser). */
function programDeployers(): Record<ProgramStack, ProgramDeployer> {
    const entries = PROGRAM_STACKS.map((stack) => {
        try {
            return [stack, parseEksStackConfig(readStackFile(stack).config, stack).deployer] as const;
        } catch (error) {
            throw error instanceof ConfigError ? new pulumi.RunError(`Pulumi.${stack}.yaml: ${error.message}`) : error;
        }
    });
    return Object.fromEntries(entries) as unknown as Record<ProgramStack, ProgramDeployer>;
}

function loadSettings(): ReturnType<typeof readSettings> {
    const config = new pulumi.Config("deploy");
    const raw: RawSettings = {
        organization: config.get("organization"),
        repository: config.get("repository"),
        branch: config.get("branch"),
        repoDir: config.get("repoDir"),
        driftSchedule: config.get("driftSchedule"),
        stacks: config.getObject<unknown>("stacks"),
    };
    try {
        return readSettings(raw, programDeployers());
    } catch (error) {
        throw error instanceof DeploySettingsError ? new pulumi.RunError(error.message) : error;
    }
}

const deployments = declareDeployments(loadSettings());

/** `<organization>/eks-canary/<stack>` of every stack with settings. */
export const stacks = Object.fromEntries(
    Object.entries(deployments.settings).map(([stack, settings]) => [stack, pulumi.interpolate`${settings.organization}/${settings.project}/${settings.stack}`]),
);
export const driftSchedules = Object.fromEntries(Object.entries(deployments.drift).map(([stack, drift]) => [stack, drift.scheduleCron]));
