// Bad input against a real `wrangler dev`: thousands of generated frames on /chat in both
// framings and on /echo, hostile names, rooms and query parameters. Each must get SPEC.md's
// answer, a bystander in the same room must keep receiving throughout, and the dev server's
// output must never show an uncaught exception.

import { describe, expect, it } from "vitest";
import { type ErrorCode, type ServerMessage } from "../../src/shared/protocol.ts";
import { isRoomName } from "../../src/shared/rules.ts";
import { Random, utf8Bytes } from "../support/fuzz.ts";
import { chatUrl, openNodeSocket, wsUrl, type NodeTestSocket } from "../support/node-socket.ts";
import { rawUpgrade } from "../support/raw-upgrade.ts";
import { roomState } from "../support/room-api.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { closeAtEnd, useDevServer } from "../support/suite.ts";

const MAX_MESSAGE_BYTES = 4096;
const GENERATED_FRAMES = 2000;

// The per-session limits and the room's admission are lifted here so that every generated frame
// gets its own answer instead of rate_limited: thousands of frames at once make a room refuse
// messages as too busy while the runtime holds them (README "What a room admits"), all the more
// on a machine busy with other work. The floods and the room's admission have their own file.
const server = useDevServer({
  vars: { RATE_BURST: 1_000_000, RATE_PER_SEC: 1_000_000, MAX_BACKLOG_MS: 0 },
});

/** A socket to `url`, closed when the test ends. */
async function open(url: string, json = false): Promise<NodeTestSocket> {
  return closeAtEnd(await openNodeSocket(url, { json }));
}

type Expected = { kind: "error"; code: ErrorCode; ref?: string } | { kind: "message"; text: string } | { kind: "pong" };

interface Case {
  label: string;
  frame: string | Buffer;
  expect: Expected;
}

/** A chat text the room must accept: not blank, within the byte limit. */
function acceptableText(random: Random): string {
  for (;;) {
    const text = random.unicode(random.int(1, 120));
    if (text.trim() !== "" && utf8Bytes(text) <= MAX_MESSAGE_BYTES) return text;
  }
}

function tooLongText(random: Random): string {
  let text = "";
  while (utf8Bytes(text) <= MAX_MESSAGE_BYTES) text += random.unicode(200);
  return text;
}

const BLANKS = [" ", "\t", "\n\r", "\u3000", "\u00a0 ", "\u2028\u2029", "\ufeff", "\u2000\u200a\u202f\u205f"];
const NOT_STRINGS: unknown[] = [0, -1.5, 1e308, null, true, false, [], ["a"], {}, { text: "a" }];

