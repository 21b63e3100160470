// Opens the test client (test-socket.ts) inside workerd, for test/worker: a `fetch` with an
// Upgrade header through the Worker (SELF) or any other fetcher, then `response.webSocket`.
// Only tests open sockets here, so each socket closes when the test that opened it ends, passed
// or failed: the `finally` every workerd test would otherwise write.

import { SELF } from "cloudflare:test";
import { onTestFinished } from "vitest";
import { JSON_SUBPROTOCOL } from "../../src/shared/protocol.ts";
import { TestSocket } from "./test-socket.ts";

/** The test client on a workerd socket; binary frames arrive as ArrayBuffers. */
export type WorkerdTestSocket = TestSocket<WebSocket, ArrayBuffer>;

/** Options for {@link openWorkerdSocket}. */
export interface WorkerdSocketOptions {
  /** Ask for the JSON framing (`chat.v1.json`). */
  json?: boolean;
  origin?: string;
  /** Extra request headers, set after the ones above (a forged header a client might send). */
  headers?: Record<string, string>;
  /** What to fetch through: the Worker by default, or a Durable Object stub. */
  via?: Pick<Fetcher, "fetch">;
}

/** Opens a WebSocket to `path` (with query) and accepts it; throws when the answer is not an upgrade. */
export async function openWorkerdSocket(path: string, options: WorkerdSocketOptions = {}): Promise<WorkerdTestSocket> {
  const headers: Record<string, string> = { upgrade: "websocket" };
  if (options.json) headers["sec-websocket-protocol"] = JSON_SUBPROTOCOL;
  if (options.origin) headers.origin = options.origin;
  Object.assign(headers, options.headers);
  const response = await (options.via ?? SELF).fetch(`http://localhost${path}`, { headers });
  const ws = response.webSocket;
  if (ws === null) throw new Error(`${path}: expected a WebSocket upgrade, got HTTP ${response.status}`);
  ws.binaryType = "arraybuffer";
  const socket: WorkerdTestSocket = new TestSocket(
    ws,
    {
      send: (frame) => ws.send(frame),
      close: (code, reason) => ws.close(code, reason),
      protocol: () => response.headers.get("sec-websocket-protocol"),
      listen(onFrame, onClose) {
        ws.addEventListener("message", (event) => onFrame(event.data as string | ArrayBuffer));
        ws.addEventListener("close", (event) => onClose({ code: event.code, reason: event.reason }));
      },
    },
    { label: path },
  );
  ws.accept();
  onTestFinished(() => socket.close());
  return socket;
}
