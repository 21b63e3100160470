import { describe, expect, it } from "vitest";
import { openWorkerdSocket } from "../support/workerd-socket.ts";
import { uniqueRoom } from "../support/rooms.ts";

describe("/chat in the text framing", () => {
  it("joins room main, announces joins to everyone including the joiner, and relays to all in one order", async () => {
    const name = `alice${crypto.randomUUID().slice(0, 4)}`;
    const alice = await openWorkerdSocket(`/chat?name=${name}&history=0`);
    const bob = await openWorkerdSocket(`/chat?name=bob&history=0`);
    expect(await alice.nextText()).toBe(`${name} joined the chat!`);
    expect(await alice.nextText()).toBe("bob joined the chat!");
    expect(await bob.nextText()).toBe("bob joined the chat!");

    for (let i = 0; i < 5; i++) {
      alice.send(`a${i}`);
      bob.send(`b${i}`);
    }
    const seenByAlice = await Promise.all(Array.from({ length: 10 }, () => alice.nextText()));
    const seenByBob = await Promise.all(Array.from({ length: 10 }, () => bob.nextText()));
    expect(seenByAlice).toEqual(seenByBob);
    expect(seenByAlice.filter((line) => line.startsWith(`from ${name}: `))).toEqual(
      [0, 1, 2, 3, 4].map((i) => `from ${name}: a${i}`),
    );
    expect(seenByAlice.filter((line) => line.startsWith("from bob: "))).toEqual(
      [0, 1, 2, 3, 4].map((i) => `from bob: b${i}`),
    );

    bob.close();
    expect(await alice.nextText()).toBe("bob left the chat!");
  });

  it("replays history as from lines before the joiner's own joined line", async () => {
    const room = uniqueRoom("replay");
    const first = await openWorkerdSocket(`/chat/${room}?name=ann`);
    await first.nextText();
    first.send("one");
    first.send("two");
    expect(await first.nextText()).toBe("from ann: one");
    expect(await first.nextText()).toBe("from ann: two");
    const second = await openWorkerdSocket(`/chat/${room}?name=ben&history=1`);
    expect(await second.nextText()).toBe("from ann: two");
    expect(await second.nextText()).toBe("ben joined the chat!");
  });

  it("names a nameless session guest- and four base-36 characters", async () => {
    const room = uniqueRoom("guest");
    const socket = await openWorkerdSocket(`/chat/${room}`);
    expect(await socket.nextText()).toMatch(/^guest-[0-9a-z]{4} joined the chat!$/);
  });

  it("normalises names to NFC and trims them", async () => {
    const room = uniqueRoom("nfc");
    const socket = await openWorkerdSocket(`/chat/${room}?name=${encodeURIComponent("  Zoe\u0301 ")}`);
    expect(await socket.nextText()).toBe("Zo\u00e9 joined the chat!");
  });

  it.each([
    ["a name of 33 characters", "x".repeat(33), "at most 32"],
    ["markup", "<b>", '"<"'],
    ["a control character", "a\u0007b", "U+0007"],
    ["only spaces", "   ", "only spaces"],
  ])("closes with 4400 and says why for %s", async (_, name, why) => {
    const socket = await openWorkerdSocket(`/chat/${uniqueRoom("badname")}?name=${encodeURIComponent(name)}`);
    const { code, reason } = await socket.closed();
    expect(code).toBe(4400);
    expect(reason).toContain(why);
  });

  it("accepts a name of exactly 32 characters in any script", async () => {
    const name = "日本語のなまえ٣".padEnd(32, "ü");
    const socket = await openWorkerdSocket(`/chat/${uniqueRoom("longname")}?name=${encodeURIComponent(name)}`);
    expect(await socket.nextText()).toBe(`${name} joined the chat!`);
  });

  it("accepts a since of any number of digits", async () => {
    const socket = await openWorkerdSocket(`/chat/${uniqueRoom("bigsince")}?name=ann&since=${"9".repeat(40)}`);
    expect(await socket.nextText()).toBe("ann joined the chat!");
  });

  it("shortens a close reason to the 123 bytes a close frame can carry", async () => {
    const socket = await openWorkerdSocket(`/chat/${uniqueRoom("longreason")}?history=${"四".repeat(60)}`);
    const { code, reason } = await socket.closed();
    expect(code).toBe(4400);
    expect(new TextEncoder().encode(reason).length).toBeLessThanOrEqual(123);
    expect(reason).toMatch(/^history must be a whole number.*…$/);
  });

  it.each(["history=ten", "since=-1", "history=1e3"])("closes with 4400 for a bad parameter: %s", async (query) => {
    const socket = await openWorkerdSocket(`/chat/${uniqueRoom("badparam")}?${query}`);
    const { code, reason } = await socket.closed();
    expect(code).toBe(4400);
    expect(reason).toMatch(/must be a whole number/);
  });

  it("answers bad input with an error line only to its sender and keeps the connection open", async () => {
    const room = uniqueRoom("badinput");
    const sender = await openWorkerdSocket(`/chat/${room}?name=sender`);
    const other = await openWorkerdSocket(`/chat/${room}?name=other`);
    await sender.nextText();
    await sender.nextText();
    await other.nextText();
    sender.send("   ");
    sender.send(new Uint8Array([1, 2, 3]).buffer);
    sender.send("x".repeat(4097));
    expect(await sender.nextText()).toBe("error: message is empty");
    expect(await sender.nextText()).toMatch(/^error: binary frames are not supported/);
    expect(await sender.nextText()).toBe("error: message is over 4096 bytes of UTF-8");
    sender.send("still here");
    expect(await sender.nextText()).toBe("from sender: still here");
    expect(await other.nextText()).toBe("from sender: still here");
  });
});
