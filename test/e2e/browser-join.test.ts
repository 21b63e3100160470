// When the chat page joins its room, in real Chromium against a real `wrangler dev`: not on
// loading (every visit would announce a guest joining and leaving to everyone), but once the
// person's name is known (remembered, or entered) or they choose to stay a guest. A text-framing
// client in the same room hears every join, so it is the witness. Pages and sockets close when
// their test ends.

import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { joinAs, screenshot, statusOf, waitConnected } from "../support/browser.ts";
import { chatUrl, openNodeSocket } from "../support/node-socket.ts";
import { roomState } from "../support/room-api.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { closeAtEnd, useChromium, useDevServer } from "../support/suite.ts";
import { sleep, waitUntil } from "../support/wait.ts";

const server = useDevServer();
const chromium = useChromium();

/** A text-framing client in `room`; `heard()` is every line after its own join. */
async function witness(room: string): Promise<{ heard: () => string[] }> {
  const socket = closeAtEnd(await openNodeSocket(chatUrl(server, room, { name: "witness", history: 0 })));
  await socket.waitForText("witness joined the chat!");
  const joined = socket.texts().indexOf("witness joined the chat!");
  return { heard: () => socket.texts().slice(joined + 1) };
}

async function onlineCount(room: string): Promise<number> {
  return (await roomState(server, room)).online;
}

function field(page: Page, name: "Name" | "Room" | "Message") {
  return page.getByRole("textbox", { name, exact: true });
}

describe("joining from the chat page", () => {
  test("a first visit joins nobody until the person names themselves, then joins once under that name", async () => {
    const room = uniqueRoom("first-visit");
    const { heard } = await witness(room);
    const visitor = await chromium.openPage(`${server.url}/?room=${room}`);
    // Nothing can announce the absence of a join: wait as long as a page takes to connect,
    // which is well under a second here, then check that nobody came.
    await sleep(2_000);
    expect(heard()).toEqual([]);
    expect(await onlineCount(room)).toBe(1);
    const status = await statusOf(visitor.page);
    expect(status).not.toContain("connected");
    expect(status).toContain("offline");
    await expect(field(visitor.page, "Name").evaluate((el) => el === document.activeElement)).resolves.toBe(true);

    await joinAs(visitor.page, "carol");
    await waitUntil(
      "the witness to hear carol join",
      () => heard().includes("carol joined the chat!") || heard().join(" | "),
    );
    expect(heard()).toEqual(["carol joined the chat!"]);
    expect(visitor.problems).toEqual([]);
  });

  test("a remembered name joins at once on the next visit, without a guest before it", async () => {
    const room = uniqueRoom("remembered");
    const visitor = await chromium.openPage(`${server.url}/?room=${room}`);
    await joinAs(visitor.page, "dora");
    const { heard } = await witness(room);
    // The same browser profile comes back: its localStorage remembers the name.
    await visitor.page.close();
    const again = await visitor.context.newPage();
    await again.goto(`${server.url}/?room=${room}`, { waitUntil: "load" });
    await waitConnected(again, "dora on her second visit", "dora");
    expect(await field(again, "Name").inputValue()).toBe("dora");
    await waitUntil(
      "the witness to hear dora come back",
      () => heard().includes("dora joined the chat!") || heard().join(" | "),
    );
    expect(heard().filter((line) => line.includes("joined"))).toEqual(["dora joined the chat!"]);
  });

  test("Join as guest joins under the name the room picks, and keeps it for the next visit", async () => {
    const room = uniqueRoom("guest");
    const { heard } = await witness(room);
    const visitor = await chromium.openPage(`${server.url}/?room=${room}`);
    await visitor.page.getByRole("button", { name: "Join as guest", exact: true }).click();
    await waitConnected(visitor.page, "the guest", "guest-");
    const name = await field(visitor.page, "Name").inputValue();
    expect(name).toMatch(/^guest-[0-9a-z]{4}$/);
    await waitUntil(
      "the witness to hear the guest join",
      () => heard().includes(`${name} joined the chat!`) || heard().join(" | "),
    );
    expect(heard()).toEqual([`${name} joined the chat!`]);

    await visitor.page.reload({ waitUntil: "load" });
    await waitConnected(visitor.page, "the guest after a reload", name);
    expect(visitor.problems).toEqual([]);
  });

  test("Join with the Name left empty joins as a guest too", async () => {
    const room = uniqueRoom("empty-name");
    const visitor = await chromium.openPage(`${server.url}/?room=${room}`);
    await visitor.page.getByRole("button", { name: "Join", exact: true }).click();
    await waitConnected(visitor.page, "the guest", "guest-");
    expect(await onlineCount(room)).toBe(1);
  });

  test("a message written before joining is kept, and the page says to join first", async () => {
    const room = uniqueRoom("early-message");
    const visitor = await chromium.openPage(`${server.url}/?room=${room}`);
    await field(visitor.page, "Message").fill("hello, anyone?");
    await field(visitor.page, "Message").press("Enter");
    await waitUntil("the hint to say to join first", async () => {
      const hint = (await visitor.page.locator("#composer-hint").textContent()) ?? "";
      return hint.includes("Join") || hint;
    });
    expect(await field(visitor.page, "Message").inputValue()).toBe("hello, anyone?");
    expect(await onlineCount(room)).toBe(0);
  });

  test("before and after joining, every part SPEC.md names is there, on a desktop and on a phone", async () => {
    const room = uniqueRoom("layout");
    for (const [width, label] of [
      [1280, "desktop"],
      [375, "375px"],
    ] as const) {
      const visitor = await chromium.openPage(`${server.url}/?room=${room}`, width);
      const { page } = visitor;
      const parts = [
        page.getByRole("textbox", { name: "Name", exact: true }),
        page.getByRole("textbox", { name: "Room", exact: true }),
        page.getByRole("textbox", { name: "Message", exact: true }),
        page.getByRole("button", { name: "Send", exact: true }),
        page.getByRole("button", { name: "Join", exact: true }),
        page.getByRole("button", { name: "Join as guest", exact: true }),
        page.getByRole("log"),
        page.getByRole("list", { name: "Online", exact: true }),
        page.getByRole("status"),
      ];
      for (const part of parts) {
        const box = await part.boundingBox();
        expect(box, `${String(part)} is laid out at ${width} px`).not.toBeNull();
        expect(box!.x + box!.width, `${String(part)} fits in ${width} px`).toBeLessThanOrEqual(width);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, `join-before-${label}.png`);

      await joinAs(page, `${label} visitor`);
      expect(await page.getByRole("button", { name: "Join as guest", exact: true }).isVisible()).toBe(false);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, `join-after-${label}.png`);
      expect(visitor.problems).toEqual([]);
    }
  });
});
