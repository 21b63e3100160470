// The one thing the client core needs from a WebSocket, so that the page (the browser's own) and
// the terminal client (the `ws` package) can each hand it theirs.

/** The subset of the WHATWG WebSocket that both browsers and the `ws` package provide. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** `readyState` of a socket that can send (WebSocket.OPEN, which Node's globals may lack). */
export const SOCKET_OPEN = 1;
