import { defineConfig } from "vitest/config";

// End-to-end tests run in Node against real `wrangler dev` processes. Each file starts its own
// server; on two cores, running files one at a time keeps latencies honest.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
