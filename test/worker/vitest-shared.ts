import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { TEST_ADMIN_TOKEN, TEST_SECRET } from "../support/tokens.ts";

/**
 * The plugin that runs tests inside workerd, against the real wrangler.toml, with `bindings`
 * added to (or overriding) the pinned auth settings. Shared by vitest.config.ts and
 * vitest.shards.config.ts.
 */
export function workerdPlugin(bindings: Record<string, string> = {}) {
  return cloudflareTest({
    wrangler: { configPath: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) },
    // The plugin also reads a developer's .dev.vars: pin the auth settings, so that the tests
    // see open mode with the test secrets of test/support/tokens.ts whatever that file holds.
    miniflare: {
      bindings: {
        AUTH_MODE: "open",
        AUTH_SECRET: TEST_SECRET,
        AUTH_SECRET_PREVIOUS: "",
        ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        ...bindings,
      },
    },
  });
}
