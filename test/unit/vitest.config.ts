import { defineConfig } from "vitest/config";

// Fast tests of runtime-neutral code and the terminal tools, in plain Node.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
  },
});
