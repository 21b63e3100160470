import { defineConfig } from "vitest/config";
import { workerdPlugin } from "./vitest-shared.ts";

// Worker and Durable Object tests run inside workerd, against the real wrangler.toml.
export default defineConfig({
  plugins: [workerdPlugin()],
  test: {
    include: ["test/worker/**/*.test.ts"],
    // Run by vitest.shards.config.ts, with a small SHARD_SESSIONS.
    exclude: ["test/worker/shards/**"],
    testTimeout: 20_000,
  },
});
