// Opens the test client (test-socket.ts) in Node with `ws`: for the end-to-end tests, the bench
// and the soak, against a real `wrangler dev` or any other server.

import WebSocket from "ws";
import { JSON_SUBPROTOCOL } from "../../src/shared/protocol.ts";
import { TestSocket } from "./test-socket.ts";

/** The test client on a `ws` socket; binary frames arrive as Buffers. */
export type NodeTestSocket = TestSocket<WebSocket, Buffer>;

/** Options for {@link openNodeSocket}. */
export interface NodeSocketOptions {
  /** Ask for the JSON framing (`chat.v1.json`). */
  json?: boolean;
  /** Extra request headers (`origin`, `authorization` …). */
  headers?: Record<string, string>;
  /** How long the handshake may take. */
  handshakeMs?: number;
  /** false: keep no frames; see {@link TestSocket}. */
  record?: boolean;
}

/** Opens `url` (ws://…) and resolves once the handshake is done; rejects naming what went wrong. */
export function openNodeSocket(url: string, options: NodeSocketOptions = {}): Promise<NodeTestSocket> {
  const ws = new WebSocket(url, options.json ? [JSON_SUBPROTOCOL] : [], {
    headers: options.headers,
    // Frames up to the platform's 1 MiB limit and a little over, so the tests can probe it.
    maxPayload: 8 * 1024 * 1024,
    perMessageDeflate: false,
  });
  const socket: NodeTestSocket = new TestSocket(
    ws,
    {
      send: (frame) => ws.send(frame),
      // Closing a socket still in its handshake throws in `ws`; dropping it is what is meant.
      close: (code, reason) => (ws.readyState === WebSocket.CONNECTING ? ws.terminate() : ws.close(code, reason)),
      protocol: () => ws.protocol || null,
      listen(onFrame, onClose) {
        ws.on("message", (data: Buffer, isBinary: boolean) => onFrame(isBinary ? data : data.toString("utf8")));
        ws.on("close", (code, reason) => onClose({ code, reason: reason.toString("utf8") }));
      },
    },
    { label: url, record: options.record },
  );
  // Errors after the open surface as a close (1006); without a listener `ws` would throw them.
  ws.on("error", () => {});
  const handshakeMs = options.handshakeMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const fail = (problem: string) => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(`${url}: ${problem}`));
    };
    const timer = setTimeout(() => fail(`handshake not done within ${handshakeMs} ms`), handshakeMs);
    ws.once("open", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    ws.once("unexpected-response", (_request, response) => fail(`expected 101, got HTTP ${response.statusCode}`));
    ws.once("error", (error) => fail(error.message));
  });
}

/** `ws://HOST/<path>` for a server known by its `http://HOST` URL (a dev server, a bench contender). */
export function wsUrl(server: { url: string }, path: string): string {
  return server.url.replace(/^http/, "ws") + path;
}

/** `ws://HOST/chat/<room>?…` for a server known by its `http://HOST` URL. */
export function chatUrl(server: { url: string }, room: string, params: Record<string, string | number> = {}): string {
  const url = new URL(wsUrl(server, `/chat/${room}`));
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  return url.href;
}
