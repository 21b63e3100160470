// The stateless echo handler of WebSocket /echo: every frame goes back unchanged, in order.
// It lives in the Worker, not a Durable Object, since no state is shared between clients.

import { upgradeResponse } from "./socket-refusal.ts";

/** Accepts the socket and echoes each text or binary frame. */
export function handleEcho(request: Request): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.binaryType = "arraybuffer";
  server.addEventListener("message", (event) => {
    try {
      server.send(event.data);
    } catch {
      // The peer is gone; its close event ends this socket.
    }
  });
  server.addEventListener("close", (event) => {
    try {
      // 1005 and 1006 only describe a close; they may not be sent.
      const sendable = event.code === 1000 || (event.code >= 3000 && event.code <= 4999);
      server.close(sendable ? event.code : 1000, sendable ? event.reason : "");
    } catch {}
  });
  // Echo speaks no framing of its own, so it selects no subprotocol.
  return upgradeResponse(request, client, false);
}
