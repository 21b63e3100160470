import { defineConfig } from "vitest/config";

// Unit tests of the pure modules (src/shared, src/client, src/cli and the page's pure helpers),
// in plain Node: no workerd, no wrangler dev, no browser, so the whole set runs in seconds.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    testTimeout: 5_000,
  },
});
