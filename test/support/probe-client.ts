// A `ws` probe for the fault tests and the soak: opens a real socket to a running
// `wrangler dev`, keeps every frame with its arrival time, and waits with timeouts that fail
// loudly. Also reads the memory of the workerd process behind a dev server.

import { readdirSync, readFileSync } from "node:fs";
import WebSocket from "ws";
import { JSON_SUBPROTOCOL, type ServerMessage } from "../../src/shared/protocol.ts";
import type { DevServer } from "./dev-server.ts";

/** One received frame and when it arrived (performance.now()). */
export interface Received {
  data: string | Buffer;
  at: number;
}

/** A test's end of a WebSocket, opened through Node's `ws`. */
export interface ProbeClient {
  readonly ws: WebSocket;
  readonly url: string;
  /** Every frame so far, in arrival order; `take` moves a cursor, the list is kept. */
  readonly frames: Received[];
  /** The close, once it happened. */
  closeEvent(): { code: number; reason: string } | null;
  /** The next frame not yet taken. */
  next(timeoutMs?: number): Promise<Received>;
  /** The next frame, parsed as a JSON server message. */
  nextJson(timeoutMs?: number): Promise<ServerMessage>;
  /** Waits until `ready` returns a value, re-checked on every frame and on close. */
  waitFor<T>(what: string, ready: () => T | undefined, timeoutMs?: number): Promise<T>;
  /** Resolves with the close code and reason. */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  /** Every JSON frame received so far, parsed (text frames that are not JSON are skipped). */
  json(): ServerMessage[];
  send(frame: string | Buffer): void;
  /** A polite close that never throws. */
  close(): void;
}

/** Options for {@link openProbe}. */
export interface OpenOptions {
  json?: boolean;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** false: keep no frames (a long soak counts them itself); `next` and `waitFor` on frames then never resolve. */
  record?: boolean;
}

/** Opens a socket to `url` (ws://…) and resolves once the handshake is done. */
export function openProbe(url: string, options: OpenOptions = {}): Promise<ProbeClient> {
  const ws = new WebSocket(url, options.json ? [JSON_SUBPROTOCOL] : [], {
    headers: options.headers,
    // Frames up to the platform's 1 MiB limit and a little over, so the tests can probe it.
    maxPayload: 8 * 1024 * 1024,
    perMessageDeflate: false,
  });
  const frames: Received[] = [];
  let cursor = 0;
  let closeEvent: { code: number; reason: string } | null = null;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((wakeUp) => wakeUp());
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (options.record === false) return;
    frames.push({ data: isBinary ? data : data.toString("utf8"), at: performance.now() });
    wake();
  });
  ws.on("close", (code, reason) => {
    closeEvent = { code, reason: reason.toString("utf8") };
    wake();
  });
  // Errors after the open surface as a close (1006); without a listener ws would throw.
  ws.on("error", () => {});

  function waitFor<T>(what: string, ready: () => T | undefined, timeoutMs = 5_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let value: T | undefined;
        try {
          value = ready();
        } catch (error) {
          finish();
          reject(error);
          return;
        }
        if (value !== undefined) {
          finish();
          resolve(value);
        } else if (closeEvent !== null && what !== "close") {
          finish();
          reject(new Error(`${url}: closed (${closeEvent.code} ${closeEvent.reason}) while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${url}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  const client: ProbeClient = {
    ws,
    url,
    frames,
    closeEvent: () => closeEvent,
    next: (timeoutMs) => waitFor("frame", () => (cursor < frames.length ? frames[cursor++] : undefined), timeoutMs),
    async nextJson(timeoutMs) {
      const frame = await client.next(timeoutMs);
      if (typeof frame.data !== "string") throw new Error(`${url}: expected a text frame, got binary`);
      return JSON.parse(frame.data) as ServerMessage;
    },
    waitFor,
    closed: (timeoutMs) => waitFor("close", () => closeEvent ?? undefined, timeoutMs),
    json: () => frames.flatMap((frame) => parseOrSkip(frame.data)),
    send: (frame) => ws.send(frame),
    close() {
      try {
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, "test done");
      } catch {}
    },
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${url}: handshake not done within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    ws.once("open", () => {
      clearTimeout(timer);
      resolve(client);
    });
    ws.once("unexpected-response", (_request, response) => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(`${url}: expected 101, got HTTP ${response.statusCode}`));
    });
    ws.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${url}: ${error.message}`));
    });
  });
}

function parseOrSkip(data: string | Buffer): ServerMessage[] {
  if (typeof data !== "string") return [];
  try {
    return [JSON.parse(data) as ServerMessage];
  } catch {
    return [];
  }
}

/** `ws://127.0.0.1:PORT/chat/<room>?…` for a dev server. */
export function chatUrl(server: DevServer, room: string, params: Record<string, string | number> = {}): string {
  const url = new URL(`/chat/${room}`, server.url.replace(/^http/, "ws"));
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  return url.href;
}

export { uniqueRoom } from "./rooms.ts";

/** `GET /api/rooms/<room>`: who the room thinks is online. */
export async function roomState(
  server: DevServer,
  room: string,
): Promise<{ room: string; online: number; names: string[]; lastMessageId: number }> {
  const response = await fetch(`${server.url}/api/rooms/${room}`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /api/rooms/${room}: HTTP ${response.status}`);
  return (await response.json()) as { room: string; online: number; names: string[]; lastMessageId: number };
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not true within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resident memory, in KiB, of the workerd processes that a dev server started: wrangler runs
 * two, a front proxy on the public port and the runtime that hosts the Worker and its Durable
 * Objects, and either may be the one that buffers. They share the dev server's process group
 * (dev-server.ts starts it detached), which finds them without guessing at other servers.
 */
export function workerdRssKiB(server: DevServer): number {
  const group = server.process.pid;
  let total = 0;
  let found = 0;
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the parenthesised command: state, ppid, pgrp …
      const close = stat.lastIndexOf(")");
      const command = stat.slice(stat.indexOf("(") + 1, close);
      const pgrp = Number(stat.slice(close + 2).split(" ")[2]);
      if (pgrp !== group || !command.startsWith("workerd")) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (rss) {
        total += Number(rss[1]);
        found++;
      }
    } catch {
      // The process ended while we looked.
    }
  }
  if (found === 0) throw new Error(`no workerd process in process group ${group}`);
  return total;
}

/** The `p`-th percentile (0–100) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Throws when the dev server's output shows an uncaught exception from the Worker or a room. */
export function assertNoUncaught(server: DevServer): void {
  const output = server.output();
  const line = output.split("\n").find((text) => /uncaught|unhandled/i.test(text));
  if (line !== undefined)
    throw new Error(`wrangler dev logged an uncaught error: ${line}\n---\n${output.slice(-4000)}`);
}
