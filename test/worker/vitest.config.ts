import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Worker and Durable Object tests run inside workerd, against the real wrangler.toml.
export default defineConfig({
  plugins: [
    cloudflareTest({ wrangler: { configPath: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) } }),
  ],
  test: {
    include: ["test/worker/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
