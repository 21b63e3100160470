// The old Python server's demo, replayed against a real `wrangler dev`: two chat clients and an
// echo client, speaking the text framing that websocat and wscat speak.

import { describe, expect, it } from "vitest";
import { openNodeSocket, wsUrl } from "../support/node-socket.ts";
import { closeAtEnd, useDevServer } from "../support/suite.ts";
import { waitUntil } from "../support/wait.ts";

const server = useDevServer();

describe("the old server's demo through wrangler dev", () => {
  it("chats between two clients with joined, from and left lines, and echoes on /echo", async () => {
    const alice = closeAtEnd(await openNodeSocket(wsUrl(server, "/chat?name=alice&history=0")));
    const bob = closeAtEnd(await openNodeSocket(wsUrl(server, "/chat?name=bob&history=0")));
    const echo = closeAtEnd(await openNodeSocket(wsUrl(server, "/echo")));
    await alice.waitForText("bob joined the chat!");
    await bob.waitForText("bob joined the chat!");
    expect(alice.texts().slice(0, 2)).toEqual(["alice joined the chat!", "bob joined the chat!"]);

    alice.send("hello bob");
    bob.send("hi alice, ünïcödé ✓");
    const expected = ["from alice: hello bob", "from bob: hi alice, ünïcödé ✓"];
    await alice.waitFor("both messages", () => expected.every((line) => alice.texts().includes(line)));
    await bob.waitFor("both messages", () => expected.every((line) => bob.texts().includes(line)));
    const fromLines = (lines: string[]) => lines.filter((line) => line.startsWith("from "));
    expect(fromLines(alice.texts())).toEqual(fromLines(bob.texts()));

    echo.send("ping?");
    echo.send(Buffer.from([0, 1, 2, 250]));
    expect(await echo.next()).toBe("ping?");
    expect([...(await echo.next())]).toEqual([0, 1, 2, 250]);

    bob.close();
    await alice.waitForText("bob left the chat!");
    // The room's console reaches us through wrangler's output pipe, a moment after the sockets.
    for (const line of [
      /\[INFO\] client alice \([^)]*\) connected through \/chat room=main/,
      /\[INFO\] client bob \([^)]*\) disconnected from room=main code=1000/,
    ]) {
      await waitUntil(`wrangler dev to print ${line}`, () => line.test(server.output()) || server.output(), 5_000);
    }
  });

  it("serves the chat page, the echo page and the old page paths", async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
    const echoPage = await fetch(`${server.url}/echo.html`, { redirect: "manual" });
    expect(echoPage.status).toBe(200);
    const old = await fetch(`${server.url}/ui-chat`, { redirect: "manual" });
    expect(old.status).toBe(301);
  });
});

describe("closing a room's socket through wrangler dev", () => {
  it.each([
    ["text", false],
    ["JSON", true],
  ])("answers a %s client's close frame with its own code and reason at once", async (_framing, json) => {
    const client = await openNodeSocket(wsUrl(server, "/chat?name=leaving&history=0"), { json });
    await client.next();
    const started = Date.now();
    client.close(1000, "bye");
    expect(await client.closed(3_000)).toEqual({ code: 1000, reason: "bye" });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
