import { describe, expect, it } from "vitest";
import { parseRooms, parseTokenCommandLine, parseTtl } from "../../../src/cli/token-options.ts";

describe("--ttl", () => {
  it.each([
    ["90s", 90],
    ["15m", 900],
    ["2h", 7200],
    ["1d", 86_400],
  ])("reads %s as %i seconds", (raw, seconds) => {
    expect(parseTtl(raw)).toEqual({ ok: true, value: seconds });
  });

  it.each(["", "0s", "90", "1w", "1.5h", "-1h", "h", "2 h"])("refuses %j", (raw) => {
    expect(parseTtl(raw).ok).toBe(false);
  });
});

describe("--rooms", () => {
  it("reads a comma-separated list of names and patterns", () => {
    expect(parseRooms("a, team-*,*")).toEqual({ ok: true, value: ["a", "team-*", "*"] });
  });

  it.each(["", "a,", "a b", "a*b", "é"])("refuses %j", (raw) => {
    expect(parseRooms(raw).ok).toBe(false);
  });
});

describe("the token command line", () => {
  it("defaults the user id to the name in lower case, every room, member, one hour", () => {
    expect(parseTokenCommandLine(["--name", " Alice  "])).toEqual({
      kind: "run",
      options: { name: "Alice", sub: "alice", rooms: undefined, moderator: false, ttlSeconds: 3600 },
    });
  });

  it("reads every option", () => {
    const parsed = parseTokenCommandLine(["--name=Bob", "--sub", "u-7", "--rooms", "x", "--moderator", "--ttl", "2h"]);
    expect(parsed).toEqual({
      kind: "run",
      options: { name: "Bob", sub: "u-7", rooms: ["x"], moderator: true, ttlSeconds: 7200 },
    });
  });

  it("answers -h and --help with the usage", () => {
    expect(parseTokenCommandLine(["-h"]).kind).toBe("help");
    expect(parseTokenCommandLine(["--name", "x", "--help"]).kind).toBe("help");
  });

  it("refuses a missing or empty name", () => {
    expect(parseTokenCommandLine([])).toMatchObject({
      kind: "usage-error",
      message: expect.stringContaining("--name"),
    });
    expect(parseTokenCommandLine(["--name", ""])).toMatchObject({ kind: "usage-error" });
  });
});
