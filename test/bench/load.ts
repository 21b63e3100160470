// The benchmark's load: connect N clients to a fresh room (staggered, each through the
// contender's real protocol), then let S of them send at one offered rate after another and
// measure what every client receives. All clients live in this one process, so a send time stamped here can
// be compared with the receive time of every copy.

import { performance } from "node:perf_hooks";
import { parseServerFrame } from "../../src/shared/frames.ts";
import { HEARTBEAT_INTERVAL_MS, PING_FRAME } from "../../src/shared/protocol.ts";
import { chatUrl, openNodeSocket, type NodeTestSocket } from "../support/node-socket.ts";
import { roleOf, cpuSeconds, rssBytes } from "../support/processes.ts";
import { percentile } from "../support/stats.ts";
import { sleep } from "../support/wait.ts";

/** A server under test. */
export interface Contender {
  name: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** ChatRoom speaks the JSON framing (`chat.v1.json`); the baselines speak text lines. */
  json: boolean;
  /** Opt into the ChatRoom's batched frames (`batch=1`). */
  batch?: boolean;
  /** Every process whose CPU time counts for this contender. */
  cpuPids: number[];
  /** The process whose memory grows with connections (workerd, or the Node relay). */
  memoryPid: number;
}

/** How to fill a room. */
export interface RoomOptions {
  clients: number;
  senders: number;
  /** Connects started per second; 0: as fast as the joins complete, `connectConcurrency` at a time. */
  connectsPerSec: number;
  /** With `connectsPerSec` 0, how many joins may be in flight at once. */
  connectConcurrency?: number;
  /** Messages stored before the clients join (JSON contenders only), replayed in each welcome. */
  history: number;
}

/** What one measurement at one offered load saw. */
export interface RunResult {
  contender: string;
  clients: number;
  senders: number;
  connectSeconds: number;
  joinMs: { p50: number; p99: number; max: number };
  rssBytesPerConnection: number;
  fill: FillResult;
  /** The machine's 1-minute load average after the measurement (set by bench.ts). */
  load1?: number;
  offeredPerSec: number;
  deliveredPerSec: number;
  messagesSent: number;
  refused: number;
  /** Deliveries missing when the room had sent nothing for 2 s, then received within 10 s more. */
  late: number;
  /** Deliveries that never arrived. */
  lost: number;
  duplicated: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Clients the server closed since they joined, by close code and reason. */
  closedByServer: Record<string, number>;
  /** Deliveries per frame received: above 1 only for batched frames. */
  deliveriesPerFrame: number;
  cpuMicrosPerDelivery: number;
  /** The same, split by process: `workerd` (the Worker), `workerd-proxy`, `node` (wrangler itself). */
  cpuMicrosByProcess: Record<string, number>;
}

/** What filling the room cost: from the first connect until the join notices had drained. */
export interface FillResult {
  /** From the first connect to the last welcome (JSON) or open (text). */
  connectSeconds: number;
  /** From the first connect until nothing had arrived for 500 ms (announcements drained). */
  settledSeconds: number;
  /** Each client's time from its connect to its welcome (JSON) or open (text). */
  joinMs: { p50: number; p99: number; max: number };
  /** Frames the clients received while the room filled, per client. */
  framesPerClient: number;
  /** CPU over the fill, per client, by process (as in {@link RunResult.cpuMicrosByProcess}) and in all. */
  cpuMicrosPerClient: number;
  cpuMicrosPerClientByProcess: Record<string, number>;
  /** The memory process's RSS growth over the fill, per client. */
  rssBytesPerConnection: number;
}

interface Client {
  socket: NodeTestSocket;
  /** `sender * 2^20 + seq` of every copy received, to tell duplicates. */
  seen: Set<number>;
}

/** A filled room, ready to be measured at one offered load after another. */
export interface Room {
  /** What filling it cost. */
  fill: FillResult;
  measure(deliveriesPerSec: number, seconds: number): Promise<RunResult>;
  close(): Promise<void>;
}

const MARK = "m ";
/** How long one client may take from its connect to its welcome. */
const JOIN_TIMEOUT_MS = 120_000;
const SEQ_SPAN = 2 ** 20;

