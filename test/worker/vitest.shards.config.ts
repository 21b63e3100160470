import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { TEST_ADMIN_TOKEN, TEST_SECRET } from "../support/tokens.ts";

// Rooms spread over many Durable Objects: the same Worker with SHARD_SESSIONS of 2, so that a
// handful of sockets spans several shards.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) },
      miniflare: {
        bindings: {
          AUTH_MODE: "open",
          AUTH_SECRET: TEST_SECRET,
          AUTH_SECRET_PREVIOUS: "",
          ADMIN_TOKEN: TEST_ADMIN_TOKEN,
          SHARD_SESSIONS: "2",
        },
      },
    }),
  ],
  test: {
    include: ["test/worker/shards/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
