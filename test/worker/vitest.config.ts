import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { TEST_ADMIN_TOKEN, TEST_SECRET } from "../support/tokens.ts";

// Worker and Durable Object tests run inside workerd, against the real wrangler.toml.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) },
      // The plugin also reads a developer's .dev.vars: pin the auth settings, so that the tests
      // see open mode with the test secrets of test/support/tokens.ts whatever that file holds.
      miniflare: {
        bindings: {
          AUTH_MODE: "open",
          AUTH_SECRET: TEST_SECRET,
          AUTH_SECRET_PREVIOUS: "",
          ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        },
      },
    }),
  ],
  test: {
    include: ["test/worker/**/*.test.ts"],
    // Run by vitest.shards.config.ts, with a small SHARD_SESSIONS.
    exclude: ["test/worker/shards/**"],
    testTimeout: 20_000,
  },
});
