// A big room against a real `wrangler dev`, made small: with SHARD_SESSIONS=5 and PRESENCE_LIMIT=10
// a room of 32 sessions spans seven Durable Objects and announces its joins and leaves as presence
// summaries. Every promise of SPEC.md's "Big rooms" is checked from the clients' side: one order
// and exactly once for every session whichever object holds it (plain JSON, batch=1 and text),
// room-wide counts, coalesced presence, a resume with `since` on whatever shard, and the terminal
// client in pipe mode. One test, since each step builds on the room the one before filled.

import { describe, expect, it } from "vitest";
import { toTextLines } from "../../src/shared/frames.ts";
import type { ChatMessage, ServerMessage, StoredEvent, WelcomeMessage } from "../../src/shared/protocol.ts";
import { runCli } from "../support/cli-process.ts";
import { chatUrl, openNodeSocket, type NodeTestSocket } from "../support/node-socket.ts";
import { roomState, storedMessages } from "../support/room-api.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { closeAtEnd, useDevServer } from "../support/suite.ts";
import { sleep, waitUntil } from "../support/wait.ts";

const SHARD_SESSIONS = 5;
const PRESENCE_LIMIT = 10;
const server = useDevServer({ vars: { SHARD_SESSIONS, PRESENCE_LIMIT } });

/** The JSON clients (every third one with batch=1) and, among them, where the two text clients join. */
const JSON_CLIENTS = 30;
const TEXT_AT = [2, 20];
const SENDERS = 5;

interface Client {
  name: string;
  socket: NodeTestSocket;
  json: boolean;
}

async function join(room: string, name: string, json: boolean, params: Record<string, string | number> = {}) {
  const socket = closeAtEnd(await openNodeSocket(chatUrl(server, room, { name, ...params }), { json }));
  if (json) await socket.waitFor(`${name}'s welcome`, () => socket.messages()[0]?.type === "welcome");
  else await socket.waitForText(`${name} joined the chat!`);
  return { name, socket, json };
}

function welcomeOf(client: Client): WelcomeMessage {
  const first = client.socket.messages()[0];
  if (first?.type !== "welcome") throw new Error(`${client.name} has no welcome`);
  return first;
}

/** A JSON client's stored events: its welcome's history, then what it received live. */
function eventsOf(client: Client): StoredEvent[] {
  const [welcome, ...rest] = client.socket.messages();
  const live = rest.filter((m): m is ChatMessage => m.type === "message");
  return [...(welcome?.type === "welcome" ? welcome.history : []), ...live];
}

/** A text client's chat lines (`from NAME: TEXT`). */
function chatLines(client: Client): string[] {
  return client.socket.texts().filter((line) => line.startsWith("from "));
}

/** A text client's presence lines (`… joined the chat!`, `… left the chat!`). */
function presenceLines(client: Client): string[] {
  return client.socket.texts().filter((line) => / (joined|left) the chat!$/.test(line));
}

function ofType<T extends ServerMessage["type"]>(client: Client, type: T): Extract<ServerMessage, { type: T }>[] {
  return client.socket.messages().filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
}

/** Sends `count` messages from each sender, refs `<label>-<sender>-<n>`; returns their texts. */
function sendRound(senders: Client[], label: string, count: number): string[] {
  const texts: string[] = [];
  for (let n = 0; n < count; n++) {
    for (const [i, sender] of senders.entries()) {
      const text = `${label}-${i}-${n}`;
      texts.push(text);
      if (sender.json) sender.socket.sendJson({ type: "message", text, ref: text });
      else sender.socket.send(text);
    }
  }
  return texts;
}

