import { describe, expect, it } from "vitest";
import type { ServerFrame, ServerMessage } from "../../src/shared/protocol.ts";
import { openWorkerdSocket, type WorkerdTestSocket } from "../support/workerd-socket.ts";
import { uniqueRoom } from "../support/rooms.ts";

/** Takes frames until `count` messages of `type` arrived; returns them and every frame as it came. */
async function collect(socket: WorkerdTestSocket, type: ServerMessage["type"], count: number) {
  const frames: ServerFrame[] = [];
  const messages: ServerMessage[] = [];
  while (messages.length < count) {
    const frame = JSON.parse(await socket.nextText()) as ServerFrame;
    frames.push(frame);
    for (const message of Array.isArray(frame) ? frame : [frame]) if (message.type === type) messages.push(message);
  }
  return { frames, messages };
}

describe("/chat?batch=1 (batched frames, opt-in)", () => {
  it("gets every message once and in order, while a plain JSON client beside it gets single frames", async () => {
    const room = uniqueRoom("batch");
    const ann = await openWorkerdSocket(`/chat/${room}?name=ann&batch=1`, { json: true });
    const bob = await openWorkerdSocket(`/chat/${room}?name=bob`, { json: true });
    expect((await ann.nextJson()).type).toBe("welcome");
    expect((await bob.nextJson()).type).toBe("welcome");
    await collect(ann, "join", 1);
    for (let i = 1; i <= 15; i++) bob.sendJson({ type: "message", text: `m${i}` });
    const forAnn = await collect(ann, "message", 15);
    const forBob = await collect(bob, "message", 15);
    expect(forAnn.messages.map((m) => m.type === "message" && m.text)).toEqual(
      Array.from({ length: 15 }, (_, i) => `m${i + 1}`),
    );
    expect(forAnn.messages).toEqual(forBob.messages);
    expect(forBob.frames.every((frame) => !Array.isArray(frame))).toBe(true);
  });

  it("sends a lone message in an idle room as a single frame, not an array", async () => {
    const room = uniqueRoom("batch-idle");
    const ann = await openWorkerdSocket(`/chat/${room}?name=ann&batch=1`, { json: true });
    expect((await ann.nextJson()).type).toBe("welcome");
    ann.sendJson({ type: "message", text: "alone" });
    expect(JSON.parse(await ann.nextText())).toMatchObject({ type: "message", id: 1, text: "alone" });
  });

  it("closes a join whose batch is neither 0 nor 1 with 4400", async () => {
    const ann = await openWorkerdSocket(`/chat/${uniqueRoom("batch-bad")}?batch=yes`, { json: true });
    expect(await ann.closed()).toEqual({ code: 4400, reason: 'batch must be 0 or 1, got "yes"' });
  });
});
