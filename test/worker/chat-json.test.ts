import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../src/shared/protocol.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { annAndBob, joinJson } from "./join.ts";

describe("/chat in the JSON framing", () => {
  it("selects chat.v1.json and welcomes first, with online names, history and limits", async () => {
    const room = uniqueRoom("welcome");
    const { socket: ann, welcome } = await joinJson(room, "ann");
    expect(ann.protocol).toBe("chat.v1.json");
    expect(welcome).toEqual({
      type: "welcome",
      room,
      you: "ann",
      online: ["ann"],
      onlineCount: 1,
      history: [],
      truncated: false,
      limits: { messageBytes: 4096, burst: 20, perSecond: 5 },
      lastMessageId: 0,
      settings: { slowMode: 0, readOnly: false },
    });
    const { socket: ann2, welcome: second } = await joinJson(room, "ann");
    expect(second.online).toEqual(["ann"]);
    expect(await ann.nextOf("join")).toMatchObject({ name: "ann", online: 2 });
    ann2.close();
    expect(await ann.nextOf("leave")).toEqual({
      type: "leave",
      name: "ann",
      at: expect.any(Number),
      online: 1,
      stillOnline: true,
    });
  });

  it("numbers messages 1, 2, 3 and sends each to everyone, the sender included, with its ref", async () => {
    const { ann, bob } = await annAndBob("ids");
    const before = Date.now();
    ann.sendJson({ type: "message", text: "hello", ref: "r1" });
    bob.sendJson({ type: "message", text: "hi ann" });
    ann.sendJson({ type: "message", text: "<b>bold</b>" });
    const forAnn = [await ann.nextJson(), await ann.nextJson(), await ann.nextJson()] as ChatMessage[];
    const forBob = [await bob.nextJson(), await bob.nextJson(), await bob.nextJson()] as ChatMessage[];
    expect(forAnn).toEqual(forBob);
    expect(forAnn.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(forAnn[0]).toMatchObject({ type: "message", name: "ann", text: "hello", ref: "r1" });
    expect(forAnn[1]).not.toHaveProperty("ref");
    expect(forAnn[0]!.at).toBeGreaterThanOrEqual(before - 1000);
  });

  it("stores a resent ref once and answers the resend with the stored message", async () => {
    const { room, ann, bob } = await annAndBob("ref");
    ann.sendJson({ type: "message", text: "once", ref: "same-ref" });
    const original = await ann.nextOf("message");
    expect(await bob.nextOf("message")).toEqual(original);
    ann.sendJson({ type: "message", text: "once", ref: "same-ref" });
    expect(await ann.nextOf("message")).toEqual(original);
    ann.sendJson({ type: "message", text: "after" });
    expect((await bob.nextOf("message")).text).toBe("after");
    expect(bob.unread()).toEqual([]);

    const { welcome } = await joinJson(room, "carol");
    expect(welcome.history.map((m) => m.type === "message" && m.text)).toEqual(["once", "after"]);
  });

  it("refuses a ref that already names someone else's message instead of acknowledging it", async () => {
    const { ann, bob } = await annAndBob("ref-clash");
    ann.sendJson({ type: "message", text: "ann's words", ref: "shared" });
    await bob.nextOf("message");
    bob.sendJson({ type: "message", text: "bob's words", ref: "shared" });
    expect(await bob.nextJson()).toMatchObject({ type: "error", code: "bad_frame", ref: "shared" });
  });

  it("counts the message limit in UTF-8 bytes: 4096 pass, 4097 fail", async () => {
    const room = uniqueRoom("bytes");
    const { socket } = await joinJson(room, "ann");
    socket.sendJson({ type: "message", text: "a".repeat(4096) });
    expect((await socket.nextOf("message")).text).toHaveLength(4096);
    socket.sendJson({ type: "message", text: "a".repeat(4097), ref: "long" });
    expect(await socket.nextJson()).toMatchObject({ type: "error", code: "too_long", ref: "long" });
    // 1365 three-byte characters and a one-byte one: 4096 bytes, 1366 characters.
    socket.sendJson({ type: "message", text: "€".repeat(1365) + "a" });
    expect((await socket.nextOf("message")).text).toHaveLength(1366);
    socket.sendJson({ type: "message", text: "€".repeat(1365) + "ab" });
    expect(await socket.nextJson()).toMatchObject({ type: "error", code: "too_long" });
    socket.sendJson({ type: "message", text: "😀".repeat(1024) });
    expect((await socket.nextOf("message")).text).toHaveLength(2048);
    socket.sendJson({ type: "message", text: "😀".repeat(1024) + "a" });
    expect(await socket.nextJson()).toMatchObject({ type: "error", code: "too_long" });
  });

  it.each([
    ["text that is not JSON", "hello"],
    ["a JSON array", "[1,2]"],
    ["a JSON string", '"hi"'],
    ["an unknown type", '{"type":"shout","text":"x"}'],
    ["a missing type", '{"text":"x"}'],
    ["text that is a number", '{"type":"message","text":5}'],
    ["a ref that is too long", JSON.stringify({ type: "message", text: "x", ref: "r".repeat(65) })],
    ["a ref that is not a string", '{"type":"message","text":"x","ref":7}'],
    ["a lone surrogate", '{"type":"message","text":"\\ud800"}'],
  ])("answers %s with bad_frame, relays nothing and keeps the socket open", async (_, frame) => {
    const { ann: socket, bob: other } = await annAndBob("badframe");
    socket.send(frame);
    const error = await socket.nextJson();
    expect(error).toMatchObject({ type: "error", code: "bad_frame" });
    expect((error as { message: string }).message.length).toBeGreaterThan(10);
    socket.sendJson({ type: "message", text: "fine" });
    expect((await other.nextOf("message")).text).toBe("fine");
  });

  it("answers empty text with empty and binary frames with binary_not_supported", async () => {
    const { socket } = await joinJson(uniqueRoom("empty"), "ann");
    socket.sendJson({ type: "message", text: " \n\t ", ref: "e" });
    expect(await socket.nextJson()).toMatchObject({ type: "error", code: "empty", ref: "e" });
    socket.send(new Uint8Array([1]).buffer);
    expect(await socket.nextJson()).toMatchObject({ type: "error", code: "binary_not_supported" });
  });

  it("answers a ping that is not byte-exact with a pong and relays nothing", async () => {
    const { ann: socket, bob: other } = await annAndBob("ping");
    socket.send('{"type":"ping"}');
    socket.send('{ "type": "ping" }');
    expect(await socket.nextJson()).toEqual({ type: "pong" });
    expect(await socket.nextJson()).toEqual({ type: "pong" });
    socket.sendJson({ type: "message", text: "after pings" });
    expect((await other.nextOf("message")).text).toBe("after pings");
  });
});
