// The chat page in real Chromium against a real `wrangler dev`: what two people, a terminal user
// and a phone user see. Every test has its own room; every page closes when its test ends.

import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { joinAs, say, screenshot, statusOf, waitConnected, waitInLog } from "../support/browser.ts";
import { chatUrl, openNodeSocket } from "../support/node-socket.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { closeAtEnd, useChromium, useDevServer } from "../support/suite.ts";
import { waitUntil } from "../support/wait.ts";

const server = useDevServer();
const chromium = useChromium();

/** The names in the page's Online list, without the "you" mark. */
async function onlineNames(page: Page): Promise<string[]> {
  const items = page.getByRole("list", { name: "Online", exact: true }).getByRole("listitem");
  return (await items.allTextContents()).map((item) => item.replace(/you$/, "").trim().slice(1).trim());
}

function article(page: Page, text: string) {
  return page.getByRole("log").getByRole("article").filter({ hasText: text });
}

describe("the chat page", () => {
  test("two people in one room chat both ways, see each other come and go, and their own messages marked", async () => {
    const room = uniqueRoom("both-ways");
    const alice = await chromium.openPage(`${server.url}/?room=${room}`);
    await joinAs(alice.page, "alice");

    // Bob starts on the default room and moves by typing the room and pressing Enter there.
    const bob = await chromium.openPage(`${server.url}/`);
    await bob.page.getByRole("textbox", { name: "Name", exact: true }).fill("bob");
    const roomField = bob.page.getByRole("textbox", { name: "Room", exact: true });
    await roomField.fill(room);
    await roomField.press("Enter");
    await waitConnected(bob.page, "bob", "bob");
    expect(new URL(bob.page.url()).searchParams.get("room")).toBe(room);

    await waitUntil("alice to see bob joined", async () =>
      (await alice.page.getByRole("log").innerText()).includes("bob joined"),
    );
    await waitUntil("alice's Online list to hold alice and bob", async () => {
      const names = await onlineNames(alice.page);
      return names.join(",") === "alice,bob" || names.join(",");
    });

    await say(alice.page, "hi bob, welcome");
    await waitInLog(bob.page, "bob", "hi bob, welcome");
    expect(await article(bob.page, "hi bob, welcome").innerText()).toContain("alice");
    await waitInLog(alice.page, "alice", "hi bob, welcome");
    await waitUntil(
      "alice's own message to be marked as hers",
      async () => (await article(alice.page, "hi bob, welcome").getByText("you", { exact: true }).count()) === 1,
    );
    expect(await article(bob.page, "hi bob, welcome").getByText("you", { exact: true }).count()).toBe(0);

    // Shift+Enter breaks the line; the Send button sends.
    const message = bob.page.getByRole("textbox", { name: "Message", exact: true });
    await message.fill("first line");
    await message.press("Shift+Enter");
    await message.pressSequentially("second line");
    await bob.page.getByRole("button", { name: "Send", exact: true }).click();
    await waitInLog(alice.page, "alice", "second line");
    const text = await article(alice.page, "second line").locator(".text").textContent();
    expect(text).toBe("first line\nsecond line");
    expect(await message.inputValue()).toBe("");

    await bob.context.close();
    await waitUntil("alice to see bob left", async () =>
      (await alice.page.getByRole("log").innerText()).includes("bob left"),
    );
    await waitUntil("alice's Online list to hold only alice", async () => {
      const names = await onlineNames(alice.page);
      return names.join(",") === "alice" || names.join(",");
    });
    expect(alice.problems).toEqual([]);
  });

  test("a terminal client on the text framing and the page see each other's messages", async () => {
    const room = uniqueRoom("terminal");
    const page = await chromium.openPage(`${server.url}/?room=${room}`);
    await joinAs(page.page, "alice");

    const terminal = closeAtEnd(await openNodeSocket(chatUrl(server, room, { name: "terminal", history: 0 })));
    await terminal.waitForText("terminal joined the chat!");
    await waitUntil("the page to list terminal as online", async () =>
      (await onlineNames(page.page)).includes("terminal"),
    );

    await say(page.page, "hello from the browser");
    await terminal.waitForText("from alice: hello from the browser");

    terminal.send("hello from the terminal");
    await waitInLog(page.page, "alice", "hello from the terminal");
    expect(await article(page.page, "hello from the terminal").innerText()).toContain("terminal");
    expect(page.problems).toEqual([]);
  });

  test("a message carrying HTML markup is shown as the text that was typed", async () => {
    const room = uniqueRoom("markup");
    const markup = `<img src="/nope" onerror="document.title='pwned'"><b>bold?</b> & <script>document.title='pwned'</script>`;
    const [alice, bob] = await Promise.all([
      chromium.openPage(`${server.url}/?room=${room}`),
      chromium.openPage(`${server.url}/?room=${room}`),
    ]);
    await Promise.all([joinAs(alice.page, "alice"), joinAs(bob.page, "bob")]);
    await say(alice.page, markup);
    await waitInLog(bob.page, "bob", "bold?");
    for (const page of [alice.page, bob.page]) {
      expect(await article(page, "bold?").locator(".text").textContent()).toBe(markup);
      expect(await page.getByRole("log").locator("img, b, script").count()).toBe(0);
      expect(await page.title()).not.toContain("pwned");
    }
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  });

  test("on a 375-pixel-wide screen everything fits and works from the keyboard", async () => {
    const room = uniqueRoom("phone");
    const phone = await chromium.openPage(`${server.url}/?room=${room}`, 375);
    const friend = await chromium.openPage(`${server.url}/?room=${room}`);
    await joinAs(friend.page, "Zoë");
    await joinAs(phone.page, "Dana");
    await say(friend.page, "Are you on your phone? The whole room fits on a small screen.");

    // Keyboard alone: after joining, focus is in the Message field; typing and Enter send.
    await phone.page.keyboard.type("Yes, and I never touched the mouse.");
    await phone.page.keyboard.press("Enter");
    await waitInLog(friend.page, "Zoë", "never touched the mouse");
    await waitInLog(phone.page, "Dana", "never touched the mouse");
    await waitUntil(
      "the phone's own message to be acknowledged",
      async () =>
        (await article(phone.page, "never touched the mouse").getAttribute("class"))?.includes("pending") === false,
    );

    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(375);
    for (const [role, name] of [
      ["textbox", "Message"],
      ["button", "Send"],
      ["textbox", "Name"],
      ["textbox", "Room"],
    ] as const) {
      const box = await phone.page.getByRole(role, { name, exact: true }).boundingBox();
      expect(box, `${name} is laid out`).not.toBeNull();
      expect(box!.x + box!.width, `${name} fits in 375 px`).toBeLessThanOrEqual(375);
    }
    expect(await phone.page.getByRole("list", { name: "Online", exact: true }).isVisible()).toBe(true);

    await screenshot(phone.page, "chat-375px.png");
    expect([...phone.problems, ...friend.problems]).toEqual([]);
  });

  test("a room name the service would refuse is explained instead of tried", async () => {
    const page = await chromium.openPage(`${server.url}/?room=${encodeURIComponent("no spaces!")}`);
    await waitUntil("the page to say why it is not connecting", async () => {
      const problem = await page.page.getByText("A room name is").textContent();
      return (problem ?? "").includes("1–64");
    });
    expect(await statusOf(page.page)).toBe("offline");

    const roomField = page.page.getByRole("textbox", { name: "Room", exact: true });
    await roomField.fill(uniqueRoom("fixed"));
    await roomField.press("Enter");
    await waitConnected(page.page, "the page");
    expect(page.problems).toEqual([]);
  });
});

