// `npm run soak -- --minutes M --clients N [--rooms R] [--interval-ms MS]`: starts a real
// `wrangler dev`, keeps N JSON clients chatting steadily across R rooms for M minutes, then
// checks, per client, that it received every message of its room exactly once and in order.
// Prints lost, duplicated and out-of-order counts (all must be 0), delivery latency, and the
// workerd process's resident memory at the start, the peak and the end. Exits 1 on any loss.

import { arch, cpus, hostname, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { parseServerFrame } from "../../src/shared/frames.ts";
import { startDevServer } from "../support/dev-server.ts";
import { chatUrl, openNodeSocket, type NodeTestSocket } from "../support/node-socket.ts";
import { workerdRssKiB } from "../support/processes.ts";
import { roomState } from "../support/room-api.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { percentile } from "../support/stats.ts";
import { sleep } from "../support/wait.ts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "1" },
    clients: { type: "string", default: "20" },
    rooms: { type: "string", default: "4" },
    "interval-ms": { type: "string", default: "2000" },
  },
});
const minutes = Number(values.minutes);
const clientCount = Number(values.clients);
const roomCount = Math.max(1, Math.min(Number(values.rooms), clientCount));
const intervalMs = Number(values["interval-ms"]);
if (![minutes, clientCount, roomCount, intervalMs].every((n) => Number.isFinite(n) && n > 0)) {
  console.error("usage: npm run soak -- --minutes M --clients N [--rooms R] [--interval-ms MS]");
  process.exit(2);
}

interface SoakClient {
  index: number;
  room: string;
  socket: NodeTestSocket;
  sent: number;
  /** Messages of its own the room refused (rate_limited or other errors). */
  refused: number;
  /** Message ids in arrival order. */
  ids: number[];
}

const log = (line: string) => console.log(`[soak ${new Date().toISOString()}] ${line}`);

const server = await startDevServer();
const rooms = Array.from({ length: roomCount }, (_, i) => uniqueRoom(`soak${i}`));
const clients: SoakClient[] = [];
/** When each ref was sent, to measure delivery latency on one clock. */
const sentAt = new Map<string, number>();
const latencies: number[] = [];
/** The text each client saw under each `room#id`; any difference is a mismatch. */
const textById = new Map<string, string>();
let mismatched = 0;
let timers: ReturnType<typeof setTimeout>[] = [];

