import { describe, expect, it } from "vitest";
import type { PresenceMessage, WelcomeMessage } from "../../src/shared/protocol.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { openWorkerdSocket } from "../support/workerd-socket.ts";

// wrangler.toml's PRESENCE_LIMIT: 100.
const LIMIT = 100;

describe("presence in a room larger than PRESENCE_LIMIT", () => {
  it("summarises joins and leaves at most once a second, lists at most PRESENCE_LIMIT names, and still welcomes at once", async () => {
    const room = uniqueRoom("big");
    const observer = await openWorkerdSocket(`/chat/${room}?name=observer&history=0`, { json: true });
    await observer.nextOf("welcome");
    const members = [];
    for (let i = 1; i < LIMIT; i++)
      members.push(await openWorkerdSocket(`/chat/${room}?name=m${i}&history=0`, { json: true }));
    // Up to the limit, each join is announced one by one.
    for (let i = 1; i < LIMIT; i++)
      expect(await observer.nextOf("join")).toMatchObject({ name: `m${i}`, online: i + 1 });

    const extra = [];
    for (let i = 0; i < 3; i++)
      extra.push(await openWorkerdSocket(`/chat/${room}?name=x${i}&history=0`, { json: true }));
    const welcome = (await extra[2]!.nextOf("welcome")) as WelcomeMessage;
    expect(welcome.onlineCount).toBe(LIMIT + 3);
    expect(welcome.online.length).toBe(LIMIT);
    const text = await openWorkerdSocket(`/chat/${room}?name=texter&history=0`);
    // A text joiner's own line is still immediate.
    expect(await text.nextText()).toBe("texter joined the chat!");
    extra[0]!.close();

    const presence = (await observer.skipTo("presence", 3_000)) as PresenceMessage;
    expect(presence).toEqual({
      type: "presence",
      online: LIMIT + 3,
      joined: ["x0", "x1", "x2", "texter"],
      left: ["x0"],
      joinedCount: 4,
      leftCount: 1,
    });
    expect(await text.nextText()).toBe("x0, x1, x2 and texter joined the chat!");
    expect(await text.nextText()).toBe("x0 left the chat!");
    // The observer heard no single join or leave for them.
    expect(
      observer.messages().filter((m) => (m.type === "join" || m.type === "leave") && m.name.startsWith("x")),
    ).toEqual([]);
  });
});
