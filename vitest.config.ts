import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["tests/**/*.test.ts"],
        // Each file gets its own module registry, so every suite installs its own Pulumi mocks.
        isolate: true,
        pool: "forks",
        testTimeout: 30_000,
        hookTimeout: 60_000,
    },
});
