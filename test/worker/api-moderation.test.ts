import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MessagesPage } from "../../src/shared/api-shapes.ts";
import type { ChatMessage } from "../../src/shared/protocol.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { signToken, TEST_ADMIN_TOKEN } from "../support/tokens.ts";
import { joinJson } from "./join.ts";
import { roomApi as api, roomStub } from "./room.ts";

describe("the HTTP API's posts and moderator routes", () => {
  it("posts as the token's user, or as the admin under the body's name; every session receives it", async () => {
    const room = uniqueRoom("http-post");
    const { socket: reader } = await joinJson(room, "reader");
    const token = await signToken({ sub: "u-bot", name: "Deploy Bot" });
    const posted = await api(`${room}/messages`, {
      method: "POST",
      token,
      body: { text: "shipped", name: "ignored" },
    });
    expect(posted.status).toBe(201);
    const message = (await posted.json()) as ChatMessage;
    expect(message).toMatchObject({ type: "message", id: 1, name: "Deploy Bot", user: "u-bot", text: "shipped" });
    expect(await reader.nextJson()).toEqual(message);
    const asAdmin = await api(`${room}/messages`, {
      method: "POST",
      token: TEST_ADMIN_TOKEN,
      body: { text: "maintenance at 5" },
    });
    expect(await asAdmin.json()).toMatchObject({ id: 2, name: "system", text: "maintenance at 5" });
    const named = await api(`${room}/messages`, {
      method: "POST",
      token: TEST_ADMIN_TOKEN,
      body: { text: "hi", name: "ops" },
    });
    expect((await named.json()) as ChatMessage).not.toHaveProperty("user");
  });

  it("refuses posts without a token, with bad bodies, in read-only rooms and beyond the rate limit", async () => {
    const room = uniqueRoom("http-refuse");
    const token = await signToken({ sub: "u-m", name: "Member" });
    expect((await api(`${room}/messages`, { method: "POST", body: { text: "hi" } })).status).toBe(401);
    const notJson = await api(`${room}/messages`, { method: "POST", token, body: "{nope" });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: expect.stringContaining("JSON") });
    expect(await (await api(`${room}/messages`, { method: "POST", token, body: { text: "  " } })).json()).toMatchObject(
      { code: "empty" },
    );
    const long = await api(`${room}/messages`, { method: "POST", token, body: { text: "x".repeat(5000) } });
    expect([long.status, ((await long.json()) as { code: string }).code]).toEqual([400, "too_long"]);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push((await api(`${room}/messages`, { method: "POST", token, body: { text: `m${i}` } })).status);
    // The two refused posts above spent tokens too, as a socket's refused frames do.
    expect(statuses.filter((s) => s === 201)).toHaveLength(18);
    expect(statuses.slice(-1)).toEqual([429]);
    expect((await api(room, { method: "PATCH", token: TEST_ADMIN_TOKEN, body: { readOnly: true } })).status).toBe(200);
    const other = await signToken({ sub: "u-o", name: "Other" });
    const readOnly = await api(`${room}/messages`, { method: "POST", token: other, body: { text: "hi" } });
    expect([readOnly.status, await readOnly.json()]).toEqual([403, { error: expect.any(String), code: "read_only" }]);
  });

  it("lets moderators delete, kick, ban and change settings over HTTP, and refuses members with 403", async () => {
    const room = uniqueRoom("http-mod");
    const member = await signToken({ sub: "u-mem", name: "Mem" });
    const moderator = await signToken({ sub: "u-mod", name: "Mod", role: "moderator" });
    const { socket: guest } = await joinJson(room, "spammer");
    guest.sendJson({ type: "message", text: "buy now" });
    const spam = await guest.nextOf("message");
    expect((await api(`${room}/messages/${spam.id}`, { method: "DELETE", token: member })).status).toBe(403);
    const deleted = await api(`${room}/messages/${spam.id}`, { method: "DELETE", token: moderator });
    expect(await deleted.json()).toMatchObject({ type: "delete", target: spam.id, name: "Mod", user: "u-mod" });
    expect((await api(`${room}/messages/${spam.id}`, { method: "DELETE", token: moderator })).status).toBe(404);
    expect((await api(`${room}/messages/42`, { method: "DELETE", token: TEST_ADMIN_TOKEN })).status).toBe(404);

    const patched = await api(room, { method: "PATCH", token: moderator, body: { slowMode: 10 } });
    expect(await patched.json()).toEqual({ slowMode: 10, readOnly: false });
    expect((await api(room, { method: "PATCH", token: moderator, body: { slowMode: 99999 } })).status).toBe(400);
    expect((await api(room, { method: "PATCH", token: member, body: { slowMode: 0 } })).status).toBe(403);

    const banned = await api(`${room}/bans`, {
      method: "PUT",
      token: moderator,
      body: { name: "spammer", seconds: 60, reason: "ads" },
    });
    expect(await banned.json()).toMatchObject({ name: "spammer", reason: "ads", until: expect.any(Number) });
    expect(await guest.closed()).toEqual({ code: 4403, reason: "banned: ads" });
    const asAdmin = await api(`${room}/messages`, {
      method: "POST",
      token: TEST_ADMIN_TOKEN,
      body: { text: "x", name: "spammer" },
    });
    expect([asAdmin.status, ((await asAdmin.json()) as { code: string }).code]).toEqual([403, "banned"]);
    expect((await api(`${room}/bans?name=spammer`, { method: "DELETE", token: moderator })).status).toBe(200);
    expect((await api(`${room}/bans?name=spammer`, { method: "DELETE", token: moderator })).status).toBe(404);
    expect((await api(`${room}/bans`, { token: member })).status).toBe(403);

    const { socket: kicked } = await joinJson(room, "spammer");
    expect(
      await (await api(`${room}/kick`, { method: "POST", token: moderator, body: { name: "spammer" } })).json(),
    ).toEqual({ kicked: 1 });
    expect(await kicked.closed()).toEqual({ code: 4403, reason: "removed by a moderator" });
    expect((await api(`${room}/kick`, { method: "POST", token: moderator, body: { nobody: 1 } })).status).toBe(400);
  });
});

describe("the room's schema", () => {
  it("opens a room stored by the first release with its history intact, and moderates it", async () => {
    const room = uniqueRoom("old-schema");
    const stub = roomStub(room);
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      // What the first release wrote: one messages table, no version table.
      sql.exec(
        "DROP TABLE messages; DROP TABLE settings; DROP TABLE bans; DROP TABLE room_meta; DROP TABLE shard_sessions; DROP TABLE shard_role; DROP TABLE schema_migrations",
      );
      sql.exec(
        "CREATE TABLE messages (id INTEGER PRIMARY KEY, name TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL, ref TEXT UNIQUE)",
      );
      sql.exec(
        "INSERT INTO messages (id, name, text, at, ref) VALUES (1, 'ann', 'old one', 1700000000000, 'r1'), (2, 'bob', 'old two', 1700000000001, NULL)",
      );
    });
    await evictDurableObject(stub);
    const { welcome } = await joinJson(room, "reader", "&since=0");
    expect(welcome.history).toEqual([
      { type: "message", id: 1, name: "ann", text: "old one", at: 1700000000000, ref: "r1" },
      { type: "message", id: 2, name: "bob", text: "old two", at: 1700000000001 },
    ]);
    await api(`${room}/messages/1`, { method: "DELETE", token: TEST_ADMIN_TOKEN });
    const page = (await (await api(`${room}/messages`)).json()) as MessagesPage;
    expect(page.messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(page.messages[0]).toMatchObject({ deleted: true, text: "" });
  });
});