/** Generated JSON-framing frames, each with the answer SPEC.md promises its sender. */
function jsonCases(random: Random, count: number): Case[] {
  const cases: Case[] = [];
  const ref = () => `ref-${cases.length}-${random.int(0, 1e9)}`;
  const error = (code: ErrorCode, ref?: string): Expected =>
    ref === undefined ? { kind: "error", code } : { kind: "error", code, ref };
  /** A message with `text` and a fresh ref, which the room must refuse with `code`, naming the ref. */
  const refused = (label: string, text: unknown, code: ErrorCode): Case => {
    const r = ref();
    return { label, frame: JSON.stringify({ type: "message", text, ref: r }), expect: error(code, r) };
  };
  const makers: (() => Case)[] = [
    () => ({ label: "not JSON", frame: `{${random.unicode(random.int(0, 40))}`, expect: error("bad_frame") }),
    () => ({
      label: "JSON but not an object",
      frame: JSON.stringify(
        random.pick([
          ...NOT_STRINGS.filter((v) => typeof v !== "object" || Array.isArray(v) || v === null),
          random.unicode(5),
        ]),
      ),
      expect: error("bad_frame"),
    }),
    () => {
      const type = random.pick<unknown>([
        "",
        "Message",
        "MESSAGE",
        "pong",
        "welcome",
        "join",
        "error",
        " ping",
        random.unicode(6),
        ...NOT_STRINGS,
      ]);
      return { label: "unknown type", frame: JSON.stringify({ type, text: "hi" }), expect: error("bad_frame") };
    },
    () => ({ label: "no type", frame: JSON.stringify({ text: acceptableText(random) }), expect: error("bad_frame") }),
    () => refused("text not a string", random.pick(NOT_STRINGS), "bad_frame"),
    // JSON.stringify leaves out a field that is undefined: the frame has no "text" at all.
    () => refused("no text", undefined, "bad_frame"),
    () => {
      const bad = random.pick<unknown>(["", "x".repeat(65), 7, null, [], {}, true]);
      return {
        label: "ref not 1–64 characters",
        frame: JSON.stringify({ type: "message", text: "hi", ref: bad }),
        expect: error("bad_frame"),
      };
    },
    // JSON.stringify writes a lone surrogate as a \uXXXX escape, so the frame is valid UTF-8.
    () => refused("lone surrogate", `${random.unicode(3)}${random.loneSurrogate()}${random.unicode(3)}`, "bad_frame"),
    () => refused("blank text", random.pick(BLANKS).repeat(random.int(1, 5)), "empty"),
    () => refused("too long", tooLongText(random), "too_long"),
    () => {
      const text = acceptableText(random);
      const frame =
        random.next() < 0.5
          ? JSON.stringify({ type: "message", text })
          : JSON.stringify({ type: "message", text, ref: ref() });
      return { label: "valid message", frame, expect: { kind: "message", text } };
    },
    () => ({ label: "binary", frame: random.bytes(random.int(0, 2048)), expect: error("binary_not_supported") }),
    // Not byte-identical to the heartbeat, so the room answers it rather than the runtime.
    () => ({
      label: "ping with extra fields",
      frame: JSON.stringify({ type: "ping", n: random.int(0, 9) }),
      expect: { kind: "pong" },
    }),
  ];
  while (cases.length < count) cases.push(random.pick(makers)());

  // The extremes, once each: deep nesting, and frames near the platform's 1 MiB limit.
  const r = ref();
  cases.push(
    { label: "deeply nested array", frame: "[".repeat(200_000) + "]".repeat(200_000), expect: error("bad_frame") },
    {
      label: "deeply nested text",
      frame: `{"type":"message","ref":"${r}","text":${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}`,
      expect: error("bad_frame", r),
    },
    {
      label: "1 MB text",
      frame: JSON.stringify({ type: "message", text: "x".repeat(1_000_000) }),
      expect: error("too_long"),
    },
    { label: "up to 800 kB of random text", frame: `{${random.unicode(200_000)}`, expect: error("bad_frame") },
    {
      label: "huge unknown field",
      frame: JSON.stringify({ type: "message", text: "padded", pad: "p".repeat(900_000) }),
      expect: { kind: "message", text: "padded" },
    },
    { label: "1 MiB binary", frame: random.bytes(1024 * 1024), expect: error("binary_not_supported") },
  );
  return cases;
}

/** Sends `tick N` every `everyMs` until stopped, so a bystander has something to keep receiving. */
function chatterLoop(chatter: NodeTestSocket, json: boolean, everyMs: number): { stop(): number } {
  let sent = 0;
  const timer = setInterval(() => {
    const text = `tick ${sent++}`;
    chatter.send(json ? JSON.stringify({ type: "message", text }) : text);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return sent;
    },
  };
}

function messagesOf(client: NodeTestSocket): Extract<ServerMessage, { type: "message" }>[] {
  return client.messages().filter((frame) => frame.type === "message");
}

