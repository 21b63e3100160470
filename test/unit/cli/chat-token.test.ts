import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../../src/cli/args.ts";
import { readChatToken } from "../../../src/cli/chat-token.ts";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTEifQ.c2lnbmF0dXJl";

describe("the terminal client's token", () => {
  it("is empty when neither --token nor $CHAT_TOKEN is given", () => {
    expect(readChatToken(undefined, {})).toEqual({ ok: true, value: "" });
  });

  it("comes from $CHAT_TOKEN, and --token wins over it", () => {
    expect(readChatToken(undefined, { CHAT_TOKEN: ` ${TOKEN}\n` })).toEqual({ ok: true, value: TOKEN });
    expect(readChatToken(TOKEN, { CHAT_TOKEN: "a.b.c" })).toEqual({ ok: true, value: TOKEN });
  });

  it("refuses what is no compact JWT without repeating it", () => {
    const secretish = "not a token with spaces";
    const checked = readChatToken(secretish, {});
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.error).toMatch(/expected --token to be a signed token/);
      expect(checked.error).not.toContain(secretish);
    }
    expect(readChatToken("", {})).toEqual({ ok: false, error: "expected a token after --token" });
  });

  it("reaches the options, and --echo takes none", () => {
    const parsed = parseCommandLine(["--token", TOKEN, "--room", "team"], {});
    expect(parsed.kind === "run" && parsed.options.token).toBe(TOKEN);
    const echo = parseCommandLine(["--echo", "--token", TOKEN], {});
    expect(echo.kind).toBe("usage-error");
    // $CHAT_TOKEN is for rooms; the echo probe simply does not use it.
    expect(parseCommandLine(["--echo"], { CHAT_TOKEN: TOKEN }).kind).toBe("run");
  });
});
