import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage, RoomInfo, WelcomeMessage } from "../../../src/shared/protocol.ts";
import { uniqueRoom } from "../../support/rooms.ts";
import { openWorkerdSocket, type WorkerdTestSocket } from "../../support/workerd-socket.ts";

// SHARD_SESSIONS is 2 here (vitest.shards.config.ts): a room of 7 spans 4 Durable Objects.

async function fill(room: string, count: number, query = ""): Promise<WorkerdTestSocket[]> {
  const sockets: WorkerdTestSocket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = await openWorkerdSocket(`/chat/${room}?name=s${i}&history=0${query}`, { json: true });
    await socket.nextOf("welcome");
    sockets.push(socket);
  }
  return sockets;
}

async function info(room: string): Promise<RoomInfo> {
  return (await (await SELF.fetch(`http://localhost/api/rooms/${room}`)).json()) as RoomInfo;
}

function chat(socket: WorkerdTestSocket): ChatMessage[] {
  return socket.messages().filter((m): m is ChatMessage => m.type === "message");
}

describe("a room over several Durable Objects", () => {
  it("delivers every message to every session exactly once and in one order, and counts the whole room", async () => {
    const room = uniqueRoom("shards");
    const sockets = await fill(room, 7);
    await expect.poll(() => info(room)).toMatchObject({ online: 7, shards: 4 });
    for (let round = 0; round < 5; round++) {
      for (const [i, sender] of sockets.entries())
        if (i % 2 === 0) sender.sendJson({ type: "message", text: `r${round} from s${i}`, ref: `r${round}-s${i}` });
    }
    for (const socket of sockets) await socket.waitFor("20 messages", () => chat(socket).length >= 20);
    const orders = sockets.map((socket) => chat(socket).map((m) => m.id));
    expect(orders[0]).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const order of orders) expect(order).toEqual(orders[0]);
    expect(new Set(chat(sockets[6]!).map((m) => m.ref)).size).toBe(20);
    const late = await openWorkerdSocket(`/chat/${room}?name=late&since=0`, { json: true });
    const welcome = (await late.nextOf("welcome")) as WelcomeMessage;
    expect(welcome.history.map((m) => m.id)).toEqual(orders[0]);
    expect(welcome.onlineCount).toBe(8);
    expect(welcome.online).toHaveLength(8);
  });

  it("announces joins and leaves to the whole room with room-wide counts", async () => {
    const room = uniqueRoom("shard-presence");
    const sockets = await fill(room, 4);
    // s0 saw s1, s2, s3 join, whichever object took them.
    await sockets[0]!.waitFor(
      "three joins",
      () => sockets[0]!.messages().filter((m) => m.type === "join").length === 3,
    );
    expect(
      sockets[0]!
        .messages()
        .filter((m) => m.type === "join")
        .map((m) => m.type === "join" && m.online),
    ).toEqual([2, 3, 4]);
    sockets[3]!.close();
    const leave = await sockets[0]!.skipTo("leave");
    expect(leave).toMatchObject({ name: "s3", online: 3 });
    const text = await openWorkerdSocket(`/chat/${room}?name=texter&history=0`);
    expect(await text.nextText()).toBe("texter joined the chat!");
    sockets[1]!.sendJson({ type: "message", text: "to the text session on its shard" });
    expect(await text.nextText()).toBe("from s1: to the text session on its shard");
  });

  it("never tells a joiner on a shard of a join its welcome already counted", async () => {
    const room = uniqueRoom("shard-stale");
    const sockets: WorkerdTestSocket[] = [];
    for (let i = 0; i < 7; i++)
      sockets.push(await openWorkerdSocket(`/chat/${room}?name=j${i}&history=0`, { json: true }));
    const last = sockets.at(-1)!;
    await last.nextOf("welcome");
    sockets[0]!.sendJson({ type: "message", text: "marker" });
    for (const socket of sockets) {
      await socket.waitFor("the marker", () => chat(socket).length === 1);
      const messages = socket.messages();
      const welcome = messages.find((m) => m.type === "welcome") as WelcomeMessage;
      const joins = messages.filter((m) => m.type === "join").map((m) => m.type === "join" && m.name);
      for (const name of joins) expect(welcome.online, `${welcome.you} heard ${String(name)} join`).not.toContain(name);
      // Everyone who came before is in its welcome, and everyone after in a join notice.
      expect(new Set([...welcome.online, ...joins]).size).toBe(7);
    }
  });

  it("resumes with since on another shard than before, with nothing missed or repeated", async () => {
    const room = uniqueRoom("shard-resume");
    const sockets = await fill(room, 5);
    const reader = sockets[4]!;
    sockets[0]!.sendJson({ type: "message", text: "one" });
    await reader.waitFor("one", () => chat(reader).length === 1);
    const seen = chat(reader).at(-1)!.id;
    reader.close();
    await expect.poll(() => info(room)).toMatchObject({ online: 4 });
    for (const text of ["two", "three"]) sockets[1]!.sendJson({ type: "message", text });
    await sockets[1]!.waitFor("three", () => chat(sockets[1]!).length === 3);
    // Freed places on the first objects: the reader now lands elsewhere than before.
    sockets[2]!.close();
    const back = await openWorkerdSocket(`/chat/${room}?name=reader&since=${seen}`, { json: true });
    const welcome = (await back.nextOf("welcome")) as WelcomeMessage;
    expect(welcome.history.map((m) => m.type === "message" && m.text)).toEqual(["two", "three"]);
    sockets[0]!.sendJson({ type: "message", text: "four" });
    await back.waitFor("four", () => chat(back).some((m) => m.text === "four"));
    expect(chat(back).map((m) => m.text)).toEqual(["four"]);
  });

  it("keeps each shard's sessions in the room's stub namespace, not as rooms of their own", async () => {
    const room = uniqueRoom("shard-names");
    await fill(room, 3);
    const stray = (await (
      await SELF.fetch(`http://localhost/api/rooms/${encodeURIComponent(`${room}#shard-1`)}`)
    ).json()) as { error: string };
    expect(stray.error).toContain("room names");
    expect(env.CHAT_ROOM).toBeDefined();
  });
});
