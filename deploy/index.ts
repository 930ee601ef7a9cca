/**
 * The Pulumi Deployments program: `cd deploy && pulumi up` declares the Deployments settings and
 * drift schedules of the eks-canary `dev` and `prod` stacks. Its config is in the `deploy`
 * namespace (see Pulumi.yaml and Pulumi.example.yaml).
 */
import * as pulumi from "@pulumi/pulumi";
import { declareDeployments, DeploySettingsError, readSettings, RawSettings } from "./settings";

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
        return readSettings(raw);
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
