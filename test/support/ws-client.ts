// A `ws` client for end-to-end tests and tools: collects frames and waits for them with
// timeouts that fail loudly.

import WebSocket from "ws";
import { JSON_SUBPROTOCOL, type ServerMessage } from "../../src/shared/protocol.ts";

/** An open test socket and what it received. */
export interface WsClient {
  socket: WebSocket;
  /** Every frame received, in order (text as strings, binary as Buffers). */
  frames: (string | Buffer)[];
  /** Waits until `frames` satisfies `done`, or fails after `timeoutMs`. */
  waitFor(done: (frames: (string | Buffer)[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Waits until a text frame equal to `line` has arrived. */
  waitForLine(line: string, timeoutMs?: number): Promise<void>;
  /** JSON frames parsed. */
  messages(): ServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Opens `url`; `json` asks for the chat.v1.json framing; `headers` go with the upgrade. Rejects if the handshake fails. */
export function openWs(
  url: string,
  options: { json?: boolean; origin?: string; headers?: Record<string, string> } = {},
): Promise<WsClient> {
  const socket = new WebSocket(url, options.json ? [JSON_SUBPROTOCOL] : [], {
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const frames: (string | Buffer)[] = [];
  const listeners = new Set<() => void>();
  socket.on("message", (data: Buffer, isBinary: boolean) => {
    frames.push(isBinary ? data : data.toString("utf8"));
    for (const listener of listeners) listener();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const listener of listeners) listener();
    }),
  );
  const client: WsClient = {
    socket,
    frames,
    waitFor(done, what, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (done(frames)) {
            cleanup();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `${url}: timed out after ${timeoutMs} ms waiting for ${what}; received ${JSON.stringify(frames.slice(-10).map(String))}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    waitForLine: (line, timeoutMs) => client.waitFor((all) => all.includes(line), JSON.stringify(line), timeoutMs),
    messages: () => frames.filter((f): f is string => typeof f === "string").map((f) => JSON.parse(f) as ServerMessage),
    closed,
    close: () => socket.close(1000, "done"),
  };
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve(client));
    socket.once("error", (error) => reject(new Error(`${url}: ${error.message}`)));
  });
}

/** The `ws://` form of a dev server's `http://` URL. */
export function wsUrl(httpUrl: string, path: string): string {
  return httpUrl.replace(/^http/, "ws") + path;
}
