// Opens WebSockets in Node with the `ws` package for the shared connection core, and keeps the
// reason the latest attempt failed: the core only learns "closed with 1006", while a person
// needs to read "connect ECONNREFUSED" or "Unexpected server response: 403".

import WebSocket from "ws";
import type { ChatConnectionOptions, SocketLike } from "../client/chat-connection.ts";
import type { CliOptions } from "./args.ts";

/** A handshake that has not finished by then is given up, so a black-holed address gets reported instead of hanging. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Opens sockets and remembers why the latest one failed. */
export class NodeSocketOpener {
  #lastError: string | null = null;

  /**
   * The `openSocket` the connection core expects; `protocol` empty means the text framing. A
   * `token` goes in the Authorization header, never in the URL, which the client may print.
   */
  readonly open = (url: string, protocol?: string, token?: string): WebSocket & SocketLike => {
    this.#lastError = null;
    const headers = token ? { authorization: `Bearer ${token}` } : undefined;
    const socket = new WebSocket(url, protocol ? [protocol] : [], { handshakeTimeout: HANDSHAKE_TIMEOUT_MS, headers });
    // `ws` emits "error" as an EventEmitter event as well; listening here leaves the core's
    // `onerror` in place and keeps an unhandled "error" from crashing the process.
    socket.on("error", (error: Error) => {
      this.#lastError = describeSocketError(error);
    });
    return socket as WebSocket & SocketLike;
  };

  /** Why the latest socket failed, in a few words, or null when nothing went wrong. */
  get lastError(): string | null {
    return this.#lastError;
  }
}

/** The connection core's options for the room the command line names, its sockets opened by `sockets`. */
export function roomConnectionOptions(
  options: CliOptions,
  sockets: NodeSocketOpener,
): Pick<ChatConnectionOptions, "url" | "room" | "name" | "history" | "token" | "openSocket"> {
  const { url, room, name, history, token } = options;
  return { url, room, name, history, token, openSocket: sockets.open };
}

/** A socket error as a short phrase: the system error code when there is one, else `ws`'s message. */
function describeSocketError(error: Error): string {
  const cause = error as Error & { code?: unknown };
  if (error instanceof AggregateError && error.errors.length > 0) {
    // Node's happy-eyeballs connect reports one error per address it tried.
    return describeSocketError(error.errors[0] as Error);
  }
  return cause.message || (typeof cause.code === "string" ? cause.code : "unknown error");
}