describe("generated bad input on /chat", () => {
  it("answers each of thousands of bad JSON frames with its error, relays only valid ones, and the bystander keeps receiving", async () => {
    const random = new Random();
    const room = uniqueRoom("fuzz-json");
    const cases = jsonCases(random, GENERATED_FRAMES);
    const bystander = await open(chatUrl(server, room, { name: "bystander" }), true);
    const chatter = await open(chatUrl(server, room, { name: "chatter" }), true);
    const attacker = await open(chatUrl(server, room, { name: "attacker" }), true);
    await attacker.waitFor("welcome", () => attacker.messages().find((f) => f.type === "welcome"));

    const ticks = chatterLoop(chatter, true, 20);
    for (const test of cases) attacker.send(test.frame);
    // The attacker's own answers: errors, pongs and its own messages, one per frame, in order.
    const answers = () =>
      attacker
        .messages()
        .filter((f) => f.type === "error" || f.type === "pong" || (f.type === "message" && f.name === "attacker"));
    await attacker.waitFor(
      `${cases.length} answers (seed ${random.seed})`,
      () => answers().length >= cases.length,
      60_000,
    );
    const tickCount = ticks.stop();

    const got = answers();
    expect(got.length, `seed ${random.seed}`).toBe(cases.length);
    cases.forEach((test, i) => {
      const answer = got[i]!;
      const where = `frame ${i} (${test.label}), seed ${random.seed}`;
      if (test.expect.kind === "error") {
        expect(answer, where).toMatchObject({ type: "error", code: test.expect.code });
        expect(answer.type === "error" ? answer.ref : undefined, where).toBe(test.expect.ref);
      } else if (test.expect.kind === "message") {
        expect(answer, where).toMatchObject({ type: "message", text: test.expect.text });
      } else expect(answer, where).toEqual({ type: "pong" });
    });

    // The bystander got every valid message, nothing else, and the chatter's ticks throughout.
    const valid = cases.filter((test) => test.expect.kind === "message").length;
    await bystander.waitFor(
      "the last tick and every valid message",
      () =>
        messagesOf(bystander).some((m) => m.text === `tick ${tickCount - 1}`) &&
        messagesOf(bystander).filter((m) => m.name === "attacker").length >= valid,
    );
    const seen = messagesOf(bystander);
    expect(bystander.messages().filter((f) => f.type === "error" || f.type === "pong")).toEqual([]);
    expect(seen.filter((m) => m.name === "attacker").map((m) => m.text)).toEqual(
      cases.flatMap((test) => (test.expect.kind === "message" ? [test.expect.text] : [])),
    );
    expect(seen.filter((m) => m.name === "chatter").map((m) => m.text)).toEqual(
      Array.from({ length: tickCount }, (_, i) => `tick ${i}`),
    );
    const ids = seen.map((m) => m.id);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => ids[0]! + i));
    expect(attacker.closeEvent()).toBeNull();
  });

  it("answers bad text-framing frames with error lines, relays any Unicode line as is, and the bystander keeps receiving", async () => {
    const random = new Random();
    const room = uniqueRoom("fuzz-text");
    const bystander = await open(chatUrl(server, room, { name: "bystander" }));
    const chatter = await open(chatUrl(server, room, { name: "chatter" }));
    const attacker = await open(chatUrl(server, room, { name: "attacker" }));
    await attacker.waitForText("attacker joined the chat!");

    const cases: { frame: string | Buffer; line: string }[] = [];
    for (let i = 0; i < GENERATED_FRAMES / 2; i++) {
      const kind = random.int(0, 4);
      if (kind === 0) {
        const text = random.pick(BLANKS).repeat(random.int(1, 4));
        cases.push({ frame: text, line: "error: message is empty" });
      } else if (kind === 1) {
        cases.push({
          frame: tooLongText(random),
          line: `error: message is over ${MAX_MESSAGE_BYTES} bytes of UTF-8`,
        });
      } else if (kind === 2) {
        cases.push({
          frame: random.bytes(random.int(0, 512)),
          line: "error: binary frames are not supported in /chat: send text",
        });
      } else {
        // JSON-looking text is just text in this framing.
        const text = kind === 3 ? acceptableText(random) : JSON.stringify({ type: "message", text: "not parsed" });
        cases.push({ frame: text, line: `from attacker: ${text}` });
      }
    }
    const ticks = chatterLoop(chatter, false, 20);
    for (const test of cases) attacker.send(test.frame);
    const own = () =>
      attacker.texts().filter((line) => line.startsWith("from attacker: ") || line.startsWith("error: "));
    await attacker.waitFor(`${cases.length} answers (seed ${random.seed})`, () => own().length >= cases.length, 60_000);
    const tickCount = ticks.stop();
    expect(own(), `seed ${random.seed}`).toEqual(cases.map((test) => test.line));

    const relayed = cases.filter((test) => test.line.startsWith("from attacker: ")).length;
    await bystander.waitFor(
      "the last tick and every relayed line",
      () =>
        bystander.texts().includes(`from chatter: tick ${tickCount - 1}`) &&
        bystander.texts().filter((line) => line.startsWith("from attacker: ")).length >= relayed,
    );
    const lines = bystander.texts();
    expect(lines.filter((line) => line.startsWith("error: "))).toEqual([]);
    expect(lines.filter((line) => line.startsWith("from attacker: "))).toEqual(
      cases.map((test) => test.line).filter((line) => line.startsWith("from attacker: ")),
    );
    expect(lines.filter((line) => line.startsWith("from chatter: "))).toEqual(
      Array.from({ length: tickCount }, (_, i) => `from chatter: tick ${i}`),
    );
  });

  it("treats a text frame that is not UTF-8 as the runtime decodes it, or closes with 1007, and serves the others either way", async () => {
    const room = uniqueRoom("bad-utf8");
    const bystander = await open(chatUrl(server, room, { name: "bystander" }));
    const attacker = await open(chatUrl(server, room, { name: "attacker" }));
    await bystander.waitForText("attacker joined the chat!");
    // A text frame holding 0xFF is invalid UTF-8 (RFC 6455 §8.1); ws sends it unchecked.
    attacker.raw.send(Buffer.from([0x61, 0xff, 0x62]), { binary: false });
    attacker.send("after");
    const chatter = await open(chatUrl(server, room, { name: "chatter" }));
    chatter.send("still here");
    await bystander.waitForText("from chatter: still here");
    const lines = bystander.frames.map((f) => f.data);
    if (attacker.closeEvent() !== null) {
      expect(attacker.closeEvent()!.code).toBe(1007);
      expect(lines).toContain("attacker left the chat!");
    } else {
      // workerd decodes with U+FFFD replacement instead of failing the connection.
      expect(lines).toContain("from attacker: a\uFFFDb");
      expect(lines).toContain("from attacker: after");
    }
  });
});

