import { describe, expect, test } from "vitest";
import { mayPost, pendingNote, refusalSentence, rulesText, settingsSentence } from "../../../src/web/room-rules.ts";

describe("rulesText", () => {
  test("says nothing when nothing limits posting", () => {
    expect(rulesText({ slowMode: 0, readOnly: false }, false)).toBe("");
    expect(rulesText({ slowMode: 0, readOnly: false }, true)).toBe("");
  });

  test("tells a member about slow mode and read-only before they type", () => {
    expect(rulesText({ slowMode: 30, readOnly: false }, false)).toBe("Slow mode: one message every 30 s");
    expect(rulesText({ slowMode: 0, readOnly: true }, false)).toBe("Only moderators can post here");
    // Read-only says it all: slow mode does not matter to someone who cannot post.
    expect(rulesText({ slowMode: 30, readOnly: true }, false)).toBe("Only moderators can post here");
  });

  test("tells a moderator that the rules hold for the others", () => {
    expect(rulesText({ slowMode: 30, readOnly: true }, true)).toBe(
      "Read-only: only moderators (you too) can post here · Slow mode: one message every 30 s for everyone but moderators",
    );
  });

  test("only a moderator may post in a read-only room", () => {
    expect(mayPost({ slowMode: 0, readOnly: true }, false)).toBe(false);
    expect(mayPost({ slowMode: 0, readOnly: true }, true)).toBe(true);
    expect(mayPost({ slowMode: 9, readOnly: false }, false)).toBe(true);
  });
});

describe("pendingNote", () => {
  test("says why an own message waits: the connection, slow mode for a member, or nothing but sending", () => {
    expect(pendingNote(false, { slowMode: 30, readOnly: false }, false)).toBe("waiting for the connection");
    expect(pendingNote(true, { slowMode: 30, readOnly: false }, false)).toBe(
      "waits for slow mode (one message every 30 s)",
    );
    // Slow mode does not hold a moderator back.
    expect(pendingNote(true, { slowMode: 30, readOnly: false }, true)).toBe("sending…");
    expect(pendingNote(true, { slowMode: 0, readOnly: false }, false)).toBe("sending…");
  });
});

describe("refusalSentence", () => {
  test("words each refusal as a sentence", () => {
    expect(refusalSentence({ code: "forbidden", message: "only moderators may do that" })).toBe(
      "Not allowed: only moderators may do that.",
    );
    expect(refusalSentence({ code: "not_found", message: "there is no message 9 to delete" })).toBe(
      "Nothing was deleted: there is no message 9 to delete.",
    );
    expect(refusalSentence({ code: "slow_mode", message: "slow mode is on: wait 3 s before your next message" })).toBe(
      "Slow mode is on: wait 3 s before your next message.",
    );
    expect(refusalSentence({ code: "read_only", message: "this room is read-only: only moderators may post" })).toBe(
      "This room is read-only: only moderators may post.",
    );
  });

  test("a settings change names who made it", () => {
    expect(settingsSentence("slow mode is 30 s, everyone may post", "mod")).toBe(
      "Slow mode is 30 s, everyone may post (set by mod).",
    );
  });
});