describe("a big room over several Durable Objects", () => {
  it("gives every session every message once in one order, room-wide counts and presence summaries, and resumes on any shard", async () => {
    const room = uniqueRoom("big-room");
    const clients: Client[] = [];
    const sent: string[] = [];
    let senders: Client[] = [];

    // The first ten join one by one (each announced singly), the rest six at a time; the first
    // senders talk while the others are still joining, so welcomes' histories meet live traffic.
    let texts = 0;
    for (let i = 0; i < JSON_CLIENTS;) {
      const group: Promise<Client>[] = [];
      const size = clients.length < PRESENCE_LIMIT ? 1 : 6;
      for (let k = 0; k < size && i < JSON_CLIENTS; k++) {
        if (TEXT_AT.includes(clients.length + group.length) && texts < TEXT_AT.length) {
          group.push(join(room, `t${texts++}`, false, { history: 0 }));
        } else {
          const index = i++;
          group.push(join(room, `j${index}`, true, index % 3 === 1 ? { batch: 1 } : {}));
        }
      }
      clients.push(...(await Promise.all(group)));
      if (senders.length === 0 && clients.filter((c) => c.json).length >= SENDERS) {
        senders = clients.filter((c) => c.json).slice(0, SENDERS);
      }
      if (senders.length > 0 && [8, 16, 28].includes(clients.length)) {
        sent.push(...sendRound(senders, `early${clients.length}`, 1));
      }
    }
    const total = JSON_CLIENTS + TEXT_AT.length;
    expect(clients).toHaveLength(total);
    const json = clients.filter((c) => c.json);
    const text = clients.filter((c) => !c.json);

    // The room reports itself whole: every session, over at least ceil(32 / 5) - 1 objects.
    await waitUntil("the API to count the whole room", async () => {
      const state = await roomState(server, room);
      return (state.online === total && state.shards >= 6) || JSON.stringify(state);
    });
    const state = await roomState(server, room);
    expect(state.names.length).toBeLessThanOrEqual(PRESENCE_LIMIT);

    // Several senders, one of them a text client, once everyone is in.
    senders = [...senders, text[0]!];
    sent.push(...sendRound(senders, "main", 4));

    const everything = sent.length;
    for (const client of json) {
      await client.socket.waitFor(
        `${client.name}: all ${everything} messages`,
        () => eventsOf(client).length >= everything,
        20_000,
      );
    }
    for (const client of text) {
      // Text clients joined with history=0: t0 before any message, t1 after some.
      await client.socket.waitFor(`${client.name}: the main round`, () =>
        chatLines(client).some((line) => line.endsWith(": main-5-3")),
      );
    }
    await sleep(300); // anything extra (a duplicate) would arrive now

    // One order, exactly once, for every JSON client whichever object holds it.
    const order = eventsOf(json[0]!).map((e) => e.id);
    expect(order).toHaveLength(everything);
    expect(new Set(order).size).toBe(everything);
    const textOf = new Map(eventsOf(json[0]!).map((e) => [e.id, e.type === "message" ? e.text : ""]));
    expect(new Set(textOf.values())).toEqual(new Set(sent));
    for (const client of json)
      expect(
        eventsOf(client).map((e) => e.id),
        client.name,
      ).toEqual(order);
    // The text clients see the same order, as lines, from the message they joined at.
    const lines = order.map((id) => textOf.get(id)!);
    for (const client of text) {
      // The room's last message may not be t0's own, which is all they waited for above.
      await client.socket.waitFor(`${client.name}: the room's last message`, () =>
        chatLines(client).some((line) => line.endsWith(`: ${lines.at(-1)}`)),
      );
      const seen = chatLines(client).map((line) => line.slice(line.indexOf(": ") + 2));
      expect(seen, client.name).toEqual(lines.slice(lines.length - seen.length));
    }
    expect(chatLines(text[0]!)).toHaveLength(everything);
    const stored = await storedMessages(server, room, "since=0&limit=1000");
    expect(stored.messages.map((m) => m.id)).toEqual(order);

    // Presence: single join notices only while the room held at most ten sessions, then
    // summaries with the full count; the last one counts all 32.
    await waitUntil("a presence event counting the whole room", () => {
      const last = ofType(json[0]!, "presence").at(-1);
      return last?.online === total || JSON.stringify(last);
    });
    const first = json[0]!;
    expect(ofType(first, "join").map((j) => j.online)).toEqual(Array.from({ length: 9 }, (_, i) => i + 2));
    const summaries = ofType(first, "presence");
    expect(summaries.reduce((sum, p) => sum + p.joinedCount, 0)).toBe(total - PRESENCE_LIMIT);
    for (const p of summaries) {
      expect(p.joined.length).toBe(Math.min(p.joinedCount, 20));
      expect(p.online).toBeGreaterThan(PRESENCE_LIMIT);
    }
    for (const client of json) {
      expect(
        ofType(client, "join").every((j) => j.online <= PRESENCE_LIMIT),
        client.name,
      ).toBe(true);
      expect(ofType(client, "leave"), client.name).toEqual([]);
      expect(welcomeOf(client).online.length).toBeLessThanOrEqual(PRESENCE_LIMIT);
    }
    expect(welcomeOf(json.at(-1)!).onlineCount).toBeGreaterThan(PRESENCE_LIMIT);
    // A text client gets each notice as a line and each summary as one line per kind: t0 (joined
    // third) what j0 heard after its join; t1 (joined past the limit) a tail of the summaries.
    const firstEvents = first.socket.messages().filter((m) => m.type === "join" || m.type === "presence");
    const afterT0 = firstEvents.slice(firstEvents.findIndex((m) => m.type === "join" && m.name === "t0") + 1);
    // Its object may send a summary a moment after j0's did.
    const t0Expected = ["t0 joined the chat!", ...afterT0.flatMap(toTextLines)];
    await text[0]!.socket.waitFor("t0's presence lines", () => presenceLines(text[0]!).length >= t0Expected.length);
    expect(presenceLines(text[0]!)).toEqual(t0Expected);
    const summaryLines = summaries.flatMap(toTextLines);
    await text[1]!.socket.waitFor(
      "t1's last summary line",
      () => presenceLines(text[1]!).at(-1) === summaryLines.at(-1),
    );
    const t1Lines = presenceLines(text[1]!).slice(1);
    expect(presenceLines(text[1]!)[0]).toBe("t1 joined the chat!");
    expect(t1Lines.length).toBeGreaterThan(0);
    expect(summaryLines.slice(summaryLines.length - t1Lines.length)).toEqual(t1Lines);
    expect(t1Lines.some((line) => / and .* joined the chat!$/.test(line))).toBe(true);

    // Two clients leave, one from the room's own object and one from a shard, and come back with
    // since=<the last id each saw>, the shard's first: each lands on the object that has a free
    // seat then, not the one it left, and misses nothing and repeats nothing while messages flow.
    const leavers = [json[20]!, json[3]!];
    const objectOf = (name: string) =>
      [...server.output().matchAll(new RegExp(`client ${name} \\(.*\\) connected .* shard=(\\d+)`, "g"))].map((match) =>
        Number(match[1]),
      );
    const seenUpTo = leavers.map((leaver) => eventsOf(leaver).at(-1)!.id);
    for (const leaver of leavers) {
      leaver.socket.close();
      await leaver.socket.closed();
    }
    await waitUntil("the room to count the leaves", async () => (await roomState(server, room)).online === total - 2);
    const remaining = json.filter((c) => !leavers.includes(c));
    const whileAway = sendRound(senders.slice(0, 3), "away", 2);
    await remaining[0]!.socket.waitFor("the messages sent while away", () =>
      eventsOf(remaining[0]!).some((e) => e.type === "message" && e.text === "away-2-1"),
    );
    const back: Client[] = [];
    for (const [i, leaver] of leavers.entries()) {
      back.push(await join(room, leaver.name, true, { since: seenUpTo[i]!, ...(i === 0 ? { batch: 1 } : {}) }));
    }
    const meanwhile = sendRound(senders.slice(0, 3), "back", 2);
    const after = [...whileAway, ...meanwhile];
    const full = everything + after.length;
    for (const client of [...back, ...remaining]) {
      const need = back.includes(client) ? after.length : full;
      await client.socket.waitFor(`${client.name}: ${need} messages`, () => eventsOf(client).length >= need);
    }
    await sleep(300);
    const orderAfter = eventsOf(remaining[0]!).map((e) => e.id);
    expect(orderAfter.slice(0, everything)).toEqual(order);
    for (const client of back) {
      expect(welcomeOf(client).history.length, client.name).toBe(whileAway.length);
      expect(
        eventsOf(client).map((e) => e.id),
        client.name,
      ).toEqual(orderAfter.slice(everything));
    }
    for (const client of remaining)
      expect(
        eventsOf(client).map((e) => e.id),
        client.name,
      ).toEqual(orderAfter);
    for (const leaver of leavers) {
      // The log line of the second connect may trail the socket's welcome.
      await waitUntil(
        `${leaver.name}'s two connect lines`,
        () => objectOf(leaver.name).length === 2 || objectOf(leaver.name).join(),
      );
      const [before, now] = objectOf(leaver.name);
      expect(now, `${leaver.name} came back to object ${now}, having left ${before}`).not.toBe(before);
    }
    // The leaves went out in a summary too, never as single notices.
    await waitUntil("a summary with the leaves", () =>
      leavers.every((leaver) => ofType(first, "presence").some((p) => p.left.includes(leaver.name))),
    );
    for (const client of remaining) expect(ofType(client, "leave"), client.name).toEqual([]);

    // The terminal client in pipe mode joins the big room, sends, and sees each line come back.
    const piped = ["pipe one", "pipe two · ✓", "pipe three"];
    const result = await runCli(
      ["--url", server.url, "--room", room, "--name", "piper", "--history", "0"],
      piped.map((line) => `${line}\n`).join(""),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").filter((line) => line.startsWith("from piper: "))).toEqual(
      piped.map((line) => `from piper: ${line}`),
    );
    const last = json.at(-1)!;
    await last.socket.waitFor("the piped lines", () =>
      eventsOf(last).some((e) => e.type === "message" && e.text === "pipe three"),
    );
    expect(
      eventsOf(last)
        .filter((e) => e.type === "message" && e.name === "piper")
        .map((e) => e.type === "message" && e.text),
    ).toEqual(piped);
  });

  // A notice broadcast before a session's welcome must not reach it after: its welcome counted
  // that join already. On the room's own object a join flushes what is queued first; a shard gets
  // the sequencer's batches, which the packing window may hold until after a new shard's first
  // sessions joined. Several small rooms, joined two at a time, hit it every run here.
  // Every broadcast carries its place in the room's order (seq), and a joiner skips what its
  // welcome covered; before that, sessions on shards heard such notices (`s0 (welcome
  // onlineCount 6) heard {"type":"join","name":"o4","online":5}`), every run.
  it("sends no session a join notice that its welcome already counted, on any shard", async () => {
    const stale: string[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const room = uniqueRoom("big-stale");
      const clients: Client[] = [];
      // batch=1 sessions on the room's own object, so that its flushes wait for the packing window.
      for (let i = 0; i < SHARD_SESSIONS; i++) clients.push(await join(room, `o${i}`, true, { batch: 1 }));
      for (let i = 0; i < PRESENCE_LIMIT - SHARD_SESSIONS; i += 2) {
        clients.push(...(await Promise.all([join(room, `s${i}`, true), join(room, `s${i + 1}`, true)])));
      }
      await sleep(300);
      // A notice counting less than the welcome did was broadcast before it (joins only, no leaves
      // here); two joins racing may each be counted by the other's welcome, hence not `<=`.
      for (const client of clients) {
        const counted = welcomeOf(client).onlineCount;
        for (const notice of ofType(client, "join")) {
          if (notice.online < counted) {
            stale.push(`${room}: ${client.name} (welcome onlineCount ${counted}) heard ${JSON.stringify(notice)}`);
          }
        }
      }
      for (const client of clients) client.socket.close();
    }
    expect(stale).toEqual([]);
  });
});
