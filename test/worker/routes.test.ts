import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("healthz", async () => {
    const r = await SELF.fetch("http://x/healthz");
    expect(await r.text()).toBe("ok");
  });
});