describe("the echo page and the page's security policy", () => {
  test("the echo page shows what /echo sends back", async () => {
    const page = await chromium.openPage(`${server.url}/echo.html`);
    await waitConnected(page.page, "the echo page");
    await say(page.page, "ping <i>as text</i>");
    await waitUntil("the echo to come back", async () =>
      (await page.page.getByRole("log").getByRole("article").filter({ hasText: "echo" }).allTextContents()).some(
        (text) => text.includes("ping <i>as text</i>"),
      ),
    );
    expect(page.problems).toEqual([]);
  });

  test("the page's CSP allows only its own scripts and its own WebSocket origin", async () => {
    const response = await fetch(`${server.url}/`);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain("unsafe-inline");
    expect(policy).not.toContain("unsafe-eval");

    const page = await chromium.openPage(`${server.url}/?room=${uniqueRoom("csp")}`);
    // The page's own same-origin ws: connection is allowed by connect-src 'self' …
    await page.page.getByRole("button", { name: "Join as guest", exact: true }).click();
    await waitConnected(page.page, "the page");
    expect(page.problems).toEqual([]);
    // … and a socket to any other origin (here another port of the same host) is refused.
    const violated = await page.page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          document.addEventListener("securitypolicyviolation", (event) => resolve(event.effectiveDirective), {
            once: true,
          });
          setTimeout(() => resolve("no violation"), 5_000);
          new WebSocket(url);
        }),
      `ws://127.0.0.1:${server.port + 1}/echo`,
    );
    expect(violated).toBe("connect-src");
  });
});
