// The terminal client used by scripts: standard input is a pipe. It runs as a real process
// against a real `wrangler dev`; another real socket in the room checks what arrived.

import { describe, expect, it } from "vitest";
import type { ChatMessage, ServerMessage } from "../../src/shared/protocol.ts";
import { runCli } from "../support/cli-process.ts";
import { freePort } from "../support/dev-server.ts";
import { chatUrl, openNodeSocket, type NodeTestSocket } from "../support/node-socket.ts";
import { storedMessages } from "../support/room-api.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { closeAtEnd, useDevServer } from "../support/suite.ts";

// A small burst and a quick refill, so that pacing shows within seconds: a client that sent
// everything at once would be refused over and over and dropped as a flooder (1008).
const RATE_BURST = 5;
const RATE_PER_SEC = 50;

const server = useDevServer({ vars: { RATE_BURST, RATE_PER_SEC } });

/** A JSON-framing socket in `room` that sees what the client under test sends. */
async function observe(room: string): Promise<NodeTestSocket> {
  return closeAtEnd(await openNodeSocket(chatUrl(server, room, { name: "observer", history: 0 }), { json: true }));
}

describe("the terminal client reading a pipe", () => {
  it("delivers every non-blank line once and in order to another client, then exits 0", async () => {
    const room = uniqueRoom("cli-pipe");
    const observer = await observe(room);
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1} · ünïcode ✓`);
    // Blank and whitespace-only lines are skipped; Windows line ends are not part of the text.
    const input = lines.map((line, i) => (i % 10 === 3 ? `${line}\r\n\n   \n` : `${line}\n`)).join("");

    const result = await runCli(["--url", server.url, "--room", room, "--name", "piper"], input);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // Exiting 0 means every line came back: all of them were printed as the text framing prints them.
    expect(result.stdout.split("\n").filter((line) => line.startsWith("from "))).toEqual(
      lines.map((line) => `from piper: ${line}`),
    );
    const isMessage = (m: ServerMessage): m is ChatMessage => m.type === "message";
    await observer.waitFor("all 40 lines", () => observer.messages().filter(isMessage).length >= lines.length);
    const received = observer.messages().filter(isMessage);
    expect(received.map((m) => [m.name, m.text])).toEqual(lines.map((line) => ["piper", line]));
    // Nothing stored twice: the room's history holds exactly these.
    const stored = await storedMessages(server, room);
    expect(stored.messages.map((m) => m.type === "message" && m.text)).toEqual(lines);
  });

  it("exits 1 and says which line when the room refuses the last line", async () => {
    const room = uniqueRoom("cli-refused");
    const result = await runCli(
      ["--url", server.url, "--room", room, "--name", "piper"],
      `fine\n${"x".repeat(5000)}\n`,
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/line 2/);
    expect(result.stdout).toContain("from piper: fine");
  });

  it("paces itself to the room's rate limit instead of being dropped as a flooder", async () => {
    const room = uniqueRoom("cli-pace");
    // Three times what an unpaced client could get refused before the room closes it with 1008.
    const count = 300;
    const input = Array.from({ length: count }, (_, i) => `paced ${i + 1}\n`).join("");
    const result = await runCli(["--url", server.url, "--room", room, "--name", "pacer"], input, {
      timeoutMs: 40_000,
    });
    expect(result.code, result.stderr).toBe(0);
    // A reconnect notice is allowed (wrangler dev reloads when a watched source file changes),
    // a flood close is not.
    expect(result.stderr).not.toMatch(/1008|flood/);
    // The room's limit makes this take at least (count - burst) / rate seconds.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(((count - RATE_BURST) / RATE_PER_SEC) * 1000 * 0.9);
    // Read back from the room's storage: every line once and in order, whatever reconnects happened.
    const stored = await storedMessages(server, room, "limit=1000");
    expect(stored.messages.map((m) => m.type === "message" && m.text)).toEqual(
      Array.from({ length: count }, (_, i) => `paced ${i + 1}`),
    );
  });

  it("prints the room's latest --history messages and its own joined line, then exits 0 on empty input", async () => {
    const room = uniqueRoom("cli-history");
    const writer = await runCli(["--url", server.url, "--room", room, "--name", "writer"], "one\ntwo\nthree\n");
    expect(writer.code).toBe(0);

    const reader = await runCli(["--url", server.url, "--room", room, "--name", "reader", "--history", "2"], "");
    expect(reader.stderr).toBe("");
    expect(reader.code).toBe(0);
    expect(reader.stdout).toBe("from writer: two\nfrom writer: three\nreader joined the chat!\n");
  });

  it("says why and exits 2 when the server closes with 4404 for a room name it does not serve", async () => {
    const result = await runCli(["--url", server.url, "--room", "bad!room"], "never sent\n");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("edge-chat: path not found: /chat/bad!room\n");
    expect(result.stdout).toBe("");
  });

  it("says why and exits 2 when the server closes with 4400 for an invalid name", async () => {
    const result = await runCli(["--url", server.url, "--room", uniqueRoom("cli-name"), "--name", "<script>"], "x\n");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^edge-chat: name .*"<"/);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("sends each line to /echo with --echo and prints what comes back, unchanged and in order", async () => {
    const lines = ["first", "", "  spaced  ", "ünïcode ✓ 🎉", "last"];
    const result = await runCli(["--url", server.url, "--echo"], lines.map((line) => `${line}\n`).join(""));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(lines.map((line) => `${line}\n`).join(""));
  });
});

describe("the terminal client when it cannot do what was asked", () => {
  it("prints exactly one line on standard error and exits 1 for a URL nobody answers", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(["--url", url, "--room", "anywhere"], "hello\n");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^edge-chat: cannot reach ${url}: .*ECONNREFUSED.*\\n$`));
  });

  it("adds nothing of npm's own to that one line under `npm run -s chat`", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(["--url", url], "hello\n", { command: ["npm", "run", "-s", "chat", "--"] });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n").filter((line) => line !== "")).toEqual([
      expect.stringMatching(/^edge-chat: cannot reach /),
    ]);
  });

  it("takes the URL from $CHAT_URL when --url is not given", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli([], "hello\n", { env: { CHAT_URL: url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach ${url}:`);
  });

  it("refuses an unknown option or a bad --history with exit 2, and --help explains every option", async () => {
    const unknown = await runCli(["--colour"], "");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^edge-chat: .*--colour.*\(see --help\)\n$/);

    const history = await runCli(["--history=-3"], "");
    expect(history.code).toBe(2);
    expect(history.stderr).toContain("--history must be a whole number");

    const help = await runCli(["--help"], "");
    expect(help.code).toBe(0);
    for (const option of ["--url", "--room", "--name", "--history", "--echo", "--help", "$CHAT_URL", "/who", "/quit"]) {
      expect(help.stdout).toContain(option);
    }
  });
});
