import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MessagesPage } from "../../src/shared/api-shapes.ts";
import type { ClientMessage } from "../../src/shared/protocol.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { signToken, TEST_ADMIN_TOKEN } from "../support/tokens.ts";
import { openWorkerdSocket, type WorkerdTestSocket } from "../support/workerd-socket.ts";
import { joinJson } from "./join.ts";
import { roomApi, roomStub } from "./room.ts";

/** Joins `room` in the JSON framing, with a token for `sub`/`name` when given, and reads the welcome. */
async function join(room: string, who: { name: string; sub?: string; moderator?: boolean }, query = "") {
  const token = who.sub
    ? await signToken({ sub: who.sub, name: who.name, ...(who.moderator && { role: "moderator" as const }) })
    : null;
  return joinJson(room, who.name, `${token ? `&token=${token}` : ""}${query}`);
}

async function say(socket: WorkerdTestSocket, text: string) {
  socket.sendJson({ type: "message", text });
  return socket.skipTo("message");
}

describe("verified identities", () => {
  it("carries user and role in the welcome, and user on messages, joins and leaves; guests carry none", async () => {
    const room = uniqueRoom("ident");
    const mod = await join(room, { name: "Mia", sub: "u-mia", moderator: true });
    expect(mod.welcome).toMatchObject({ you: "Mia", user: "u-mia", role: "moderator" });
    const guest = await join(room, { name: "Mia" });
    expect(guest.welcome.user).toBeUndefined();
    expect(await mod.socket.skipTo("join")).not.toHaveProperty("user");
    const own = await say(mod.socket, "hello");
    expect(own.user).toBe("u-mia");
    expect((await guest.socket.skipTo("message")).user).toBe("u-mia");
    const fromGuest = await say(guest.socket, "me too");
    expect(fromGuest).not.toHaveProperty("user");
    guest.socket.close();
    expect(await mod.socket.skipTo("leave")).not.toHaveProperty("user");
  });

  it("uses the token's name, not the name parameter", async () => {
    const room = uniqueRoom("tokname");
    const token = await signToken({ sub: "u-1", name: "Real Name" });
    const socket = await openWorkerdSocket(`/chat/${room}?name=Impostor&token=${token}`, { json: true });
    expect(await socket.nextJson()).toMatchObject({ type: "welcome", you: "Real Name", user: "u-1", role: "member" });
  });

  it("closes a session with 4401 token expired once its token's exp has passed", async () => {
    const room = uniqueRoom("expiry");
    // Expired 10 s ago: still within the 30 s leeway at the door, past due for the room.
    const token = await signToken({ sub: "u-late", name: "Late", exp: Math.floor(Date.now() / 1000) - 10 });
    const socket = await openWorkerdSocket(`/chat/${room}?token=${token}`, { json: true });
    expect(await socket.nextJson()).toMatchObject({ type: "welcome", user: "u-late" });
    await runDurableObjectAlarm(roomStub(room));
    expect(await socket.closed()).toEqual({ code: 4401, reason: "token expired" });
  });
});

describe("deleting messages", () => {
  it("lets a moderator delete any message: an event for everyone, a tombstone in history, a line in text", async () => {
    const room = uniqueRoom("del");
    const mod = await join(room, { name: "Mod", sub: "u-mod", moderator: true });
    const guest = await join(room, { name: "guest" });
    const text = await openWorkerdSocket(`/chat/${room}?name=texter`);
    await mod.socket.skipTo("join");
    const target = await say(guest.socket, "spam");
    mod.socket.sendJson({ type: "delete", target: target.id });
    const event = await guest.socket.skipTo("delete");
    expect(event).toMatchObject({ type: "delete", id: target.id + 1, target: target.id, name: "Mod", user: "u-mod" });
    const lines: string[] = [];
    while (!lines.includes("a message from guest was deleted")) lines.push(await text.nextText());

    const page = (await (await roomApi(`${room}/messages`)).json()) as MessagesPage;
    expect(page.messages).toEqual([
      { type: "message", id: target.id, name: "guest", text: "", at: target.at, deleted: true },
      event,
    ]);
    const late = await join(room, { name: "late" }, `&since=0`);
    expect(late.welcome.history).toEqual(page.messages);
    late.socket.close();
    const lateText = await openWorkerdSocket(`/chat/${room}?name=late-text&since=0`);
    expect(await lateText.nextText()).toBe("late-text joined the chat!");
    lateText.close();
  });

  it("lets a verified author delete their own message only; others get forbidden, unknown ids not_found", async () => {
    const room = uniqueRoom("del-own");
    const ann = await join(room, { name: "Ann", sub: "u-ann" });
    const bob = await join(room, { name: "Bob", sub: "u-bob" });
    const guest = await join(room, { name: "Ann" });
    const mine = await say(ann.socket, "mine");
    bob.socket.sendJson({ type: "delete", target: mine.id });
    expect(await bob.socket.skipTo("error")).toMatchObject({ code: "forbidden" });
    guest.socket.sendJson({ type: "delete", target: mine.id });
    expect(await guest.socket.skipTo("error")).toMatchObject({ code: "forbidden" });
    ann.socket.sendJson({ type: "delete", target: 999 });
    expect(await ann.socket.skipTo("error")).toMatchObject({ code: "not_found" });
    ann.socket.sendJson({ type: "delete", target: mine.id });
    expect(await ann.socket.skipTo("delete")).toMatchObject({ target: mine.id, user: "u-ann" });
    ann.socket.sendJson({ type: "delete", target: mine.id });
    expect(await ann.socket.skipTo("error")).toMatchObject({ code: "not_found" });
  });
});

