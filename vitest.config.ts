import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["tests/**/*.test.ts"],
        // Files share a worker's module registry: importing the Pulumi SDKs once per worker rather
        // than once per file halves the suite's time. Every plan installs its own mocks and config
        // (tools/offline.ts); CI also runs the suite in a shuffled order to keep the files independent.
        isolate: false,
        pool: "forks",
        testTimeout: 30_000,
        hookTimeout: 60_000,
    },
});
