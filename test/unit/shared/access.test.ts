import { describe, expect, it } from "vitest";
import { checkClaims, checkRoomPattern, checkUserId, identityOf, roomsAdmit } from "../../../src/shared/access.ts";

const valid = { sub: "u-1", name: "Alice", exp: 2_000_000_000 };

describe("which rooms a token admits", () => {
  it("admits every room when the token names none", () => {
    expect(roomsAdmit(undefined, "main")).toBe(true);
  });

  it("admits every room with *", () => {
    expect(roomsAdmit(["*"], "anything-at-all")).toBe(true);
  });

  it("admits a named room and no other", () => {
    expect(roomsAdmit(["main", "lobby"], "lobby")).toBe(true);
    expect(roomsAdmit(["main", "lobby"], "lobby2")).toBe(false);
    expect(roomsAdmit(["main"], "Main")).toBe(false);
  });

  it("admits every room a prefix* starts, the prefix itself included", () => {
    expect(roomsAdmit(["team-*"], "team-red")).toBe(true);
    expect(roomsAdmit(["team-*"], "team-")).toBe(true);
    expect(roomsAdmit(["team-*"], "team")).toBe(false);
    expect(roomsAdmit(["team-*"], "my-team-red")).toBe(false);
  });

  it("admits no room with an empty list", () => {
    expect(roomsAdmit([], "main")).toBe(false);
  });
});

describe("room patterns", () => {
  it.each(["main", "team-*", "*", "a", "x".repeat(64), `${"x".repeat(63)}*`])("accepts %s", (pattern) => {
    expect(checkRoomPattern(pattern)).toEqual({ ok: true, value: pattern });
  });

  it.each(["", "**", "a*b", "*a", "bad room", "x".repeat(65), `${"x".repeat(64)}*`, "é", 7, null])(
    "refuses %s",
    (pattern) => {
      expect(checkRoomPattern(pattern).ok).toBe(false);
    },
  );
});

describe("user ids", () => {
  it("accepts 1–64 characters, counting code points", () => {
    expect(checkUserId("a").ok).toBe(true);
    expect(checkUserId("😀".repeat(64)).ok).toBe(true);
    expect(checkUserId("😀".repeat(65)).ok).toBe(false);
    expect(checkUserId("").ok).toBe(false);
  });

  it("refuses control characters, which could forge a log line, and lone surrogates", () => {
    expect(checkUserId("alice\n[INFO] forged").ok).toBe(false);
    expect(checkUserId("a\u0000").ok).toBe(false);
    expect(checkUserId("\ud800").ok).toBe(false);
  });

  it("refuses a user id that is not a string", () => {
    expect(checkUserId(42).ok).toBe(false);
  });
});

describe("token claims", () => {
  it("reads a minimal token as a member admitted everywhere", () => {
    const claims = checkClaims(valid);
    expect(claims).toEqual({ ok: true, value: { sub: "u-1", name: "Alice", exp: 2_000_000_000, role: "member" } });
    if (claims.ok) {
      expect(identityOf(claims.value)).toEqual({ user: "u-1", name: "Alice", role: "member", exp: 2_000_000_000 });
    }
  });

  it("normalises the name as every display name is", () => {
    const claims = checkClaims({ ...valid, name: "  Cafe\u0301  " });
    expect(claims.ok && claims.value.name).toBe("Café");
  });

  it("makes a moderator only of role moderator; any other string is a member", () => {
    expect(checkClaims({ ...valid, role: "moderator" })).toMatchObject({ ok: true, value: { role: "moderator" } });
    expect(checkClaims({ ...valid, role: "admin" })).toMatchObject({ ok: true, value: { role: "member" } });
    expect(checkClaims({ ...valid, role: "Moderator" })).toMatchObject({ ok: true, value: { role: "member" } });
  });

  it("keeps rooms and nbf", () => {
    expect(checkClaims({ ...valid, rooms: ["a", "team-*"], nbf: 1_900_000_000 })).toMatchObject({
      ok: true,
      value: { rooms: ["a", "team-*"], nbf: 1_900_000_000 },
    });
  });

  it.each([
    ["no sub", { name: "Alice", exp: 1 }],
    ["an empty sub", { ...valid, sub: "" }],
    ["a numeric sub", { ...valid, sub: 7 }],
    ["no name", { sub: "u-1", exp: 1 }],
    ["an empty name", { ...valid, name: "" }],
    ["a blank name", { ...valid, name: "   " }],
    ["an invalid name", { ...valid, name: "<script>" }],
    ["a name that is too long", { ...valid, name: "a".repeat(33) }],
    ["no exp", { sub: "u-1", name: "Alice" }],
    ["a string exp", { ...valid, exp: "2000000000" }],
    ["a string nbf", { ...valid, nbf: "1" }],
    ["rooms that are a string", { ...valid, rooms: "main" }],
    ["a malformed room", { ...valid, rooms: ["main", "bad room"] }],
    ["a room that is not a string", { ...valid, rooms: [1] }],
    ["a role that is not a string", { ...valid, role: ["moderator"] }],
  ])("refuses a token with %s", (_label, payload) => {
    expect(checkClaims(payload).ok).toBe(false);
  });

  it.each([null, "token", 5, [valid]])("refuses claims that are not an object: %j", (payload) => {
    expect(checkClaims(payload).ok).toBe(false);
  });

  it("never quotes a claim's value in its error", () => {
    const secretish = "ZZZ-private-value";
    for (const payload of [
      { ...valid, sub: `${secretish}\n` },
      { ...valid, name: `${secretish}<>` },
      { ...valid, rooms: [`${secretish} `] },
      { ...valid, role: { secretish } },
    ]) {
      const claims = checkClaims(payload);
      expect(claims.ok).toBe(false);
      if (!claims.ok) expect(claims.error).not.toContain(secretish);
    }
  });
});