describe("generated input on /echo", () => {
  it("sends back hundreds of random binary and Unicode frames unchanged and in order, up to 1 MiB, while another echo session is served", async () => {
    const random = new Random();
    const echo = await open(wsUrl(server, "/echo"));
    const other = await open(wsUrl(server, "/echo"));
    const frames: (string | Buffer)[] = [];
    for (let i = 0; i < 300; i++) {
      const size = random.next() < 0.05 ? random.int(64 * 1024, 1024 * 1024) : random.int(0, 4096);
      // Lone surrogates cannot travel in a text frame (it must be UTF-8), so text here is well-formed.
      frames.push(random.next() < 0.5 ? random.bytes(size) : random.unicode(Math.max(1, size / 4)));
    }
    frames.push(random.bytes(1024 * 1024));
    let otherSent = 0;
    const timer = setInterval(() => other.send(`beat ${otherSent++}`), 10);
    for (const frame of frames) echo.send(frame);
    await echo.waitFor(
      `${frames.length} echoes (seed ${random.seed})`,
      () => echo.frames.length >= frames.length,
      60_000,
    );
    clearInterval(timer);
    frames.forEach((frame, i) => {
      const back = echo.frames[i]!.data;
      if (typeof frame === "string") expect(back, `frame ${i}, seed ${random.seed}`).toBe(frame);
      else expect(Buffer.isBuffer(back) && back.equals(frame), `binary frame ${i}, seed ${random.seed}`).toBe(true);
    });
    await other.waitFor("every beat back", () => other.frames.length >= otherSent);
    expect(other.frames.map((f) => f.data)).toEqual(Array.from({ length: otherSent }, (_, i) => `beat ${i}`));
  });
});

