import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ServerMessage } from "../../src/shared/protocol.ts";
import type { SessionAttachment } from "../../src/worker/room/session.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { openWorkerdSocket, type WorkerdTestSocket } from "../support/workerd-socket.ts";
import { joinJson } from "./join.ts";

async function drain(socket: WorkerdTestSocket, count: number): Promise<ServerMessage[]> {
  const out: ServerMessage[] = [];
  for (let i = 0; i < count; i++) out.push(await socket.nextJson());
  return out;
}

describe("rate limits", () => {
  it("lets a session send RATE_BURST at once and refuses the rest with rate_limited", async () => {
    const { socket } = await joinJson(uniqueRoom("burst"), "fast");
    for (let i = 0; i < 25; i++) socket.sendJson({ type: "message", text: `m${i}`, ref: `r${i}` });
    const answers = await drain(socket, 25);
    expect(answers.filter((m) => m.type === "message")).toHaveLength(20);
    const refused = answers.filter((m) => m.type === "error");
    expect(refused).toHaveLength(5);
    expect(refused[0]).toMatchObject({ code: "rate_limited", ref: "r20" });
  });

  it("keeps the rate limit across hibernation", async () => {
    const room = uniqueRoom("burst-evict");
    const { socket } = await joinJson(room, "fast");
    for (let i = 0; i < 20; i++) socket.sendJson({ type: "message", text: `m${i}` });
    await drain(socket, 20);
    await evictDurableObject(env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room)));
    socket.sendJson({ type: "message", text: "one too many" });
    expect(await socket.nextJson()).toMatchObject({ type: "error", code: "rate_limited" });
  });

  it("closes a session that keeps flooding with 1008 and tells the others it left", async () => {
    const room = uniqueRoom("flood");
    const { socket: flooder } = await joinJson(room, "flooder");
    const { socket: calm } = await joinJson(room, "calm");
    for (let i = 0; i < 130; i++) flooder.sendJson({ type: "message", text: `spam ${i}` });
    expect(await flooder.closed(5_000)).toEqual({ code: 1008, reason: "kept flooding after rate_limited" });
    let seen = await calm.nextJson();
    while (seen.type === "message") seen = await calm.nextJson();
    expect(seen).toMatchObject({ type: "leave", name: "flooder", online: 1 });
  });

  it("never counts pings against the limit", async () => {
    const { socket } = await joinJson(uniqueRoom("pings"), "pinger");
    // Spaced out, so that the room (not the runtime's byte-exact auto-response) answers them.
    for (let i = 0; i < 30; i++) socket.send('{ "type": "ping" }');
    await drain(socket, 30);
    socket.sendJson({ type: "message", text: "still allowed" });
    expect(await socket.nextJson()).toMatchObject({ type: "message", text: "still allowed" });
  });
});

describe("idle JSON sessions", () => {
  it("closes a JSON session silent for 60 s with 4408 idle and announces it left", async () => {
    const room = uniqueRoom("idle");
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room));
    const silent = await openWorkerdSocket(`/chat/${room}?name=silent`, { json: true });
    const texter = await openWorkerdSocket(`/chat/${room}?name=texter`);
    await silent.nextJson();
    await texter.nextText();
    // Age the silent session's attachment as if a minute had passed, then wake the room.
    await runInDurableObject(stub, (_room, state) => {
      for (const socket of state.getWebSockets()) {
        const data = socket.deserializeAttachment() as SessionAttachment;
        if (data.json) socket.serializeAttachment({ ...data, lastSeen: Date.now() - 61_000 });
      }
    });
    await evictDurableObject(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await silent.closed()).toEqual({ code: 4408, reason: "idle" });
    expect(await texter.nextText()).toBe("silent left the chat!");
  });
});

describe("broken clients", () => {
  it("keeps relaying to everyone else while a client vanishes mid-broadcast", async () => {
    const room = uniqueRoom("broken");
    const sockets = await Promise.all(
      ["a", "b", "c", "d"].map((name) => openWorkerdSocket(`/chat/${room}?name=${name}`, { json: true })),
    );
    const [a, b, c, d] = sockets as [WorkerdTestSocket, WorkerdTestSocket, WorkerdTestSocket, WorkerdTestSocket];
    await a.nextJson();
    await drain(a, 3);
    for (let i = 0; i < 10; i++) a.sendJson({ type: "message", text: `m${i}` });
    c.close(1001, "gone");
    const forB = (await drain(b, 14)).filter((m) => m.type === "message").map((m) => m.text);
    expect(forB.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    const forD: ServerMessage[] = [];
    while (forD.filter((m) => m.type === "message").length < 10 || !forD.some((m) => m.type === "leave")) {
      forD.push(await d.nextJson());
    }
    expect(forD.find((m) => m.type === "leave")).toMatchObject({ name: "c", online: 3 });
  });
});