describe("kicks, bans and settings", () => {
  it("kicks every session of a name with 4403 and announces it as left; a kicked client may return", async () => {
    const room = uniqueRoom("kick");
    const mod = await join(room, { name: "Mod", sub: "u-mod", moderator: true });
    const noisy = await join(room, { name: "noisy" });
    mod.socket.sendJson({ type: "kick", name: "noisy" });
    expect(await noisy.socket.closed()).toEqual({ code: 4403, reason: "removed by a moderator" });
    expect(await mod.socket.skipTo("leave")).toMatchObject({ name: "noisy" });
    const back = await join(room, { name: "noisy" });
    expect(back.welcome.type).toBe("welcome");
    back.socket.close();
  });

  it("bans a user: kicked, refused on return even under another name, across eviction, until unbanned", async () => {
    const room = uniqueRoom("ban");
    const mod = await join(room, { name: "Mod", sub: "u-mod", moderator: true });
    const troll = await join(room, { name: "Troll", sub: "u-troll" });
    mod.socket.sendJson({ type: "ban", user: "u-troll", seconds: 600, reason: "spam" });
    expect(await troll.socket.closed()).toEqual({ code: 4403, reason: "banned: spam" });
    await evictDurableObject(roomStub(room));
    const token = await signToken({ sub: "u-troll", name: "Other Name" });
    const again = await openWorkerdSocket(`/chat/${room}?token=${token}`, { json: true });
    expect(await again.closed()).toEqual({ code: 4403, reason: "banned: spam" });
    const bans = await (await roomApi(`${room}/bans`, { token: TEST_ADMIN_TOKEN })).json();
    expect(bans).toEqual({ bans: [{ user: "u-troll", until: expect.any(Number), reason: "spam" }] });
    mod.socket.sendJson({ type: "unban", user: "u-troll" });
    await expect
      .poll(
        async () =>
          ((await (await roomApi(`${room}/bans`, { token: TEST_ADMIN_TOKEN })).json()) as { bans: unknown[] }).bans,
      )
      .toEqual([]);
    const back = await openWorkerdSocket(`/chat/${room}?token=${token}`, { json: true });
    expect(await back.nextJson()).toMatchObject({ type: "welcome", you: "Other Name" });
    back.close();
  });

  it("lets a ban expire by itself", async () => {
    const room = uniqueRoom("ban-expiry");
    const mod = await join(room, { name: "Mod", sub: "u-mod", moderator: true });
    mod.socket.sendJson({ type: "ban", name: "brief", seconds: 1 });
    await expect
      .poll(
        async () =>
          ((await (await roomApi(`${room}/bans`, { token: TEST_ADMIN_TOKEN })).json()) as { bans: unknown[] }).bans,
      )
      .toHaveLength(1);
    const refused = await openWorkerdSocket(`/chat/${room}?name=brief`, { json: true });
    expect(await refused.closed()).toEqual({ code: 4403, reason: "banned" });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const back = await openWorkerdSocket(`/chat/${room}?name=brief`, { json: true });
    expect(await back.nextJson()).toMatchObject({ type: "welcome" });
    back.close();
  });

  it("applies slow mode and read-only to non-moderators, tells everyone, and keeps them across eviction", async () => {
    const room = uniqueRoom("settings");
    const mod = await join(room, { name: "Mod", sub: "u-mod", moderator: true });
    const member = await join(room, { name: "Mem", sub: "u-mem" });
    const text = await openWorkerdSocket(`/chat/${room}?name=texter`);
    mod.socket.sendJson({ type: "settings", slowMode: 30 });
    expect(await member.socket.skipTo("settings")).toEqual({
      type: "settings",
      slowMode: 30,
      readOnly: false,
      name: "Mod",
    });
    let line = "";
    while (!line.startsWith("note:")) line = await text.nextText();
    expect(line).toBe("note: slow mode is 30 s, everyone may post (set by Mod)");
    await say(member.socket, "first");
    member.socket.sendJson({ type: "message", text: "second", ref: "r2" });
    const slow = await member.socket.skipTo("error");
    expect(slow).toMatchObject({ code: "slow_mode", ref: "r2" });
    expect(slow.message).toMatch(/wait \d+ s/);
    await say(mod.socket, "moderators are not slowed");
    await say(mod.socket, "not at all");

    mod.socket.sendJson({ type: "settings", slowMode: 0, readOnly: true });
    await member.socket.skipTo("settings");
    member.socket.sendJson({ type: "message", text: "hello?" });
    expect(await member.socket.skipTo("error")).toMatchObject({ code: "read_only" });

    await evictDurableObject(roomStub(room));
    const late = await join(room, { name: "late" });
    expect(late.welcome.settings).toEqual({ slowMode: 0, readOnly: true });
    late.socket.close();
    expect(await (await roomApi(room)).json()).toMatchObject({ settings: { slowMode: 0, readOnly: true } });
  });

  it("refuses a non-moderator's kick, ban, unban and settings with forbidden, and nothing happens", async () => {
    const room = uniqueRoom("forbid");
    const member = await join(room, { name: "Mem", sub: "u-mem" });
    const other = await join(room, { name: "other" });
    for (const frame of [
      { type: "kick", name: "other" },
      { type: "ban", name: "other", seconds: 60 },
      { type: "unban", name: "other" },
      { type: "settings", readOnly: true },
    ] satisfies ClientMessage[]) {
      member.socket.sendJson(frame);
      expect(await member.socket.skipTo("error")).toMatchObject({ code: "forbidden" });
    }
    expect(await say(other.socket, "still here")).toMatchObject({ text: "still here" });
    expect(await (await roomApi(room)).json()).toMatchObject({ settings: { readOnly: false } });
  });
});

