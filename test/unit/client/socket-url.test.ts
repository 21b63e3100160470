import { describe, expect, test } from "vitest";
import { roomSocketUrl, socketUrl } from "../../../src/client/socket-url.ts";

describe("socketUrl", () => {
  test("turns http into ws and https into wss, keeping ws and wss", () => {
    expect(socketUrl("http://localhost:8787", "/echo").href).toBe("ws://localhost:8787/echo");
    expect(socketUrl("https://chat.example.workers.dev", "/echo").href).toBe("wss://chat.example.workers.dev/echo");
    expect(socketUrl("ws://a.test", "/echo").href).toBe("ws://a.test/echo");
    expect(socketUrl("wss://a.test", "/echo").href).toBe("wss://a.test/echo");
  });

  test("replaces the base's own path, query and fragment (the page passes its own address)", () => {
    expect(socketUrl("https://a.test/somewhere/page.html?room=x#top", "/echo").href).toBe("wss://a.test/echo");
  });
});

describe("roomSocketUrl", () => {
  test("the main room is /chat, any other /chat/<room>", () => {
    expect(roomSocketUrl("http://a.test", "main").pathname).toBe("/chat");
    expect(roomSocketUrl("http://a.test", "lobby").pathname).toBe("/chat/lobby");
  });

  test("sets the parameters that have a value, encoded, and leaves out the rest", () => {
    const url = roomSocketUrl("http://a.test", "lobby", {
      name: "Zoë & co",
      history: 0,
      since: undefined,
      batch: 1,
      token: "",
    });
    expect(url.searchParams.get("name")).toBe("Zoë & co");
    expect(url.searchParams.get("history")).toBe("0");
    expect(url.searchParams.get("batch")).toBe("1");
    expect(url.searchParams.has("since")).toBe(false);
    expect(url.searchParams.has("token")).toBe(false);
    expect(url.href).toContain("name=Zo%C3%AB+%26+co");
  });

  test("a since of 0 is sent: it asks for every stored message", () => {
    expect(roomSocketUrl("http://a.test", "main", { since: 0 }).search).toBe("?since=0");
  });
});
