// Floods and overload against a real `wrangler dev` with the shipped per-session limits: one session sending
// as fast as it can must not slow 50 others noticeably, and many sessions that each keep their
// own limit but together offer several times the room's fan-out must find the room responsive,
// refusing the excess with rate_limited, with bounded memory, and normal again within seconds.

import { describe, expect, it } from "vitest";
import type { ServerMessage } from "../../src/shared/protocol.ts";
import { chatUrl, openNodeSocket, type NodeTestSocket } from "../support/node-socket.ts";
import { workerdRssKiB } from "../support/processes.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { percentile } from "../support/stats.ts";
import { closeAtEnd, useDevServer } from "../support/suite.ts";
import { sleep, waitUntil } from "../support/wait.ts";

// Every limit at its default: what the overload test proves is what a deployment gets.
const server = useDevServer();

/** A JSON session in `room` as `name` that replays no history, closed when the test ends. */
async function join(room: string, name: string): Promise<NodeTestSocket> {
  return closeAtEnd(await openNodeSocket(chatUrl(server, room, { name, history: 0 }), { json: true }));
}

/** Opens `count` JSON sessions named `<label> <i>`, a few at a time, and waits until each is welcomed. */
async function openMany(room: string, label: string, count: number): Promise<NodeTestSocket[]> {
  const sessions: NodeTestSocket[] = [];
  for (let i = 0; i < count; i += 25) {
    const batch = Array.from({ length: Math.min(25, count - i) }, (_, k) => join(room, `${label} ${i + k}`));
    sessions.push(...(await Promise.all(batch)));
  }
  await waitUntil(`${count} welcomes`, () => sessions.every((session) => session.frames.length > 0));
  return sessions;
}

/**
 * Every client sends one message per `everyMs` (staggered, each within its own limit) for
 * `durationMs`, with refs `<phase>-<client>-<n>`; returns when each was sent.
 */
async function steadyTraffic(senders: NodeTestSocket[], phase: string, everyMs: number, durationMs: number) {
  const sentAt = new Map<string, number>();
  const timers = senders.map((sender, i) => {
    let n = 0;
    const send = () => {
      const ref = `${phase}-${i}-${n++}`;
      sentAt.set(ref, performance.now());
      sender.sendJson({ type: "message", text: ref, ref });
    };
    let interval: ReturnType<typeof setInterval> | null = null;
    const start = setTimeout(
      () => {
        send();
        interval = setInterval(send, everyMs);
      },
      (i * everyMs) / senders.length,
    );
    return () => {
      clearTimeout(start);
      if (interval !== null) clearInterval(interval);
    };
  });
  await sleep(durationMs);
  timers.forEach((stop) => stop());
  return sentAt;
}

/** Delivery latencies of one phase's messages, as `receivers` saw them. */
function latencies(receivers: NodeTestSocket[], phase: string, sentAt: Map<string, number>): number[] {
  const result: number[] = [];
  for (const receiver of receivers) {
    for (const frame of receiver.frames) {
      if (typeof frame.data !== "string" || !frame.data.includes(`"ref":"${phase}-`)) continue;
      const message = JSON.parse(frame.data) as ServerMessage;
      if (message.type !== "message") continue;
      result.push(frame.at - sentAt.get(message.ref!)!);
    }
  }
  return result;
}

/** Waits until every message of `phase` reached all `receivers`, or one was refused (the test then says so). */
async function allArrived(receivers: NodeTestSocket[], phase: string, sentAt: Map<string, number>): Promise<void> {
  const expected = sentAt.size * receivers.length;
  await waitUntil(`every ${phase} message at all ${receivers.length}`, () => {
    const got = latencies(receivers, phase, sentAt).length;
    return got >= expected || refusals(receivers, phase) > 0 || `${got} of ${expected}`;
  });
}

function refusals(clients: NodeTestSocket[], phase: string): number {
  return clients
    .flatMap((client) => client.messages())
    .filter((f) => f.type === "error" && f.code === "rate_limited" && f.ref?.startsWith(`${phase}-`)).length;
}

/**
 * A flooder: `burst` frames every `everyMs`, or as fast as its socket takes them when `everyMs`
 * is 0; with `reconnect`, it comes back at once whenever the room closes it.
 */