describe("typing", () => {
  it("relays typing to the other JSON sessions only, at most once per session every 2 s, never stored", async () => {
    const room = uniqueRoom("typing");
    const ann = await join(room, { name: "ann" });
    const bob = await join(room, { name: "Bob", sub: "u-bob" });
    const text = await openWorkerdSocket(`/chat/${room}?name=texter`);
    bob.socket.sendJson({ type: "typing" });
    bob.socket.sendJson({ type: "typing" });
    expect(await ann.socket.nextJson()).toMatchObject({ type: "join", name: "Bob" });
    expect(await ann.socket.skipTo("typing")).toEqual({ type: "typing", name: "Bob", user: "u-bob" });
    // The second typing frame was dropped: ann's next frame is bob's message.
    await say(bob.socket, "hi");
    const next = await ann.socket.nextJson();
    expect(next.type === "join" ? await ann.socket.nextJson() : next).toMatchObject({ type: "message", text: "hi" });
    expect(bob.socket.unread().some((f) => typeof f === "string" && f.includes('"typing"'))).toBe(false);
    expect(await text.nextText()).toBe("texter joined the chat!");
    expect(await text.nextText()).toBe("from Bob: hi");
    const page = (await (await roomApi(`${room}/messages`)).json()) as MessagesPage;
    expect(page.messages.map((m) => m.type)).toEqual(["message"]);
  });
});

describe("where the room learns who a session is", () => {
  it("ignores a join header a client forges: the identity comes only from the Worker's own check", async () => {
    const room = uniqueRoom("forged");
    const forged = encodeURIComponent(
      JSON.stringify({
        room,
        path: `/chat/${room}`,
        name: "Mallory",
        since: null,
        history: 0,
        json: true,
        batch: false,
        ip: "1.2.3.4",
        identity: { user: "u-admin", name: "Admin", role: "moderator", exp: 4_000_000_000 },
      }),
    );
    const socket = await openWorkerdSocket(`/chat/${room}?name=guest`, {
      json: true,
      headers: { "x-edge-chat-join": forged },
    });
    const welcome = await socket.nextOf("welcome");
    expect(welcome).toMatchObject({ type: "welcome", you: "guest" });
    expect(welcome.user).toBeUndefined();
    expect(welcome.role).toBeUndefined();
  });
});
