// Refusing a WebSocket *after* the upgrade. A browser never sees the status or body of a failed
// handshake, only a bare error; accepting first and then closing with a code and reason lets
// every client show the user why (SPEC.md: "closed with").

import { JSON_SUBPROTOCOL } from "../shared/protocol.ts";

/** The most UTF-8 bytes a close reason may carry (RFC 6455: 125 bytes of payload, 2 for the code). */
const MAX_REASON_BYTES = 123;

/**
 * Completes the upgrade, then closes at once with `code` and `reason` (shortened to fit), and
 * logs it with `detail` when given (never a token or a secret: callers say which check failed).
 */
export function closeAfterUpgrade(request: Request, code: number, reason: string, detail?: string): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.close(code, fitCloseReason(reason));
  const ip = request.headers.get("cf-connecting-ip") ?? "unknown";
  console.warn(
    `[WARN] refused a socket from ${ip} to ${new URL(request.url).pathname}: ${code} ${reason}${detail ? ` (${detail})` : ""}`,
  );
  return upgradeResponse(request, client, offersJsonFraming(request));
}

/**
 * The 101 answer for `client`. A client that offered `chat.v1.json` must see it selected when
 * the route speaks it, or its handshake fails before any close reason can arrive.
 */
export function upgradeResponse(request: Request, client: WebSocket, selectJson: boolean): Response {
  const headers = selectJson ? { "sec-websocket-protocol": JSON_SUBPROTOCOL } : undefined;
  return new Response(null, { status: 101, webSocket: client, headers });
}

/** Whether the client listed `chat.v1.json` in `Sec-WebSocket-Protocol`. */
export function offersJsonFraming(request: Request): boolean {
  const offered = request.headers.get("sec-websocket-protocol");
  return offered !== null && offered.split(",").some((protocol) => protocol.trim() === JSON_SUBPROTOCOL);
}

/** `reason` cut to fit a close frame, on a character boundary, marked with `…` when cut. */
export function fitCloseReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= MAX_REASON_BYTES) return reason;
  const cut = new TextDecoder().decode(bytes.slice(0, MAX_REASON_BYTES - 3));
  return cut.replace(/\uFFFD+$/, "") + "…";
}