function startFlooder(room: string, burst: number, everyMs: number, reconnect: boolean) {
  let flooding = true;
  const closes: number[] = [];
  let refused = 0;
  const done = (async () => {
    while (flooding) {
      const flooder = await join(room, "flooder");
      while (flooding && flooder.closeEvent() === null) {
        if (flooder.raw.readyState === flooder.raw.OPEN && flooder.raw.bufferedAmount < 64 * 1024) {
          for (let i = 0; i < burst; i++) flooder.send('{"type":"message","text":"flood"}');
        }
        await (everyMs > 0 ? sleep(everyMs) : new Promise((resolve) => setImmediate(resolve)));
      }
      if (flooder.closeEvent() !== null) closes.push(flooder.closeEvent()!.code);
      refused += flooder.messages().filter((f) => f.type === "error" && f.code === "rate_limited").length;
      flooder.close();
      if (!reconnect) break;
    }
  })();
  return {
    async stop() {
      flooding = false;
      await done;
      return { closes, refused };
    },
  };
}

// Latency ratios are measured, not computed: a test that misses one is run again (retry: 2), so
// a scheduling hiccup on a shared 2-core machine does not fail CI, while a real regression fails
// every attempt.
describe("flood fairness", () => {
  it(
    "keeps 50 chatting sessions' p99 latency within 2x of quiet while one session floods at 50 times its limit, and closes it with 1008",
    { retry: 2 },
    async () => {
      const room = uniqueRoom("flood");
      const normals = await openMany(room, "normal", 50);

      const quietSent = await steadyTraffic(normals, "quiet", 1_000, 6_000);
      await allArrived(normals, "quiet", quietSent);
      const quiet = latencies(normals, "quiet", quietSent);

      // 250 frames a second against a limit of 5, from one session until the room closes it.
      const flooder = startFlooder(room, 5, 20, false);
      const floodSent = await steadyTraffic(normals, "flooded", 1_000, 6_000);
      const { closes, refused } = await flooder.stop();
      await allArrived(normals, "flooded", floodSent);
      const flooded = latencies(normals, "flooded", floodSent);

      const p99Quiet = percentile(quiet, 99);
      const p99Flooded = percentile(flooded, 99);
      console.log(
        `flood at 250/s: p99 quiet ${p99Quiet.toFixed(1)} ms, flooded ${p99Flooded.toFixed(1)} ms; flooder closed ${closes.length}x (${[...new Set(closes)].join()}), ${refused} rate_limited`,
      );
      // Every normal message reached all 50, and none was refused.
      expect(quiet.length).toBe(quietSent.size * 50);
      expect(flooded.length).toBe(floodSent.size * 50);
      expect(refusals(normals, "flooded")).toBe(0);
      expect(refused).toBeGreaterThanOrEqual(100);
      expect(closes.length).toBe(1);
      expect(closes.every((code) => code === 1008)).toBe(true);
      // SPEC.md: a flood must not slow the others noticeably: 2x of quiet. When quiet is a few
      // milliseconds, 50 ms more are allowed: the flooder's first 20 messages are within its
      // burst allowance and fan out to 50 sessions at once, a 1 000-delivery hiccup that any
      // chatter's legitimate burst costs too. An unlimited flood costs seconds, not 50 ms.
      expect(p99Flooded).toBeLessThanOrEqual(Math.max(2 * p99Quiet, p99Quiet + 50));
    },
  );
});

