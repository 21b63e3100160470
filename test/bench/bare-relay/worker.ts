// The benchmark's bare Durable Object relay: the least a hibernating room can do. It accepts
// every socket, and relays each text frame to every socket the runtime lists, sender included,
// as the text framing's `from NAME: TEXT` line built anew per recipient. No storage, no
// validation, no limits: the baseline the ChatRoom is measured against.

import { DurableObject } from "cloudflare:workers";

interface Env {
  RELAY: DurableObjectNamespace<BareRelay>;
}

/** One relay room. */
export class BareRelay extends DurableObject<Env> {
  override fetch(request: Request): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(new URL(request.url).searchParams.get("name") ?? "guest");
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(socket: WebSocket, frame: string | ArrayBuffer): void {
    const name = socket.deserializeAttachment() as string;
    for (const peer of this.ctx.getWebSockets()) {
      try {
        peer.send(`from ${name}: ${String(frame)}`);
      } catch {
        // A closed peer: the runtime drops it from getWebSockets() on its own.
      }
    }
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {}
  }
}

export default {
  fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/healthz") return new Response("ok");
    const room = /^\/chat\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname)?.[1];
    if (room === undefined || request.headers.get("upgrade") !== "websocket") {
      return new Response("connect a WebSocket to /chat/<room>\n", { status: 426 });
    }
    return env.RELAY.get(env.RELAY.idFromName(room)).fetch(request);
  },
} satisfies ExportedHandler<Env>;
