// Moderation and typing on the chat page, in real Chromium against a real `wrangler dev` (open
// mode, test secrets): a moderator and a verified member join with sign-in links, a guest by
// name. Every test has its own room; every page closes when its test ends.

import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { joinAs, say, screenshot, waitConnected, waitInLog } from "../support/browser.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { useChromium, useDevServer } from "../support/suite.ts";
import { signToken } from "../support/tokens.ts";
import { sleep, waitUntil } from "../support/wait.ts";

const server = useDevServer();
const chromium = useChromium();

/** A page signed in as `name` (user `u-name`), a moderator when asked. */
async function signedIn(room: string, name: string, moderator = false, width?: number): Promise<Page> {
  const token = await signToken({ sub: `u-${name}`, name, ...(moderator && { role: "moderator" as const }) });
  const { page } = await chromium.openPage(`${server.url}/?room=${room}#token=${token}`, width);
  await waitConnected(page, name, name);
  return page;
}

/** A guest page under `name`. */
async function guest(room: string, name: string): Promise<Page> {
  const { page } = await chromium.openPage(`${server.url}/?room=${room}`);
  await joinAs(page, name);
  return page;
}

/** A new room with a moderator (Mod), a verified member (Bea) and a guest (carol), each on a page of their own. */
async function threeInRoom(prefix: string): Promise<{ room: string; mod: Page; member: Page; carol: Page }> {
  const room = uniqueRoom(prefix);
  const mod = await signedIn(room, "Mod", true);
  const member = await signedIn(room, "Bea");
  const carol = await guest(room, "carol");
  return { room, mod, member, carol };
}

function article(page: Page, text: string) {
  return page.getByRole("log").getByRole("article").filter({ hasText: text });
}

async function waitText(page: Page, who: string, text: string, present = true): Promise<void> {
  await waitUntil(`${who}'s page to ${present ? "show" : "no longer show"} ${JSON.stringify(text)}`, async () => {
    const shown = (await page.getByText(text, { exact: false }).count()) > 0;
    return shown === present || `${shown ? "shown" : "not shown"}`;
  });
}

