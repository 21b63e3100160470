import { runInDurableObject, SELF } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RoomInfo } from "../../src/shared/protocol.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { openWorkerdSocket } from "../support/workerd-socket.ts";
import { joinJson, welcomeOf } from "./join.ts";
import { roomStub, seed } from "./room.ts";

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
    await seed(room, 300);
    const { socket: observer } = await joinJson(room, "observer");
    // A replay older than the events the room holds in memory reads storage, and storage the
    // room cannot read makes building the welcome throw.
    await runInDurableObject(roomStub(room), (_instance, state) => {
      state.storage.sql.exec("ALTER TABLE messages RENAME TO messages_away");
    });
    const joiner = await openWorkerdSocket(`/chat/${room}?name=doomed&since=0`, { json: true });
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
  });

  it("logs a client that closes while broadcasts are queued with its own close code", async () => {
    const room = uniqueRoom("close-queued");
    const lines: string[] = [];
    // Lines arrive a few at a time, one per line of a console call.
    vi.spyOn(console, "log").mockImplementation((text: unknown) => void lines.push(...String(text).split("\n")));
    const { socket: sender } = await joinJson(room, "sender");
    const { socket: leaver } = await joinJson(room, "leaver");
    await sender.nextOf("join");
    for (let i = 0; i < 15; i++) sender.sendJson({ type: "message", text: `m${i}` });
    leaver.close(4321, "going now");
    const heard = [];
    for (let i = 0; i < 16; i++) heard.push(await sender.nextJson());
    expect(heard.filter((m) => m.type === "message")).toHaveLength(15);
    expect(heard.find((m) => m.type === "leave")).toMatchObject({ name: "leaver" });
    const leaverLines = () => lines.filter((line) => line.includes("client leaver") && line.includes("disconnected"));
    await expect.poll(() => leaverLines().length).toBe(1);
    expect(leaverLines()).toHaveLength(1);
    expect(leaverLines()[0]).toContain("code=4321");
  });
});