try {
  log(
    `wrangler dev at ${server.url}; ${clientCount} clients in ${roomCount} rooms, one message per ~${intervalMs} ms each`,
  );
  for (let i = 0; i < clientCount; i++) {
    const room = rooms[i % roomCount]!;
    // history=0: every client joins an empty room before traffic starts, so it must see ids 1..last.
    // Frames are counted here as they come, not kept: a long soak receives millions.
    const socket = await openNodeSocket(chatUrl(server, room, { name: `soak ${i}`, history: 0 }), {
      json: true,
      record: false,
    });
    const client: SoakClient = { index: i, room, socket, sent: 0, refused: 0, ids: [] };
    clients.push(client);
    socket.onFrame((data, at) => {
      if (typeof data !== "string") return;
      for (const frame of parseServerFrame(data)) {
        if (frame.type === "error") client.refused++;
        if (frame.type !== "message") continue;
        client.ids.push(frame.id);
        // Every client must see the same text under the same id.
        const key = `${room}#${frame.id}`;
        const known = textById.get(key);
        if (known === undefined) textById.set(key, frame.text);
        else if (known !== frame.text) mismatched++;
        const start = frame.ref === undefined ? undefined : sentAt.get(frame.ref);
        if (start !== undefined) latencies.push(at - start);
      }
    });
  }
  const rssStart = workerdRssKiB(server);
  let rssPeak = rssStart;
  log(`all connected; workerd RSS ${mib(rssStart)}`);

  const endAt = Date.now() + minutes * 60_000;
  for (const client of clients) {
    const tick = () => {
      if (Date.now() >= endAt) return;
      if (client.socket.raw.readyState === client.socket.raw.OPEN) {
        const ref = `c${client.index}-${client.sent}`;
        sentAt.set(ref, performance.now());
        client.socket.sendJson({ type: "message", text: `hello ${client.sent} from ${client.index}`, ref });
        client.sent++;
      }
      // Jitter keeps the clients from sending in lockstep, as real users would.
      timers.push(setTimeout(tick, intervalMs * (0.5 + Math.random())));
    };
    timers.push(setTimeout(tick, Math.random() * intervalMs));
  }
  let reported = 0;
  while (Date.now() < endAt) {
    await sleep(Math.min(30_000, endAt - Date.now()));
    const rss = workerdRssKiB(server);
    rssPeak = Math.max(rssPeak, rss);
    const sent = clients.reduce((sum, c) => sum + c.sent, 0);
    // This window's latency only: a slow minute must show, not drown in the running total.
    const window = latencies.slice(reported);
    reported = latencies.length;
    log(
      `sent ${sent}; deliveries ${latencies.length}; last 30 s p50 ${percentile(window, 50).toFixed(1)} ms, p99 ${percentile(window, 99).toFixed(1)} ms; workerd RSS ${mib(rss)}`,
    );
  }
  timers.forEach(clearTimeout);
  timers = [];

  // Drain: wait until every client holds its room's last id, or give up after 30 s and count.
  const lastIds = new Map<string, number>();
  for (const room of rooms) lastIds.set(room, (await roomState(server, room)).lastMessageId);
  const drainDeadline = Date.now() + 30_000;
  while (Date.now() < drainDeadline && !clients.every((c) => maxId(c) >= lastIds.get(c.room)!)) await sleep(200);

  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let unexpectedCloses = 0;
  for (const client of clients) {
    const seen = new Set<number>();
    let previous = 0;
    for (const id of client.ids) {
      if (seen.has(id)) duplicated++;
      else if (id < previous) outOfOrder++;
      seen.add(id);
      previous = Math.max(previous, id);
    }
    for (let id = 1; id <= lastIds.get(client.room)!; id++) if (!seen.has(id)) lost++;
    if (client.socket.closeEvent() !== null) unexpectedCloses++;
  }
  const rssEnd = workerdRssKiB(server);
  const sent = clients.reduce((sum, c) => sum + c.sent, 0);
  const refused = clients.reduce((sum, c) => sum + c.refused, 0);
  const stored = [...lastIds.values()].reduce((sum, n) => sum + n, 0);
  const expected = clients.reduce((sum, c) => sum + lastIds.get(c.room)!, 0);
  const received = clients.reduce((sum, c) => sum + c.ids.length, 0);

  console.log("");
  console.log(`soak: ${minutes} min, ${clientCount} clients, ${roomCount} rooms, ${new Date().toISOString()}`);
  console.log(
    `machine: ${hostname()} ${arch()}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${mib(totalmem() / 1024)} RAM`,
  );
  console.log(`sent ${sent}, stored ${stored}, refused ${refused}`);
  console.log(`expected deliveries ${expected}, received ${received}`);
  console.log(`lost ${lost}, duplicated ${duplicated}, out of order ${outOfOrder}, text mismatches ${mismatched}`);
  console.log(`unexpected closes ${unexpectedCloses}`);
  console.log(
    `delivery latency ms: p50 ${percentile(latencies, 50).toFixed(1)}, p99 ${percentile(latencies, 99).toFixed(1)}, max ${percentile(latencies, 100).toFixed(1)}`,
  );
  console.log(`workerd RSS (proxy + runtime): start ${mib(rssStart)}, peak ${mib(rssPeak)}, end ${mib(rssEnd)}`);
  const failed = lost + duplicated + outOfOrder + mismatched + unexpectedCloses + (sent - refused - stored) !== 0;
  if (sent - refused !== stored) console.log(`sent minus refused (${sent - refused}) differs from stored (${stored})`);
  console.log(failed ? "SOAK FAILED" : "SOAK OK");
  process.exitCode = failed ? 1 : 0;
} finally {
  timers.forEach(clearTimeout);
  for (const client of clients) client.socket.close();
  await server.stop();
}

function maxId(client: SoakClient): number {
  let max = 0;
  for (const id of client.ids) max = Math.max(max, id);
  return max;
}

function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}
