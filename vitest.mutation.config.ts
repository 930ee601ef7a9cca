/**
 * The suites that judge the mutated files (npm run mutation): the config parser, the weight
 * arithmetic and the policy rules, each through its own tests, without the slower whole-stack
 * plans of the other suites.
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config";

export default defineConfig({
    ...base,
    test: {
        ...base.test,
        include: [
            "tests/stacks/config/*.test.ts",
            "tests/hostile-input.test.ts",
            "tests/infra/canary/weights.test.ts",
            "tests/policy/**/*.test.ts",
            "tests/stacks/deployer.test.ts",
            "tests/infra/addons/flagger-config.test.ts",
        ],
    },
});
