import { env, evictDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage, RoomInfo } from "../../../src/shared/protocol.ts";
import { uniqueRoom } from "../../support/rooms.ts";
import { signToken } from "../../support/tokens.ts";
import { openWorkerdSocket, type WorkerdTestSocket } from "../../support/workerd-socket.ts";

// SHARD_SESSIONS is 2 here (vitest.shards.config.ts).

async function join(room: string, name: string, token?: string): Promise<WorkerdTestSocket> {
  const socket = await openWorkerdSocket(`/chat/${room}?name=${name}&history=0${token ? `&token=${token}` : ""}`, {
    json: true,
  });
  await socket.nextOf("welcome");
  return socket;
}

function chat(socket: WorkerdTestSocket): ChatMessage[] {
  return socket.messages().filter((m): m is ChatMessage => m.type === "message");
}

const stub = (name: string) => env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(name));

describe("moderation across a room's shards", () => {
  it("deletes, kicks, bans and changes settings for sessions on every shard", async () => {
    const room = uniqueRoom("shard-mod");
    const mod = await join(room, "mod", await signToken({ sub: "u-mod", name: "mod", role: "moderator" }));
    const others: WorkerdTestSocket[] = [];
    for (let i = 0; i < 4; i++) others.push(await join(room, `guest${i}`));
    const far = others[3]!; // on the second shard
    far.sendJson({ type: "message", text: "spam from afar" });
    await mod.waitFor("the spam", () => chat(mod).length === 1);
    const spam = chat(mod)[0]!;
    mod.sendJson({ type: "delete", target: spam.id });
    for (const socket of others)
      await socket.waitFor("the deletion", () =>
        socket.messages().some((m) => m.type === "delete" && m.target === spam.id),
      );

    mod.sendJson({ type: "settings", readOnly: true });
    for (const socket of others)
      await socket.waitFor("the settings", () => socket.messages().some((m) => m.type === "settings"));
    far.sendJson({ type: "message", text: "may I?" });
    expect(await far.skipTo("error")).toMatchObject({ code: "read_only" });

    mod.sendJson({ type: "ban", name: "guest3", seconds: 600, reason: "spam" });
    expect(await far.closed()).toEqual({ code: 4403, reason: "banned: spam" });
    await mod.waitFor("guest3 left", () => mod.messages().some((m) => m.type === "leave" && m.name === "guest3"));
    const again = await openWorkerdSocket(`/chat/${room}?name=guest3`, { json: true });
    expect(await again.closed()).toEqual({ code: 4403, reason: "banned: spam" });

    mod.sendJson({ type: "kick", name: "guest2" });
    expect(await others[2]!.closed()).toEqual({ code: 4403, reason: "removed by a moderator" });
    await expect
      .poll(async () => ((await (await SELF.fetch(`http://localhost/api/rooms/${room}`)).json()) as RoomInfo).online)
      .toBe(3);
  });
});

describe("restarts in the middle of traffic", () => {
  it.each([
    ["a shard", (room: string) => `${room}#shard-1`],
    ["the room's own object", (room: string) => room],
  ])("loses and repeats nothing when %s is evicted while messages flow", async (_which, objectOf) => {
    const room = uniqueRoom("shard-evict");
    const sockets: WorkerdTestSocket[] = [];
    for (let i = 0; i < 5; i++) sockets.push(await join(room, `s${i}`));
    for (let n = 0; n < 30; n++) {
      sockets[n % 5]!.sendJson({ type: "message", text: `m${n}`, ref: `m${n}` });
      if (n === 15) await evictDurableObject(stub(objectOf(room)));
    }
    // Clients resend what the room did not acknowledge, as the client core does after a drop.
    const refs = Array.from({ length: 30 }, (_, n) => `m${n}`);
    await sockets[0]!
      .waitFor("every message, or what needs resending", () => chat(sockets[0]!).length >= 30 || undefined, 3_000)
      .catch(() => undefined);
    for (const [n, ref] of refs.entries()) {
      if (!chat(sockets[n % 5]!).some((m) => m.ref === ref))
        sockets[n % 5]!.sendJson({ type: "message", text: `m${n}`, ref });
    }
    for (const socket of sockets)
      await socket.waitFor("all 30", () => new Set(chat(socket).map((m) => m.ref)).size === 30);
    const orders = sockets.map((socket) => chat(socket).map((m) => m.id));
    for (const order of orders) {
      expect(new Set(order).size).toBe(order.length);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(order).toEqual(orders[0]);
    }
  });
});
