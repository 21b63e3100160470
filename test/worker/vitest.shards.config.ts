import { defineConfig } from "vitest/config";
import { workerdPlugin } from "./vitest-shared.ts";

// Rooms spread over many Durable Objects: the same Worker with SHARD_SESSIONS of 2, so that a
// handful of sockets spans several shards.
export default defineConfig({
  plugins: [workerdPlugin({ SHARD_SESSIONS: "2" })],
  test: {
    include: ["test/worker/shards/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
