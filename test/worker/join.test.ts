import { env, evictDurableObject, runInDurableObject, SELF } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RoomInfo, WelcomeMessage } from "../../src/shared/protocol.ts";
import { History } from "../../src/worker/room/history.ts";
import { connect, uniqueRoom } from "./socket.ts";

function roomStub(room: string) {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room));
}

async function seed(room: string, count: number): Promise<void> {
  const stub = roomStub(room);
  await runInDurableObject(stub, (_instance, state) => {
    const history = new History(state.storage.sql, 1000);
    for (let i = 1; i <= count; i++) history.append({ name: "seed" }, `m${i}`, 1_700_000_000_000 + i, undefined);
  });
  await evictDurableObject(stub);
}

async function welcomeOf(room: string, query: string): Promise<WelcomeMessage> {
  const socket = await connect(`/chat/${room}?name=reader&${query}`, { json: true });
  try {
    return (await socket.nextJson()) as WelcomeMessage;
  } finally {
    socket.close();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("joining", () => {
  it("says truncated when history=N asks for more than the room keeps and some of the N are gone", async () => {
    const room = uniqueRoom("hist-over");
    await seed(room, 1010); // HISTORY_LIMIT is 1000: ids 11–1010 are kept
    const over = await welcomeOf(room, "history=1005");
    expect(over.history.map((m) => m.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 11));
    expect(over.truncated).toBe(true);
    expect((await welcomeOf(room, "history=5000")).truncated).toBe(true);
    expect((await welcomeOf(room, "history=1000")).truncated).toBe(false);

    const small = uniqueRoom("hist-small");
    await seed(small, 15);
    const all = await welcomeOf(small, "history=50");
    expect(all.history).toHaveLength(15);
    expect(all.truncated).toBe(false);
  });

  it("closes a join that fails inside the room with 1011 after the upgrade, and nobody hears of the joiner", async () => {
    const room = uniqueRoom("join-fails");
    const observer = await connect(`/chat/${room}?name=observer`, { json: true });
    try {
      await observer.nextJson();
      // Storage the room cannot read makes building the welcome throw.
      await runInDurableObject(roomStub(room), (_instance, state) => {
        state.storage.sql.exec("ALTER TABLE messages RENAME TO messages_away");
      });
      const joiner = await connect(`/chat/${room}?name=doomed`, { json: true });
      expect(await joiner.closed()).toEqual({ code: 1011, reason: "server failure: could not join" });
      const info = (await (await SELF.fetch(`http://localhost/api/rooms/${room}`)).json()) as RoomInfo;
      expect(info.names).toEqual(["observer"]);
      // With storage readable again, the observer's next frame is its own message: it heard
      // nothing of doomed, neither a join nor a leave for a join never announced.
      await runInDurableObject(roomStub(room), (_instance, state) => {
        state.storage.sql.exec("ALTER TABLE messages_away RENAME TO messages");
      });
      observer.sendJson({ type: "message", text: "still here" });
      expect(await observer.nextJson()).toMatchObject({ type: "message", text: "still here" });
    } finally {
      observer.close();
    }
  });

  it("logs a client that closes while broadcasts are queued with its own close code", async () => {
    const room = uniqueRoom("close-queued");
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const sender = await connect(`/chat/${room}?name=sender`, { json: true });
    const leaver = await connect(`/chat/${room}?name=leaver`, { json: true });
    try {
      await sender.nextJson();
      await leaver.nextJson();
      await sender.nextJson(); // leaver's join
      for (let i = 0; i < 15; i++) sender.sendJson({ type: "message", text: `m${i}` });
      leaver.socket.close(4321, "going now");
      const heard = [];
      for (let i = 0; i < 16; i++) heard.push(await sender.nextJson());
      expect(heard.filter((m) => m.type === "message")).toHaveLength(15);
      expect(heard.find((m) => m.type === "leave")).toMatchObject({ name: "leaver" });
      const leaverLines = lines.filter((line) => line.includes("client leaver") && line.includes("disconnected"));
      expect(leaverLines).toHaveLength(1);
      expect(leaverLines[0]).toContain("code=4321");
    } finally {
      sender.close();
    }
  });
});
