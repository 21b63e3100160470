// The page survives a server restart the way a user needs it to: it says it is offline, keeps
// what was typed meanwhile as pending, reconnects by itself once `wrangler dev` is back on the
// same port and state, and then every message is there exactly once.

import { expect, test } from "vitest";
import { countInLog, joinAs, say, screenshot, statusOf, waitConnected, waitInLog } from "../support/browser.ts";
import { chatUrl, openNodeSocket } from "../support/node-socket.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { closeAtEnd, useChromium, useDevServer } from "../support/suite.ts";
import { waitUntil } from "../support/wait.ts";

const server = useDevServer();
const chromium = useChromium();

test(
  "after wrangler dev restarts, the page reconnects and a message typed offline arrives exactly once",
  { timeout: 150_000 },
  async () => {
    const room = uniqueRoom("restart");
    const page = await chromium.openPage(`${server.url}/?room=${room}`);
    await joinAs(page.page, "alice");
    await say(page.page, "said before the restart");
    await waitUntil("the first message to be acknowledged", async () => {
      const pending = await page.page.getByRole("log").getByRole("article").filter({ hasText: "sending…" }).count();
      return (await countInLog(page.page, "said before the restart")) === 1 && pending === 0;
    });

    await server.stop();
    await waitUntil("the status to stop saying connected", async () => {
      const status = await statusOf(page.page);
      return (!status.includes("connected") && status.includes("offline")) || `status "${status}"`;
    });

    await say(page.page, "typed while the server was down");
    const pending = page.page
      .getByRole("log")
      .getByRole("article")
      .filter({ hasText: "typed while the server was down" });
    await waitUntil("the offline message to be shown as pending", async () =>
      (await pending.innerText()).includes("waiting for the connection"),
    );

    // The first line of a wait is read out; the ticking seconds after it are only shown.
    const statusRegion = page.page.getByRole("status");
    await waitUntil("the countdown to tick without being read out", async () => {
      const live = await statusRegion.getAttribute("aria-live");
      const status = await statusOf(page.page);
      return (status.includes("reconnecting in") && live === "off") || `status "${status}", aria-live ${live}`;
    });

    await screenshot(page.page, "chat-offline.png");

    await server.startAgain();
    // The page's backoff grows to several seconds while the server is down; give it time to come back.
    await waitConnected(page.page, "alice after the restart", "alice", 60_000);
    expect(await statusRegion.getAttribute("aria-live")).toBe("polite");
    await waitUntil("the offline message to be acknowledged", async () => {
      const text = await pending.innerText();
      return !text.includes("waiting") && !text.includes("sending") ? true : text;
    });
    // Resuming with `since` replays nothing the page already showed, and the resent ref is not stored twice.
    await waitInLog(page.page, "alice", "typed while the server was down", 1);
    expect(await countInLog(page.page, "said before the restart")).toBe(1);

    // A newcomer reading the room's history sees both messages, each once.
    const newcomer = closeAtEnd(await openNodeSocket(chatUrl(server, room, { name: "newcomer" })));
    await newcomer.waitForText("newcomer joined the chat!");
    const lines = newcomer.texts();
    expect(lines.filter((line) => line === "from alice: said before the restart")).toHaveLength(1);
    expect(lines.filter((line) => line === "from alice: typed while the server was down")).toHaveLength(1);

    // While the server was down the browser logged failed connection attempts; nothing else may go wrong.
    expect(page.problems.filter((problem) => !problem.includes("WebSocket connection to"))).toEqual([]);
  },
);
