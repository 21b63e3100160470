// Opens a browser WebSocket for ChatConnection. The DOM's handler types take DOM events, which
// TypeScript will not pass off as SocketLike's plainer ones, so a thin forwarder stands between.

import type { SocketLike } from "../client/chat-connection.ts";
import { TOKEN_PARAM } from "../shared/access.ts";

/**
 * A browser WebSocket to `url` speaking `protocol`, seen through the SocketLike interface. A
 * browser cannot set headers on a WebSocket, so a `token` travels as the `token` parameter.
 */
export function openBrowserSocket(url: string, protocol: string, token?: string): SocketLike {
  const socket = new WebSocket(token ? withToken(url, token) : url, protocol);
  const like: SocketLike = {
    get readyState() {
      return socket.readyState;
    },
    send: (data) => socket.send(data),
    close: (code, reason) => socket.close(code, reason),
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  socket.onopen = (event) => like.onopen?.(event);
  socket.onmessage = (event) => like.onmessage?.(event);
  socket.onclose = (event) => like.onclose?.(event);
  socket.onerror = (event) => like.onerror?.(event);
  return like;
}

function withToken(url: string, token: string): string {
  const address = new URL(url);
  address.searchParams.set(TOKEN_PARAM, token);
  return address.href;
}