describe("bursts and overload, with the default configuration", () => {
  it("takes a burst the room clears within MAX_BACKLOG_MS whole: 20 senders x 10 at once in a room of 200, three times, seconds apart", async () => {
    const room = uniqueRoom("burst");
    const sessions = await openMany(room, "member", 200);
    const senders = sessions.slice(0, 20);
    // The first burst is what teaches the room its cost per delivery; the next ones meet an
    // allowance measured from it, and the quiet seconds between them must count as no work.
    for (const round of ["first", "second", "third"]) {
      senders.forEach((sender, i) => {
        for (let n = 0; n < 10; n++)
          sender.sendJson({ type: "message", text: `${round}-${i}-${n}`, ref: `${round}-${i}-${n}` });
      });
      const count = (client: NodeTestSocket) =>
        client.frames.filter((f) => typeof f.data === "string" && f.data.includes(`"ref":"${round}-`)).length;
      await waitUntil(
        `the ${round} burst's 200 messages at all 200 sessions`,
        () =>
          sessions.every((c) => count(c) === 200) ||
          `${sessions.filter((c) => count(c) === 200).length} complete, ${refusals(senders, round)} refused`,
        30_000,
      );
      expect(refusals(senders, round)).toBe(0);
      await sleep(3_000);
    }
  });

  it(
    "refuses a sustained offer far beyond what it fans out instead of queueing it, answers every message, stays bounded, and is normal again within seconds",
    { retry: 2 },
    async () => {
      const room = uniqueRoom("overload");
      const SESSIONS = 300;
      // 300 sessions × 5 messages a second (each at its own limit) × 300 recipients = 450 000
      // deliveries a second offered, to clients that take one frame per message: ten times what
      // this room fans out on this machine (BENCHMARKS.md: 36 000 a second delivered under this
      // offer), and 1,500 frames a second for it to read. The room must refuse the excess, not
      // queue it: what it accepts reaches everyone within about MAX_BACKLOG_MS, every message is
      // answered, memory stays bounded, and it is normal again at once after.
      const senders = await openMany(room, "sender", SESSIONS);
      const rssStart = workerdRssKiB(server);
      let rssPeak = rssStart;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, workerdRssKiB(server))), 500);
      let loadSent: Map<string, number>;
      try {
        loadSent = await steadyTraffic(senders, "load", 200, 8_000);
        // Every message is answered, accepted or refused, within seconds: nothing waits without bound.
        const answered = (i: number) => {
          const refs = new Set<string>();
          for (const f of senders[i]!.frames) {
            const match = typeof f.data === "string" ? /"ref":"(load-\d+-\d+)"/.exec(f.data) : null;
            if (match !== null && match[1]!.startsWith(`load-${i}-`)) refs.add(match[1]!);
          }
          return refs.size;
        };
        const sentBy = (i: number) => [...loadSent.keys()].filter((ref) => ref.startsWith(`load-${i}-`)).length;
        const sample = [0, 74, 149, 224, 299];
        await waitUntil("every load message answered", () => sample.every((i) => answered(i) === sentBy(i)), 20_000);
        // And every accepted one has reached a session (one that did not send it too).
        const acceptedAtFirst = () =>
          senders[0]!.messages().filter((f) => f.type === "message" && f.ref?.startsWith("load-")).length;
        await waitUntil(
          "every accepted load message at the first session",
          () => acceptedAtFirst() + refusals(senders, "load") === loadSent.size,
          20_000,
        );
      } finally {
        clearInterval(sampler);
      }
      const acceptedRefs = new Set(
        senders[0]!.messages().flatMap((f) => (f.type === "message" && f.ref?.startsWith("load-") ? [f.ref] : [])),
      );
      const loaded = latencies(senders.slice(0, 10), "load", loadSent);
      const refused = refusals(senders, "load");

      // After the load: a few messages go through at once, to everyone, unrefused.
      await sleep(1_000);
      const afterSent = await steadyTraffic(senders.slice(0, 5), "after", 1_000, 1_000);
      const afterCount = (client: NodeTestSocket) =>
        client.frames.filter(
          (f) => typeof f.data === "string" && f.data.includes('"type":"message"') && f.data.includes('"ref":"after-'),
        ).length;
      let afterArrived = true;
      try {
        await waitUntil(
          "the after-load messages everywhere",
          () => senders.every((c) => afterCount(c) === afterSent.size),
          10_000,
        );
      } catch {
        afterArrived = false;
      }
      const after = latencies(senders, "after", afterSent);
      console.log(
        `overload: offered ${loadSent.size} messages (${((loadSent.size * SESSIONS) / 8).toFixed(0)} deliveries/s), accepted ${acceptedRefs.size}, refused ${refused}; accepted p50 ${percentile(loaded, 50).toFixed(1)} ms, p99 ${percentile(loaded, 99).toFixed(1)} ms; after: ${after.length} of ${afterSent.size * SESSIONS} deliveries, p99 ${percentile(after, 99).toFixed(1)} ms; workerd RSS ${(rssStart / 1024).toFixed(0)} → peak ${(rssPeak / 1024).toFixed(0)} MiB`,
      );
      expect(acceptedRefs.size + refused).toBe(loadSent.size);
      expect(refused, "messages refused").toBeGreaterThan(loadSent.size / 2);
      // What it accepted went out within about MAX_BACKLOG_MS (2 s), not after a queue of it all
      // (measured 2.3–4.4 s here: the room's 2 s, plus this process reading 36,000 frames a
      // second on the same two cores as wrangler's proxy and workerd).
      expect(percentile(loaded, 99), "p99 of accepted messages, ms").toBeLessThan(5_000);
      expect(rssPeak - rssStart, "workerd memory growth, KiB").toBeLessThan(512 * 1024);
      expect(afterArrived, "the room back to normal within seconds").toBe(true);
      expect(refusals(senders, "after")).toBe(0);
      expect(percentile(after, 99), "p99 after the load, ms").toBeLessThan(250);
    },
  );
});
