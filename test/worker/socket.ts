// A WebSocket client for tests inside workerd: opens a socket through the Worker (SELF), and
// waits for frames or the close with timeouts that fail loudly.

import { SELF } from "cloudflare:test";
import { JSON_SUBPROTOCOL, type ServerMessage } from "../../src/shared/protocol.ts";

/** A test's end of a WebSocket. */
export interface TestSocket {
  socket: WebSocket;
  /** The protocol the server selected in its 101 answer. */
  protocol: string | null;
  /** The next frame (text as a string, binary as an ArrayBuffer). */
  next(timeoutMs?: number): Promise<string | ArrayBuffer>;
  /** The next frame, which must be text. */
  nextText(timeoutMs?: number): Promise<string>;
  /** The next frame parsed as a JSON server message. */
  nextJson(timeoutMs?: number): Promise<ServerMessage>;
  /** Frames received and not yet taken. */
  buffered(): (string | ArrayBuffer)[];
  /** Resolves with the close code and reason. */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  send(frame: string | ArrayBuffer): void;
  sendJson(message: unknown): void;
  close(): void;
}

/** Options for {@link connect}. */
export interface ConnectOptions {
  json?: boolean;
  origin?: string;
}

/** Opens a WebSocket to `path` (with query) through the Worker. */
export async function connect(path: string, options: ConnectOptions = {}): Promise<TestSocket> {
  const headers: Record<string, string> = { upgrade: "websocket" };
  if (options.json) headers["sec-websocket-protocol"] = JSON_SUBPROTOCOL;
  if (options.origin) headers.origin = options.origin;
  const response = await SELF.fetch(`http://localhost${path}`, { headers });
  const socket = response.webSocket;
  if (socket === null) throw new Error(`expected a WebSocket upgrade for ${path}, got HTTP ${response.status}`);
  socket.binaryType = "arraybuffer";
  socket.accept();

  const frames: (string | ArrayBuffer)[] = [];
  const waiters: (() => void)[] = [];
  let closeEvent: { code: number; reason: string } | null = null;
  const wake = () => waiters.splice(0).forEach((wakeUp) => wakeUp());
  socket.addEventListener("message", (event) => {
    frames.push(event.data as string | ArrayBuffer);
    wake();
  });
  socket.addEventListener("close", (event) => {
    closeEvent = { code: event.code, reason: event.reason };
    wake();
  });

  async function waitFor<T>(ready: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      if (closeEvent !== null && what !== "close") {
        throw new Error(`${path}: socket closed (${closeEvent.code} ${closeEvent.reason}) while waiting for ${what}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${path}: no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  const test: TestSocket = {
    socket,
    protocol: response.headers.get("sec-websocket-protocol"),
    next: (timeoutMs = 2_000) => waitFor(() => frames.shift(), "frame", timeoutMs),
    async nextText(timeoutMs) {
      const frame = await test.next(timeoutMs);
      if (typeof frame !== "string") throw new Error(`${path}: expected a text frame, got binary`);
      return frame;
    },
    async nextJson(timeoutMs) {
      return JSON.parse(await test.nextText(timeoutMs)) as ServerMessage;
    },
    buffered: () => frames,
    closed: (timeoutMs = 2_000) => waitFor(() => closeEvent ?? undefined, "close", timeoutMs),
    send: (frame) => socket.send(frame),
    sendJson: (message) => socket.send(JSON.stringify(message)),
    close: () => {
      try {
        socket.close(1000, "test done");
      } catch {}
    },
  };
  return test;
}

/** A room name of its own for each test, so that tests never see each other's messages. */
export function uniqueRoom(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}
