import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");

describe("wrangler.toml", () => {
  it("holds no secret: AUTH_SECRET, AUTH_SECRET_PREVIOUS and ADMIN_TOKEN come from wrangler secret put or .dev.vars", () => {
    for (const secret of ["AUTH_SECRET", "AUTH_SECRET_PREVIOUS", "ADMIN_TOKEN"]) {
      expect(toml).not.toMatch(new RegExp(`^\\s*${secret}\\s*=`, "m"));
    }
  });

  it("opens rooms to everyone by default", () => {
    expect(toml).toMatch(/^AUTH_MODE = "open"$/m);
  });
});
