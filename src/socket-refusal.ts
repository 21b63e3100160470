// Refusing a WebSocket *after* the upgrade. A browser never sees the status or body of a failed
// handshake, only a bare error; accepting first and then closing with a code and reason lets
// every client show the user why (SPEC.md: "closed with").

import { JSON_SUBPROTOCOL } from "./protocol.ts";

/** Completes the upgrade, then closes at once with `code` and `reason`. */
export function closeAfterUpgrade(request: Request, code: number, reason: string): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.close(code, reason);
  return upgradeResponse(request, client);
}

/**
 * The 101 answer for `client`. A client that offered `chat.v1.json` must see it selected, or
 * its handshake fails before any close reason can arrive.
 */
export function upgradeResponse(request: Request, client: WebSocket): Response {
  const headers = offersJsonFraming(request) ? { "sec-websocket-protocol": JSON_SUBPROTOCOL } : undefined;
  return new Response(null, { status: 101, webSocket: client, headers });
}

/** Whether the client listed `chat.v1.json` in `Sec-WebSocket-Protocol`. */
export function offersJsonFraming(request: Request): boolean {
  const offered = request.headers.get("sec-websocket-protocol");
  return offered !== null && offered.split(",").some((protocol) => protocol.trim() === JSON_SUBPROTOCOL);
}
