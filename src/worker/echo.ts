// The stateless echo handler of WebSocket /echo: every frame goes back unchanged, in order.
// It lives in the Worker, not a Durable Object, since no state is shared between clients.

import { upgradeResponse } from "./upgrade.ts";

/** Accepts the socket and echoes each text or binary frame. */
export function handleEcho(request: Request): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.binaryType = "arraybuffer";
  server.addEventListener("message", (event) => {
    try {
      server.send(event.data);
    } catch {
      // The peer is gone. The runtime answers its close frame by itself (the
      // web_socket_auto_reply_to_close default since 2026-04-07), so nothing is left to do.
    }
  });
  // Echo speaks no framing of its own, so it selects no subprotocol.
  return upgradeResponse(request, client, false);
}
