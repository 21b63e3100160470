import { evictDurableObject, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../src/shared/protocol.ts";
import { History } from "../../src/worker/room/history.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { openWorkerdSocket } from "../support/workerd-socket.ts";
import { joinJson, welcomeOf } from "./join.ts";
import { roomStub, seed } from "./room.ts";

/** Ann on the JSON framing and Bob on the text framing in `room`, both past the join notices. */
async function annOnJsonBobOnText(room: string) {
  const { socket: ann } = await joinJson(room, "ann");
  const bob = await openWorkerdSocket(`/chat/${room}?name=bob`);
  await ann.nextOf("join");
  await bob.nextText();
  return { ann, bob };
}

describe("history and resume", () => {
  it("replays the latest 50 by default, history=N the latest N, and history=0 none", async () => {
    const room = uniqueRoom("hist");
    await seed(room, 60);
    const byDefault = await welcomeOf(room, "");
    expect(byDefault.history.map((m) => m.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 11));
    expect(byDefault.truncated).toBe(false);
    expect(byDefault.lastMessageId).toBe(60);
    expect((await welcomeOf(room, "history=3")).history.map((m) => m.type === "message" && m.text)).toEqual([
      "m58",
      "m59",
      "m60",
    ]);
    expect((await welcomeOf(room, "history=0")).history).toEqual([]);
  });

  it("replays everything after since, and since wins over history", async () => {
    const room = uniqueRoom("since");
    await seed(room, 20);
    const welcome = await welcomeOf(room, "since=12&history=1");
    expect(welcome.history.map((m) => m.id)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    expect(welcome.truncated).toBe(false);
    expect((await welcomeOf(room, "since=20")).history).toEqual([]);
  });

  it("keeps the newest HISTORY_LIMIT messages and says truncated when asked-for ones are gone", async () => {
    const room = uniqueRoom("trim");
    await seed(room, 1100);
    const resumed = await welcomeOf(room, "since=0");
    expect(resumed.truncated).toBe(true);
    expect(resumed.history.map((m) => m.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 101));
    expect((await welcomeOf(room, "history=1000")).truncated).toBe(false);
    expect((await welcomeOf(room, "since=1050")).truncated).toBe(false);

    const text = await openWorkerdSocket(`/chat/${room}?since=0`);
    expect(await text.nextText()).toBe("note: older messages are no longer kept");
  });

  it("resumes with since after a disconnect with no gap and no duplicate", async () => {
    const room = uniqueRoom("resume");
    const { socket: writer } = await joinJson(room, "writer");
    const { socket: reader } = await joinJson(room, "reader");
    await writer.nextOf("join");
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) writer.sendJson({ type: "message", text: `before ${i}` });
    for (let i = 0; i < 5; i++) seen.push(((await reader.nextJson()) as ChatMessage).id);
    for (let i = 0; i < 5; i++) await writer.nextJson();
    reader.close();
    for (let i = 0; i < 5; i++) writer.sendJson({ type: "message", text: `while away ${i}` });
    for (let i = 0; i < 6; i++) await writer.nextJson();
    const resumed = await joinJson(room, "reader", `&since=${seen.at(-1)}`);
    seen.push(...resumed.welcome.history.map((m) => m.id));
    writer.sendJson({ type: "message", text: "after" });
    let next = await resumed.socket.nextJson();
    while (next.type !== "message") next = await resumed.socket.nextJson();
    seen.push(next.id);
    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  });

  it("keeps sessions, names, history and ids after the object is evicted with hibernating sockets", async () => {
    const room = uniqueRoom("evict");
    const { ann, bob } = await annOnJsonBobOnText(room);
    ann.sendJson({ type: "message", text: "before", ref: "before-ref" });
    expect(((await ann.nextJson()) as ChatMessage).id).toBe(1);
    expect(await bob.nextText()).toBe("from ann: before");

    await evictDurableObject(roomStub(room));

    bob.send("after eviction");
    expect(await ann.nextJson()).toMatchObject({ type: "message", id: 2, name: "bob", text: "after eviction" });
    expect(await bob.nextText()).toBe("from bob: after eviction");
    ann.sendJson({ type: "message", text: "before", ref: "before-ref" });
    expect(await ann.nextJson()).toMatchObject({ id: 1, text: "before" });
    const info = await (await SELF.fetch(`http://localhost/api/rooms/${room}`)).json();
    expect(info).toEqual({
      room,
      online: 2,
      names: expect.arrayContaining(["ann", "bob"]),
      lastMessageId: 2,
      shards: 1,
      settings: { slowMode: 0, readOnly: false },
    });
  });
});

describe("replays from memory", () => {
  it("answers every replay as storage alone would, with tombstones and trims", async () => {
    await runInDurableObject(roomStub(uniqueRoom("recent")), (_instance, state) => {
      const kept = 400;
      const history = new History(state.storage.sql, kept);
      const fromStorage = () => new History(state.storage.sql, kept);
      history.latest(1); // the memory is loaded while the room is empty and then kept in step by writes
      for (let i = 1; i <= 700; i++) {
        history.append({ name: "ann" }, `m${i}`, 1_700_000_000_000 + i, i % 3 === 0 ? `ref-${i}` : undefined);
        if (i % 97 === 0) history.commit();
      }
      // One message still held in memory, one only in storage.
      expect(history.delete(690, { name: "mod", user: "u-mod" }, 1_800_000_000_000)).not.toBeNull();
      expect(history.delete(500, { name: "mod" }, 1_800_000_000_001)).not.toBeNull();

      for (const count of [0, 1, 50, 128, 300, kept, 1000]) {
        expect(history.latest(count), `latest(${count})`).toEqual(fromStorage().latest(count));
      }
      for (const since of [0, 250, 302, 499, 600, 650, 689, 701, 702, 800]) {
        expect(history.since(since), `since(${since})`).toEqual(fromStorage().since(since));
        expect(history.since(since, 10), `since(${since}, 10)`).toEqual(fromStorage().since(since, 10));
      }
      expect(history.latest(20).events.find((event) => event.id === 690)).toMatchObject({ text: "", deleted: true });
    });
  });
});

describe("leaving while the room hibernates", () => {
  it("announces a session that closes while the object is evicted, and logs nobody twice", async () => {
    const room = uniqueRoom("hib-leave");
    const { ann, bob } = await annOnJsonBobOnText(room);
    await evictDurableObject(roomStub(room));
    bob.close();
    expect(await ann.nextJson()).toMatchObject({ type: "leave", name: "bob", online: 1 });
    const info = await (await SELF.fetch(`http://localhost/api/rooms/${room}`)).json();
    expect(info).toMatchObject({ online: 1, names: ["ann"] });
    ann.sendJson({ type: "message", text: "still here" });
    expect(await ann.nextJson()).toMatchObject({ type: "message", text: "still here" });
    expect(ann.unread()).toEqual([]);
  });
});

describe("room API", () => {
  it("describes a room: online sessions, names once, lastMessageId 0 when it never spoke", async () => {
    const room = uniqueRoom("api");
    expect(await (await SELF.fetch(`http://localhost/api/rooms/${room}`)).json()).toEqual({
      room,
      online: 0,
      names: [],
      lastMessageId: 0,
      shards: 1,
      settings: { slowMode: 0, readOnly: false },
    });
  });

  it("pages messages oldest first: latest limit without since, the first limit after since", async () => {
    const room = uniqueRoom("apimsg");
    await seed(room, 30);
    const latest = await (
      await SELF.fetch(`http://localhost/api/rooms/${room}/messages?limit=5`)
    ).json<{
      messages: ChatMessage[];
    }>();
    expect(latest.messages.map((m) => m.id)).toEqual([26, 27, 28, 29, 30]);
    const after = await (await SELF.fetch(`http://localhost/api/rooms/${room}/messages?since=3&limit=2`)).json();
    expect(after).toMatchObject({ room, truncated: false, messages: [{ id: 4 }, { id: 5 }] });
    const byDefault = await (
      await SELF.fetch(`http://localhost/api/rooms/${room}/messages`)
    ).json<{
      messages: ChatMessage[];
    }>();
    expect(byDefault.messages).toHaveLength(30);
  });

  it.each([
    ["/api/rooms/bad!room", 400],
    ["/api/rooms/ok/messages?since=x", 400],
    ["/api/rooms/ok/messages?limit=0", 400],
    ["/api/rooms/ok/messages?limit=1001", 400],
    ["/api/rooms/ok/nothing", 404],
    ["/api/nothing", 404],
  ])("answers %s with %i and a JSON error", async (path, status) => {
    const response = await SELF.fetch(`http://localhost${path}`);
    expect(response.status).toBe(status);
    const body = await response.json<{ error: string }>();
    expect(body.error.length).toBeGreaterThan(5);
  });
});
