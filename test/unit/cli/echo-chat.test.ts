// The echo probe on in-memory streams against a local echo server: from a pipe every line goes
// and comes back before it exits; at a terminal each typed line is printed as it returns.

import { createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { runEcho } from "../../../src/cli/echo-chat.ts";
import { memoryIo } from "../../support/memory-io.ts";
import { scriptedRooms, type ScriptedRoom, type Visit } from "../../support/scripted-room.ts";

const scriptedRoom = scriptedRooms();

/** A server that plays /echo: every frame goes back as it came, after `delayMs`. */
function echoServer(delayMs = 0, onVisit?: (visit: Visit) => void): Promise<ScriptedRoom> {
  return scriptedRoom((visit) => {
    visit.socket.on("message", (data, isBinary) =>
      setTimeout(() => visit.socket.send(data, { binary: isBinary }), delayMs),
    );
    onVisit?.(visit);
  });
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("runEcho from a pipe", () => {
  test("sends every line, blank ones too, to /echo with no subprotocol, prints each echo, and exits 0 when all are back", async () => {
    const server = await echoServer(20);
    const { io, input, output, errors } = memoryIo();
    input.end("one\n\n/quit\ntwo\n");
    expect(await runEcho(server.url, false, io)).toBe(0);
    const [visit] = server.visits;
    expect(visit!.path).toBe("/echo");
    expect(visit!.protocol).toBe("");
    expect(visit!.frames).toEqual(["one", "", "/quit", "two"]);
    expect(output()).toBe("one\n\n/quit\ntwo\n");
    expect(errors()).toBe("");
  });

  test("a binary frame is shown by its size", async () => {
    const server = await scriptedRoom((visit) =>
      visit.socket.on("message", () => visit.socket.send(Buffer.from([1, 2, 3]))),
    );
    const { io, input, output } = memoryIo();
    input.end("x\n");
    expect(await runEcho(server.url, false, io)).toBe(0);
    expect(output()).toBe("(3 binary bytes)\n");
  });

  test("a server that closes says why and exits 1; a refused request exits 2", async () => {
    for (const [code, reason, status] of [
      [1011, "echo broke", 1],
      [4403, "not for you", 2],
    ] as const) {
      const server = await echoServer(0, (visit) => visit.socket.close(code, reason));
      const { io, input, errors } = memoryIo();
      const done = runEcho(server.url, false, io);
      expect(await done).toBe(status);
      input.end();
      expect(errors()).toBe(`edge-chat: ${reason}\n`);
    }
  });

  test("a service that cannot be reached exits 1, saying why", async () => {
    const probe = createServer();
    await new Promise<void>((listening) => probe.listen(0, "127.0.0.1", listening));
    const { port } = probe.address() as { port: number };
    await new Promise((closed) => probe.close(closed));
    const { io, errors } = memoryIo();
    expect(await runEcho(`http://127.0.0.1:${port}`, false, io)).toBe(1);
    expect(errors()).toBe(`edge-chat: cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });
});

describe("runEcho at a terminal", () => {
  test("says where it is connected, prints each typed line as it comes back above the prompt, and /quit exits 0", async () => {
    const server = await echoServer();
    const { io, input, screen } = memoryIo({ terminal: true, columns: 120 });
    const done = runEcho(server.url, true, io);
    await until(() => screen.text.at(-1) === "echo>");
    const wsUrl = `${server.url.replace("http:", "ws:")}/echo`;
    expect(screen.text).toEqual([`-- connected to ${wsUrl}; every line comes back as sent (/quit leaves)`, "echo>"]);

    input.write("hello\r");
    await until(() => screen.text.includes("hello"));
    // The typed line is erased and shown once, when it comes back.
    expect(screen.text.slice(1)).toEqual(["hello", "echo>"]);

    input.write("//slash\r");
    await until(() => screen.text.includes("/slash"));
    input.write("/help\r");
    await until(() => screen.text.some((line) => line.startsWith("-- every line you type")));
    input.write("/quit\r");
    expect(await done).toBe(0);
    expect(server.visits[0]!.frames).toEqual(["hello", "/slash"]);
    expect(screen.text.at(-1)).toBe(
      "-- every line you type is sent to /echo and printed when it comes back; /quit leaves",
    );
  });

  test("escape sequences that come back are shown as visible characters, not obeyed", async () => {
    const server = await echoServer();
    const { io, input, output, screen } = memoryIo({ terminal: true, columns: 120 });
    const done = runEcho(server.url, true, io);
    await until(() => screen.text.at(-1) === "echo>");
    server.visits[0]!.socket.send("\x1b[2Jgotcha");
    await until(() => output().includes("gotcha"));
    input.end();
    expect(await done).toBe(0);
    expect(screen.text).toContain("^[[2Jgotcha");
  });
});
