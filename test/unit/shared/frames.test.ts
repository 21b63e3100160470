import { describe, expect, test } from "vitest";
import {
  parseClientFrame,
  parseServerFrame,
  toTextLines,
  TRUNCATED_NOTE,
  nameList,
} from "../../../src/shared/frames.ts";
import type { ChatMessage, ServerMessage } from "../../../src/shared/protocol.ts";

const hello: ChatMessage = { type: "message", id: 1, name: "alice", text: "hello", at: 1_700_000_000_000 };

describe("parseClientFrame", () => {
  test("reads a message, with and without a ref, keeping only the known fields", () => {
    expect(parseClientFrame('{"type":"message","text":"hi"}')).toEqual({
      ok: true,
      value: { type: "message", text: "hi" },
    });
    expect(parseClientFrame('{"type":"message","text":"hi","ref":"k3x9","extra":true}')).toEqual({
      ok: true,
      value: { type: "message", text: "hi", ref: "k3x9" },
    });
  });

  test("reads the heartbeat", () => {
    expect(parseClientFrame('{"type":"ping"}')).toEqual({ ok: true, value: { type: "ping" } });
  });

  test.each([
    ["text that is not JSON", "hello", "not JSON"],
    ["an array", "[1,2]", "an array"],
    ["null", "null", "got null"],
    ["a number", "42", "the number 42"],
    ["an unknown type", '{"type":"shout","text":"hi"}', 'the string "shout"'],
    ["a missing type", '{"text":"hi"}', "got nothing"],
    ["a text that is not a string", '{"type":"message","text":5}', '"text" to be a string'],
  ])("refuses %s with bad_frame and says what arrived", (_what, frame, said) => {
    const parsed = parseClientFrame(frame);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe("bad_frame");
    expect(parsed.error.message).toContain(said);
  });

  test("refuses a ref that is empty, too long or not a string, and does not echo a bad ref back", () => {
    for (const ref of ['""', JSON.stringify("r".repeat(65)), "7"]) {
      const parsed = parseClientFrame(`{"type":"message","text":"hi","ref":${ref}}`);
      expect(parsed).toMatchObject({ ok: false, error: { code: "bad_frame" } });
      if (!parsed.ok) expect(parsed.error.ref).toBeUndefined();
    }
    expect(parseClientFrame(`{"type":"message","text":"hi","ref":"${"r".repeat(64)}"}`).ok).toBe(true);
  });

  test("names the ref of a message whose text is wrong, so the sender knows which one it was", () => {
    expect(parseClientFrame('{"type":"message","text":null,"ref":"abc"}')).toMatchObject({
      ok: false,
      error: { code: "bad_frame", ref: "abc" },
    });
  });

  test("shortens a long string it quotes back", () => {
    const parsed = parseClientFrame(JSON.stringify({ type: "x".repeat(100) }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message.length).toBeLessThan(200);
  });
});

describe("parseServerFrame", () => {
  test("reads one message object as a list of one", () => {
    expect(parseServerFrame(JSON.stringify(hello))).toEqual([hello]);
  });

  test("reads a batched array, oldest first, in the order sent", () => {
    const second: ChatMessage = { ...hello, id: 2, text: "again" };
    const join: ServerMessage = { type: "join", name: "bob", at: 1, online: 2 };
    expect(parseServerFrame(JSON.stringify([hello, join, second]))).toEqual([hello, join, second]);
  });

  test("skips what it does not know, so a newer server's additions pass by harmlessly", () => {
    const frame = JSON.stringify([{ type: "reaction", emoji: "👍" }, 7, null, [hello], hello, { id: 3 }]);
    expect(parseServerFrame(frame)).toEqual([hello]);
    expect(parseServerFrame(JSON.stringify({ type: "reaction" }))).toEqual([]);
  });

  test("reads nothing from text that is not JSON, without throwing", () => {
    expect(parseServerFrame("alice joined the chat!")).toEqual([]);
    expect(parseServerFrame("")).toEqual([]);
  });

  test("reads the runtime's pong", () => {
    expect(parseServerFrame('{"type":"pong"}')).toEqual([{ type: "pong" }]);
  });
});

describe("toTextLines", () => {
  test("writes the old server's lines", () => {
    expect(toTextLines(hello)).toEqual(["from alice: hello"]);
    expect(toTextLines({ type: "join", name: "bob", at: 1, online: 2 })).toEqual(["bob joined the chat!"]);
    expect(toTextLines({ type: "leave", name: "bob", at: 1, online: 1 })).toEqual(["bob left the chat!"]);
    expect(toTextLines({ type: "error", code: "empty", message: "message is empty" })).toEqual([
      "error: message is empty",
    ]);
  });

  test("has no line for the welcome or the pong", () => {
    expect(toTextLines({ type: "pong" })).toEqual([]);
    const welcome: ServerMessage = {
      type: "welcome",
      room: "main",
      you: "alice",
      online: ["alice"],
      history: [],
      truncated: false,
      limits: { messageBytes: 4096, burst: 20, perSecond: 5 },
      lastMessageId: 0,
      onlineCount: 1,
      settings: { slowMode: 0, readOnly: false },
    };
    expect(toTextLines(welcome)).toEqual([]);
  });

  test("keeps a multi-line text whole, as the text framing sends it", () => {
    expect(toTextLines({ ...hello, text: "one\ntwo" })).toEqual(["from alice: one\ntwo"]);
  });

  test("the truncation note is the line SPEC.md gives", () => {
    expect(TRUNCATED_NOTE).toBe("note: older messages are no longer kept");
  });
});

describe("nameList", () => {
  test("lists names, then counts the rest", () => {
    expect(nameList(["alice"], 1)).toBe("alice");
    expect(nameList(["alice", "bob"], 2)).toBe("alice and bob");
    expect(nameList(["alice", "bob", "carol"], 3)).toBe("alice, bob and carol");
    expect(nameList(["alice", "bob"], 5)).toBe("alice, bob and 3 others");
    expect(nameList(["alice"], 2)).toBe("alice and 1 other");
  });
});