/** Connects `options.clients` clients to a fresh room of `contender`; `progress` gets a line now and then. */
export async function openRoom(
  contender: Contender,
  options: RoomOptions,
  progress: (line: string) => void,
): Promise<Room> {
  const name = `bench-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  if (contender.json && options.history > 0) await fillHistory(chatUrl(contender, name), options.history);

  // Counters of the current measurement; reset by each one.
  let latencies: number[] = [];
  let refused = 0;
  let duplicated = 0;
  let lastReceivedAt = 0;
  let frames = 0;
  let lastFrameAt = performance.now();
  const onText = (client: Client, text: string, now: number): void => {
    if (!text.startsWith(MARK)) return;
    const [sender, seq, sentAt] = text.slice(MARK.length).split(" ").map(Number);
    const key = sender! * SEQ_SPAN + seq!;
    if (client.seen.has(key)) duplicated++;
    else client.seen.add(key);
    latencies.push(now - sentAt!);
    lastReceivedAt = now;
  };

  const rssBefore = rssBytes(contender.memoryPid);
  const fillCpuBefore = contender.cpuPids.map(cpuSeconds);
  const joins: number[] = [];
  const joinedAt: number[] = [];
  const connectStart = performance.now();
  const pending: Promise<Client>[] = [];
  // Real clients ping every 20 s, and the room closes a JSON session silent for 60 s (4408). A
  // big room takes about a minute to fill here, so without pings its first clients, the
  // senders, would be closed before the measurement starts.
  const opened: NodeTestSocket[] = [];
  const heartbeat = contender.json
    ? setInterval(() => {
        for (const socket of opened) if (socket.raw.readyState === socket.raw.OPEN) socket.send(PING_FRAME);
      }, HEARTBEAT_INTERVAL_MS)
    : null;
  let inFlight = 0;
  for (let i = 0; i < options.clients; i++) {
    if (options.connectsPerSec > 0) {
      const wait = connectStart + (i * 1000) / options.connectsPerSec - performance.now();
      if (wait > 0) await sleep(wait);
    } else {
      while (inFlight >= (options.connectConcurrency ?? 50)) await sleep(1);
    }
    inFlight++;
    const url = chatUrl(contender, name, { name: `b${i}`, ...(contender.batch ? { batch: 1 } : {}) });
    const onFrame = (): void => {
      frames++;
      lastFrameAt = performance.now();
    };
    const client = connect(url, contender.json, joins, joinedAt, onText, () => refused++, onFrame);
    client
      .then(({ socket }) => opened.push(socket))
      .catch(() => {}) // awaited below with the others
      .finally(() => inFlight--);
    pending.push(client);
    if (i % 100 === 99) progress(`${contender.name}: ${i + 1}/${options.clients} connecting`);
  }
  const clients = await Promise.all(pending).catch((error: unknown) => {
    if (heartbeat !== null) clearInterval(heartbeat);
    throw error;
  });
  // Sockets the server closes from here on (a room that gave up on a client), by code and reason.
  const closedByServer: Record<string, number> = {};
  let closing = false;
  for (const { socket } of clients) {
    socket.onClose(({ code, reason }) => {
      const key = `${code} ${reason}`.trim();
      if (!closing) closedByServer[key] = (closedByServer[key] ?? 0) + 1;
    });
  }
  const connectSeconds = (joinedAt.reduce((a, b) => Math.max(a, b), connectStart) - connectStart) / 1000;
  // Each join is announced to everyone already there, N²/2 frames in all: let the room work
  // through them (nothing received for half a second) before measuring anything.
  const settleStart = performance.now();
  while (performance.now() - lastFrameAt < 500 && performance.now() - settleStart < 60_000) await sleep(50);
  const rssBytesPerConnection = (rssBytes(contender.memoryPid) - rssBefore) / options.clients;
  const fillCpuByProcess: Record<string, number> = {};
  let fillCpu = 0;
  contender.cpuPids.forEach((pid, i) => {
    const used = cpuSeconds(pid) - fillCpuBefore[i]!;
    fillCpu += used;
    const role = roleOf(pid);
    fillCpuByProcess[role] = (fillCpuByProcess[role] ?? 0) + (used * 1e6) / options.clients;
  });
  const fill: FillResult = {
    connectSeconds,
    joinMs: { p50: percentile(joins, 50), p99: percentile(joins, 99), max: percentile(joins, 100) },
    settledSeconds: Math.max(connectSeconds, (lastFrameAt - connectStart) / 1000),
    framesPerClient: frames / options.clients,
    cpuMicrosPerClient: (fillCpu * 1e6) / options.clients,
    cpuMicrosPerClientByProcess: fillCpuByProcess,
    rssBytesPerConnection,
  };
  const joinMs = { p50: percentile(joins, 50), p99: percentile(joins, 99), max: percentile(joins, 100) };
  let sent = 0; // over the room's life, so that sequence numbers never repeat

  async function measure(deliveriesPerSec: number, seconds: number): Promise<RunResult> {
    latencies = [];
    refused = 0;
    duplicated = 0;
    frames = 0;
    // Clients the room closed (a flooding sender) neither send nor receive any more.
    const open = clients.filter(({ socket }) => socket.raw.readyState === socket.raw.OPEN);
    const senders = open.slice(0, options.senders);
    const messagesPerSec = deliveriesPerSec / clients.length;
    const first = sent;
    const last = sent + Math.max(1, Math.round(messagesPerSec * seconds));
    const cpuBefore = contender.cpuPids.map(cpuSeconds);
    const sendStart = performance.now();
    let nextReport = sendStart + 1000;
    // Sends whatever is due every millisecond or so, so the offered rate holds on average
    // even when the event loop is late.
    while (sent < last) {
      const now = performance.now();
      const due = Math.min(last, first + Math.floor(((now - sendStart) / 1000) * messagesPerSec) + 1);
      for (; sent < due; sent++) {
        const sender = sent % senders.length;
        const text = `${MARK}${sender} ${Math.floor(sent / senders.length)} ${performance.now().toFixed(3)}`;
        const { socket } = senders[sender]!;
        if (contender.json) socket.sendJson({ type: "message", text });
        else socket.send(text);
      }
      if (now >= nextReport) {
        progress(`${contender.name} ${clients.length} clients @ ${deliveriesPerSec}/s: ${latencies.length} received`);
        nextReport += 1000;
      }
      await sleep(1);
    }
    const sendEnd = performance.now();
    // Wait for the last copies: until every expected one arrived, or nothing came for 2 s.
    // Counted as they come: a refusal of one of the last messages may arrive after the sending.
    const expected = () => (last - first - refused) * open.length;
    while (latencies.length - duplicated < expected() && performance.now() - Math.max(lastReceivedAt, sendEnd) < 2000) {
      await sleep(20);
    }
    // Anything still missing gets a longer grace, so that a room that fell behind is told apart
    // from one that lost messages: those arriving now count as late, not lost (and not in the
    // CPU and latency figures above, which stop here).
    const uniqueInTime = latencies.length - duplicated;
    const cpuAfter = contender.cpuPids.map(cpuSeconds);
    const graceStart = performance.now();
    while (
      latencies.length - duplicated < expected() &&
      performance.now() - Math.max(lastReceivedAt, graceStart) < 10_000
    ) {
      await sleep(50);
    }
    const late = latencies.length - duplicated - uniqueInTime;
    const unique = uniqueInTime;
    const cpuMicrosByProcess: Record<string, number> = {};
    let cpu = 0;
    contender.cpuPids.forEach((pid, i) => {
      const used = cpuAfter[i]! - cpuBefore[i]!;
      cpu += used;
      const name = roleOf(pid);
      cpuMicrosByProcess[name] = (cpuMicrosByProcess[name] ?? 0) + (used * 1e6) / unique;
    });
    return {
      contender: contender.name,
      clients: clients.length,
      senders: senders.length,
      connectSeconds,
      joinMs,
      rssBytesPerConnection,
      fill,
      offeredPerSec: deliveriesPerSec,
      deliveredPerSec: unique / ((Math.max(lastReceivedAt, sendEnd) - sendStart) / 1000),
      messagesSent: last - first,
      refused,
      lost: Math.max(0, expected() - unique - late),
      late,
      duplicated,
      latencyMs: {
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
        max: percentile(latencies, 100),
      },
      closedByServer: { ...closedByServer },
      deliveriesPerFrame: latencies.length / frames,
      cpuMicrosPerDelivery: unique === 0 ? NaN : (cpu * 1e6) / unique,
      cpuMicrosByProcess,
    };
  }

  return {
    fill,
    measure,
    close: () => {
      closing = true;
      if (heartbeat !== null) clearInterval(heartbeat);
      return closeAll(clients);
    },
  };
}

/** Stores `count` messages in the room through one short-lived JSON client. */
async function fillHistory(url: string, count: number): Promise<void> {
  const filler = await openNodeSocket(`${url}?name=filler&history=0`, { json: true });
  try {
    for (let i = 0; i < count; i++) filler.sendJson({ type: "message", text: `history ${i}` });
    await filler.waitFor(
      `${count} messages stored`,
      () => {
        const refused = filler.messages().find((message) => message.type === "error");
        if (refused !== undefined) throw new Error(`filling the history was refused: ${refused.code}`);
        return filler.messages().filter((message) => message.type === "message").length === count;
      },
      60_000,
    );
  } finally {
    filler.close();
    await filler.closed().catch(() => {});
  }
}

/**
 * Opens one client, which counts as joined at its welcome (JSON) or its open (text), and hands
 * every frame to the counters; frames are not kept, since a run receives millions.
 */
async function connect(
  url: string,
  json: boolean,
  joins: number[],
  joinedAt: number[],
  onText: (client: Client, text: string, now: number) => void,
  onRefused: () => void,
  onFrame: () => void,
): Promise<Client> {
  const startedAt = performance.now();
  const socket = await openNodeSocket(url, { json, record: false, handshakeMs: JOIN_TIMEOUT_MS });
  const client: Client = { socket, seen: new Set() };
  let joined = !json;
  socket.onFrame((frame, now) => {
    onFrame();
    if (typeof frame !== "string") return;
    if (!json) {
      const colon = frame.indexOf(": ");
      if (frame.startsWith("from ") && colon > 0) onText(client, frame.slice(colon + 2), now);
      else if (frame.startsWith("error: ")) onRefused();
      return;
    }
    // With batch=1, one frame may hold an array of messages.
    for (const message of parseServerFrame(frame)) {
      if (message.type === "message") onText(client, message.text, now);
      else if (message.type === "welcome") joined = true;
      else if (message.type === "error") onRefused();
    }
  });
  await socket.waitFor("the welcome", () => joined, JOIN_TIMEOUT_MS - (performance.now() - startedAt));
  joins.push(performance.now() - startedAt);
  joinedAt.push(performance.now());
  return client;
}

async function closeAll(clients: Client[]): Promise<void> {
  for (const { socket } of clients) socket.close();
  await Promise.all(clients.map(({ socket }) => socket.closed().catch(() => {})));
  await sleep(500);
}
