// The old Python server's demo, replayed against a real `wrangler dev`: two chat clients and an
// echo client, speaking the text framing that websocat and wscat speak.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "../support/dev-server.ts";
import { openWs, wsUrl } from "../support/ws-client.ts";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server?.stop();
});

async function waitForOutput(pattern: RegExp, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(server.output())) {
    if (Date.now() > deadline) throw new Error(`wrangler dev never printed ${pattern}:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the old server's demo through wrangler dev", () => {
  it("chats between two clients with joined, from and left lines, and echoes on /echo", async () => {
    const alice = await openWs(wsUrl(server.url, "/chat?name=alice&history=0"));
    const bob = await openWs(wsUrl(server.url, "/chat?name=bob&history=0"));
    const echo = await openWs(wsUrl(server.url, "/echo"));
    try {
      await alice.waitForLine("bob joined the chat!");
      await bob.waitForLine("bob joined the chat!");
      expect(alice.frames.slice(0, 2)).toEqual(["alice joined the chat!", "bob joined the chat!"]);

      alice.socket.send("hello bob");
      bob.socket.send("hi alice, ünïcödé ✓");
      const expected = ["from alice: hello bob", "from bob: hi alice, ünïcödé ✓"];
      await alice.waitFor((frames) => expected.every((line) => frames.includes(line)), "both messages");
      await bob.waitFor((frames) => expected.every((line) => frames.includes(line)), "both messages");
      expect(alice.frames.filter((f) => String(f).startsWith("from "))).toEqual(
        bob.frames.filter((f) => String(f).startsWith("from ")),
      );

      echo.socket.send("ping?");
      echo.socket.send(Buffer.from([0, 1, 2, 250]));
      await echo.waitFor((frames) => frames.length === 2, "two echoes");
      expect(echo.frames[0]).toBe("ping?");
      expect([...(echo.frames[1] as Buffer)]).toEqual([0, 1, 2, 250]);

      bob.close();
      await alice.waitForLine("bob left the chat!");
      // The room's console reaches us through wrangler's output pipe, a moment after the sockets.
      await waitForOutput(/\[INFO\] client alice \([^)]*\) connected through \/chat room=main/);
      await waitForOutput(/\[INFO\] client bob \([^)]*\) disconnected from room=main code=1000/);
    } finally {
      alice.close();
      bob.close();
      echo.close();
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
