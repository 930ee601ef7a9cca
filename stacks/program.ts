/**
 * The composition: which cluster target declares the stack (`cluster.kind`), each in
 * ./targets/, around the apps they share (./apps.ts). It takes a validated StackConfig and reads
 * nothing else.
 */
import type { StackConfig } from "./config";
import { StackOutputs } from "./outputs";
import { declareEksStack } from "./targets/eks";
import { declareExistingStack } from "./targets/existing";
import { USERMGMT } from "../infra/names";

export { USERMGMT };
export type { StackOutputs };

export function declareStack(config: StackConfig): StackOutputs {
    return config.target === "eks" ? declareEksStack(config) : declareExistingStack(config);
}
