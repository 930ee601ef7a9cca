/**
 * Hostile config: random and malformed values at every config key and every nested key of the dev
 * stack's config. Each case must parse, or end in a ConfigError whose every issue names the
 * mutated key (itself, a parent or a child, or a key whose check depends on it) — never another
 * error, a stack trace, or a declared resource.
 */
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../stacks/checks";
import { parseStackConfig, PROJECT } from "../../../stacks/config";
import { planOffline } from "../../../tools/offline";
import { SEED, STACK, BASE, hostileString, Mutation, NESTED, TOP_KEYS, topLevelMutation, nestedMutation, deepMutation, addedMutation, parsesOrNamesTheKey } from "./fuzz-support";

describe("hostile config", () => {
    it("the dev stack's own config parses", () => {
        expect(() => parseStackConfig(BASE, STACK)).not.toThrow();
        expect(NESTED.length).toBeGreaterThan(20);
    });

    it.each(TOP_KEYS)("%s: any value parses or is a config error naming the key", (topKey) => {
        fc.assert(
            fc.property(topLevelMutation(topKey), (mutation) => parsesOrNamesTheKey(mutation)),
            { seed: SEED, numRuns: 150 },
        );
    });

    it("every nested key: any value, or none, parses or is a config error naming the key", () => {
        fc.assert(
            fc.property(nestedMutation, (mutation) => parsesOrNamesTheKey(mutation)),
            { seed: SEED, numRuns: 1500 },
        );
    });

    it("deeply nested JSON text at any key parses or is a config error naming the key", () => {
        fc.assert(
            fc.property(deepMutation, (mutation) => parsesOrNamesTheKey(mutation)),
            { seed: SEED, numRuns: 200 },
        );
    });

    it("every object and list: an added key or item parses or is a config error naming it", () => {
        fc.assert(
            fc.property(addedMutation, (mutation) => parsesOrNamesTheKey(mutation)),
            { seed: SEED, numRuns: 500 },
        );
    });

    it("any stack name parses or is a config error naming the stack", () => {
        fc.assert(
            fc.property(fc.oneof(hostileString, fc.stringMatching(/^[a-z][a-z0-9-]{0,40}$/)), (stack) => {
                try {
                    parseStackConfig(BASE, stack);
                } catch (error) {
                    expect(error, JSON.stringify(stack)).toBeInstanceOf(ConfigError);
                    expect((error as ConfigError).issues.map((issue) => issue.key)).toEqual(["stack"]);
                }
            }),
            { seed: SEED, numRuns: 300 },
        );
    });

    it("planOffline refuses bad config with the same ConfigError and declares nothing", async () => {
        // Bad configs from the same generators: the first 20 that parseStackConfig refuses.
        const candidates = fc.sample(fc.oneof(nestedMutation, addedMutation, ...TOP_KEYS.map(topLevelMutation)), { seed: SEED, numRuns: 400 });
        const bad: { mutation: Mutation; error: ConfigError }[] = [];
        for (const mutation of candidates) {
            try {
                parseStackConfig(mutation.raw, STACK);
            } catch (error) {
                if (error instanceof ConfigError) {
                    bad.push({ mutation, error });
                }
            }
            if (bad.length === 20) {
                break;
            }
        }
        expect(bad).toHaveLength(20);

        const registered: string[] = [];
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push(args.name);
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            PROJECT,
            "sentinel",
            false,
        );
        for (const { mutation, error } of bad) {
            let thrown: unknown;
            try {
                await planOffline(STACK, mutation.raw);
            } catch (planError) {
                thrown = planError;
            }
            expect(thrown, mutation.description).toBeInstanceOf(ConfigError);
            expect((thrown as ConfigError).issues, mutation.description).toEqual(error.issues);
            expect(pulumi.runtime.getStack(), mutation.description).toBe("sentinel");
        }
        expect(registered).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------
// Known-invalid values: each must be refused, with an issue at its key

/** Integers outside `min..max`, fractions, and numbers as text outside it. */
