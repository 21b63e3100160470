// The client's side of the heartbeat: a ping every HEARTBEAT_INTERVAL_MS keeps the room from
// taking the session for idle (4408), and a socket that answers nothing for two intervals is
// taken for dead.

import { HEARTBEAT_INTERVAL_MS, PING_FRAME } from "../shared/protocol.ts";
import { SOCKET_OPEN, type SocketLike } from "./socket-like.ts";

/** How long a socket may stay silent, pings unanswered, before it is given up. */
export const SILENCE_LIMIT_MS = 2 * HEARTBEAT_INTERVAL_MS + 5_000;

/** Pings one socket at a time and reports when it has gone silent. */
export class Heartbeat {
  #timer: ReturnType<typeof setInterval> | null = null;
  #lastHeardAt = 0;

  /** Starts pinging `socket`; `silent` runs once it has answered nothing for {@link SILENCE_LIMIT_MS}. */
  start(socket: SocketLike, silent: () => void): void {
    this.stop();
    this.#lastHeardAt = Date.now();
    this.#timer = setInterval(() => {
      if (socket.readyState !== SOCKET_OPEN) return;
      // Every ping is answered, so this much silence means a half-open connection that would
      // otherwise show "connected" until TCP gives up, minutes later.
      if (Date.now() - this.#lastHeardAt > SILENCE_LIMIT_MS) {
        this.stop();
        silent();
        return;
      }
      socket.send(PING_FRAME);
    }, HEARTBEAT_INTERVAL_MS);
  }

  /** The socket delivered a frame: it is alive. */
  heard(): void {
    this.#lastHeardAt = Date.now();
  }

  /** Stops pinging. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
