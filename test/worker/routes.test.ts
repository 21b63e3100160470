import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { isOriginAllowed } from "../../src/worker/origin.ts";
import { JSON_SUBPROTOCOL } from "../../src/shared/protocol.ts";
import { openWorkerdSocket } from "../support/workerd-socket.ts";

describe("HTTP routes", () => {
  it("serves the chat page at / and the echo page at /echo.html without redirecting it", async () => {
    const chat = await SELF.fetch("http://localhost/", { redirect: "manual" });
    expect(chat.status).toBe(200);
    expect(chat.headers.get("content-type")).toContain("text/html");
    expect(await chat.text()).toContain("<html");

    const echo = await SELF.fetch("http://localhost/echo.html", { redirect: "manual" });
    expect(echo.status).toBe(200);
    expect(echo.headers.get("content-type")).toContain("text/html");
  });

  it("redirects the old server's page paths permanently", async () => {
    const chat = await SELF.fetch("http://localhost/ui-chat", { redirect: "manual" });
    expect(chat.status).toBe(301);
    expect(new URL(chat.headers.get("location")!).pathname).toBe("/");
    const echo = await SELF.fetch("http://localhost/ui-echo", { redirect: "manual" });
    expect(echo.status).toBe(301);
    expect(new URL(echo.headers.get("location")!).pathname).toBe("/echo.html");
  });

  it("answers /healthz with ok", async () => {
    const response = await SELF.fetch("http://localhost/healthz");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });

  it.each(["/echo", "/chat", "/chat/lobby"])("answers a plain GET of %s with 426 and how to connect", async (path) => {
    const response = await SELF.fetch(`http://localhost${path}`);
    expect(response.status).toBe(426);
    expect(response.headers.get("content-type")).toContain("text/plain");
    expect(await response.text()).toContain(`ws://localhost${path}`);
  });
});

describe("WebSocket routes that refuse", () => {
  it("closes a socket to / with 4400 needs a path", async () => {
    const socket = await openWorkerdSocket("/");
    expect(await socket.closed()).toEqual({ code: 4400, reason: "needs a path" });
  });

  it.each([
    "/nowhere",
    "/index.html",
    "/style.css",
    "/chat/bad!room",
    "/chat/",
    "/chat/a/b",
    `/chat/${"x".repeat(65)}`,
  ])("closes a socket to %s with 4404 and the path", async (path) => {
    const socket = await openWorkerdSocket(path);
    const expected = new URL(`http://localhost${path}`).pathname;
    expect(await socket.closed()).toEqual({ code: 4404, reason: `path not found: ${expected}` });
  });

  it("selects no subprotocol on /echo, which speaks none", async () => {
    const socket = await openWorkerdSocket("/echo", { json: true });
    expect(socket.protocol).toBeNull();
    socket.close();
  });

  it("selects chat.v1.json in the 101 of a refused socket, so the client can read the reason", async () => {
    const socket = await openWorkerdSocket("/nowhere", { json: true });
    expect(socket.protocol).toBe(JSON_SUBPROTOCOL);
    expect((await socket.closed()).code).toBe(4404);
  });

  it("refuses a browser socket from a foreign origin with 403 before the upgrade", async () => {
    const response = await SELF.fetch("http://localhost/chat", {
      headers: { upgrade: "websocket", origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    expect(response.webSocket).toBeNull();
  });

  it("lets in sockets from the page's own origin and from clients that send no origin", async () => {
    for (const origin of ["http://localhost", undefined]) {
      const socket = await openWorkerdSocket("/echo", origin ? { origin } : {});
      socket.send("hi");
      expect(await socket.next()).toBe("hi");
      socket.close();
    }
  });

  it("allows the origins listed in ALLOWED_ORIGINS, or all with *", () => {
    const from = (origin: string) =>
      new Request("https://chat.example/chat", { headers: { upgrade: "websocket", origin } });
    expect(isOriginAllowed(from("https://chat.example"), [])).toBe(true);
    expect(isOriginAllowed(from("https://other.example"), [])).toBe(false);
    expect(isOriginAllowed(from("https://other.example"), ["https://other.example"])).toBe(true);
    expect(isOriginAllowed(from("https://third.example"), ["https://other.example"])).toBe(false);
    expect(isOriginAllowed(from("https://third.example"), ["*"])).toBe(true);
    expect(isOriginAllowed(from("https://other.example"), ["https://other.example/"])).toBe(true);
    expect(isOriginAllowed(new Request("https://chat.example/chat"), [])).toBe(true);
  });
});