describe("a moderator's page", () => {
  test("a Delete button on every message deletes it, and every page shows 'message deleted' instead", async () => {
    const { room, mod, member, carol } = await threeInRoom("mod-delete");
    await say(carol, "buy cheap pills here");
    await say(member, "hello everyone");
    await waitInLog(mod, "the moderator", "hello everyone");
    await waitInLog(mod, "the moderator", "buy cheap pills");

    // Every message carries a Delete button for the moderator, the guest's and the member's alike.
    expect(await article(mod, "buy cheap pills").getByRole("button", { name: "Delete" }).count()).toBe(1);
    expect(await article(mod, "hello everyone").getByRole("button", { name: "Delete" }).count()).toBe(1);
    await screenshot(mod, "moderation-moderator-desktop.png");

    // By keyboard: focus the button and press Enter.
    await article(mod, "buy cheap pills").getByRole("button", { name: "Delete" }).focus();
    await mod.keyboard.press("Enter");
    for (const [who, page] of [
      ["the moderator", mod],
      ["the member", member],
      ["the guest", carol],
    ] as const) {
      await waitText(page, who, "buy cheap pills", false);
      await waitUntil(`${who}'s page to show "message deleted"`, async () => {
        const text = await article(page, "carol").first().textContent();
        return text?.includes("message deleted") || `the article reads ${text}`;
      });
    }
    // Someone who joins later sees the tombstone in the replay.
    const later = await guest(room, "dave");
    await waitText(later, "a later joiner", "message deleted");
    expect(await later.getByText("buy cheap pills").count()).toBe(0);
    await screenshot(carol, "moderation-deleted-desktop.png");

    const phone = await signedIn(room, "Mod", true, 375);
    await waitText(phone, "the moderator's phone", "message deleted");
    await screenshot(phone, "moderation-moderator-375px.png");
  });

  test("/slow 30 and /readonly on in the Message field change every page's notice, and read-only disables a member's composer", async () => {
    const { mod, member, carol } = await threeInRoom("mod-settings");

    await say(mod, "/slow 30");
    await waitText(member, "the member", "Slow mode: one message every 30 s");
    await waitText(carol, "the guest", "Slow mode: one message every 30 s");
    await waitText(mod, "the moderator", "for everyone but moderators");
    // The command was not sent as a message.
    expect(await article(member, "/slow").count()).toBe(0);

    await say(mod, "/readonly on");
    await waitText(member, "the member", "Only moderators can post here");
    await waitText(carol, "the guest", "Only moderators can post here");
    await expect(member.getByRole("textbox", { name: "Message", exact: true }).isDisabled()).resolves.toBe(true);
    await expect(member.getByRole("button", { name: "Send", exact: true }).isDisabled()).resolves.toBe(true);
    await expect(mod.getByRole("textbox", { name: "Message", exact: true }).isDisabled()).resolves.toBe(false);
    await screenshot(member, "moderation-read-only-desktop.png");

    await say(mod, "/readonly off");
    await waitUntil("the member's composer to be enabled again", () =>
      member.getByRole("textbox", { name: "Message", exact: true }).isEnabled(),
    );

    // Slow mode still holds for the member: a second message waits its turn on their page,
    // saying why, instead of being refused; it goes as soon as the room will take it.
    await say(member, "first under slow mode");
    await waitText(mod, "the moderator", "first under slow mode");
    await say(member, "second too soon");
    await waitText(member, "the member", "waits for slow mode (one message every 30 s)");
    await screenshot(member, "moderation-slow-mode-pending-desktop.png");
    await member.setViewportSize({ width: 375, height: 740 });
    await screenshot(member, "moderation-slow-mode-pending-375px.png");
    await sleep(1_000);
    expect(await mod.getByText("second too soon").count()).toBe(0);
    expect(await member.getByText("not sent").count()).toBe(0);
    await say(mod, "/slow 0");
    await waitText(mod, "the moderator", "second too soon");
    await waitText(member, "the member", "waits for slow mode", false);

    // A member's moderation command is refused by the room, in words.
    await say(member, "/kick carol");
    await waitText(member, "the member", "Not allowed: only moderators may do that.");
  });

  test("someone typing shows on the other pages as 'NAME is typing…', gone once their message arrives", async () => {
    const room = uniqueRoom("typing");
    const mod = await signedIn(room, "Mod", true);
    const member = await signedIn(room, "Bea");
    await member.getByRole("textbox", { name: "Message", exact: true }).pressSequentially("I am writing", {
      delay: 30,
    });
    await waitText(mod, "the moderator", "Bea is typing…");
    // Not on the typist's own page.
    expect(await member.getByText("is typing…").count()).toBe(0);
    await screenshot(mod, "moderation-typing-desktop.png");
    await member.getByRole("textbox", { name: "Message", exact: true }).press("Enter");
    await waitText(mod, "the moderator", "Bea is typing…", false);
  });
});

describe("a member's page", () => {
  test("shows Delete on the member's own messages only, and deleting one works", async () => {
    const room = uniqueRoom("member-delete");
    const member = await signedIn(room, "Bea");
    const carol = await guest(room, "carol");
    await say(carol, "carol's words");
    await say(member, "Bea's words");
    await waitInLog(member, "the member", "carol's words");
    await waitInLog(member, "the member", "Bea's words");

    expect(await article(member, "carol's words").getByRole("button", { name: "Delete" }).count()).toBe(0);
    // The own copy gets its Delete once the room has acknowledged it (before that it has no id).
    await article(member, "Bea's words").getByRole("button", { name: "Delete" }).waitFor({ timeout: 10_000 });
    expect(await article(member, "Bea's words").getByRole("button", { name: "Delete" }).count()).toBe(1);
    // A guest is not verified: no Delete even on their own message.
    expect(await carol.getByRole("button", { name: "Delete" }).count()).toBe(0);

    await article(member, "Bea's words").getByRole("button", { name: "Delete" }).click();
    await waitText(carol, "the guest", "Bea's words", false);
    await waitText(member, "the member", "Bea's words", false);
  });
});