describe("hostile names, rooms and query parameters", () => {
  it("closes bad names and parameters with 4400, odd paths with 4404 and the path as received, and the room keeps serving", async () => {
    const room = uniqueRoom("hostile");
    const bystander = await open(chatUrl(server, room, { name: "bystander" }), true);

    // Query values as sent on the wire: percent-encoded, including bytes that are not UTF-8.
    const badNames = [
      "%00",
      "a%07b",
      "%E2%80%AEevil",
      "tab%09name",
      "line%0Abreak",
      "zero%E2%80%8Bwidth",
      "emoji%F0%9F%98%80",
      "%25zz",
      "%3Cscript%3E",
      "x".repeat(33),
      "a%2Fb",
      "%ED%A0%80",
      "%FF",
    ];
    const badParams = [
      "history=-1",
      "history=abc",
      "history=1.5",
      "history=1e3",
      "since=-1",
      "since=0x10",
      "since=",
      "history=%205",
      "since=%00",
    ];
    const answers = await Promise.all([
      ...badNames.map(async (name) => ({
        what: `name=${name}`,
        answer: await rawUpgrade(server.port, `/chat/${room}?name=${name}`),
        code: 4400,
        reason: /name/,
      })),
      ...badParams.map(async (query) => ({
        what: query,
        answer: await rawUpgrade(server.port, `/chat/${room}?${query}`),
        code: 4400,
        reason: /must be a whole number/,
      })),
    ]);
    for (const { what, answer, code, reason } of answers) {
      expect(answer.status, what).toBe(101);
      expect(answer.close?.code, what).toBe(code);
      expect(answer.close?.reason, what).toMatch(reason);
    }

    const oddPaths = [
      "/chat/..%2F..%2Fetc%2Fpasswd",
      "/chat/../chat/x",
      "/chat/%2e%2e/%2e%2e/etc/passwd",
      "/chat/a%00b",
      "/chat/%41bc",
      "/chat/",
      "/chat//x",
      "/chat/x/",
      `/chat/${"a".repeat(65)}`,
      "/chat/caf%C3%A9",
      "/chat/x%0d%0aSet-Cookie:%20a=b",
      "/chat/..",
      "/chat/.",
      `/chat/${"%F0%9F%98%80".repeat(40)}`,
      "/%63hat/main",
    ];
    for (const path of oddPaths) {
      const answer = await rawUpgrade(server.port, `${path}?name=odd`);
      expect(answer.status, path).toBe(101);
      // The Worker sees the path after URL parsing, which resolves dot segments (%2e too):
      // traversal can only ever name another path of this service, never leave it.
      const seen = new URL(path, "http://host").pathname;
      if (seen === "/") {
        expect(answer.close, path).toEqual({ code: 4400, reason: "needs a path" });
        continue;
      }
      if (seen.startsWith("/chat/") && isRoomName(seen.slice(6))) {
        expect(answer.close, `${path} resolves to the room ${seen}`).toBeNull();
        continue;
      }
      expect(answer.close?.code, path).toBe(4404);
      // The reason names the path as received, cut to the 123 bytes a close reason may hold.
      const full = `path not found: ${seen}`;
      expect(Buffer.byteLength(answer.close!.reason), path).toBeLessThanOrEqual(123);
      if (Buffer.byteLength(full) <= 123) expect(answer.close!.reason, path).toBe(full);
      else expect(full.startsWith(answer.close!.reason.replace(/…$/, "")), path).toBe(true);
    }

    // Odd but valid: accepted, with the rules SPEC.md gives.
    const longRoom = await open(chatUrl(server, `${room.slice(0, 8)}${"a".repeat(56)}`), true);
    expect((await longRoom.nextJson()).type).toBe("welcome");
    const odd = await open(
      `${chatUrl(server, room)}?name=${encodeURIComponent("  Zoe\u0308 ٣ ")}&name=second&history=99999999999999999999&since=99999999999999999999&foo=${"x".repeat(4000)}`,
      true,
    );
    const welcome = await odd.nextJson();
    expect(welcome).toMatchObject({ type: "welcome", you: "Zo\u00eb ٣", history: [] });

    const guest = await open(`${chatUrl(server, room)}?name=`, true);
    expect(await guest.nextJson()).toMatchObject({
      type: "welcome",
      you: expect.stringMatching(/^guest-[0-9a-z]{4}$/),
    });

    // The room served its bystander all along: a message still arrives.
    guest.sendJson({ type: "message", text: "after the storm" });
    await bystander.waitFor("a message after the hostile joins", () =>
      messagesOf(bystander).find((m) => m.text === "after the storm"),
    );
    // Every refused join left no ghost behind.
    expect((await roomState(server, room)).online).toBe(3);
  });

  it("answers the HTTP API's bad rooms and parameters with 400 or 404 and a JSON error", async () => {
    const room = uniqueRoom("api");
    const bad = [
      "/api/rooms/..%2F..%2Fetc",
      "/api/rooms/a%00b",
      `/api/rooms/${"a".repeat(65)}`,
      "/api/rooms/x/messages?limit=0",
      "/api/rooms/x/messages?limit=1001",
      "/api/rooms/x/messages?limit=-1",
      "/api/rooms/x/messages?limit=abc",
      "/api/rooms/x/messages?since=-1",
      "/api/rooms/x/messages?since=1e3",
      "/api/rooms/x/other",
      "/api/rooms/",
      "/api/",
    ];
    for (const path of bad) {
      const response = await fetch(`${server.url}${path.replace("/x/", `/${room}/`)}`, {
        signal: AbortSignal.timeout(5_000),
      });
      expect([400, 404], path).toContain(response.status);
      const body = (await response.json()) as { error?: unknown };
      expect(typeof body.error, path).toBe("string");
    }
    const fine = await fetch(`${server.url}/api/rooms/${room}/messages?limit=1000&since=0`);
    expect(fine.status).toBe(200);
  });
});
