/**
 * The eks-canary policy pack: `pulumi preview --policy-pack policy`. Loading this module starts
 * the analyzer's gRPC server, so nothing but the Pulumi CLI imports it; the rules live in
 * `rules/`, which the tests import.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("eks-canary", { policies });
