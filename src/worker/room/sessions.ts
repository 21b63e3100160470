// The room's live sessions and how frames reach them: membership (with each name counted once
// for `online`), and an outbox that gathers broadcasts, serialised once per framing, and sends
// them together: to sessions that opted into batching, packed into one frame.

import { toTextLine } from "../../shared/frames.ts";
import { CloseCode, type ServerMessage } from "../../shared/protocol.ts";
import type { Session, SessionAttachment } from "./session.ts";

/** The close reason of a session dropped for not reading what the room sends it. */
const FAR_BEHIND_REASON = "too far behind: not reading";

/** A broadcast waiting in the outbox: its frame in each framing, and the one session it skips (a joiner). */
interface QueuedFrame {
  json: string;
  /** Null for a message the text framing has no line for. */
  text: string | null;
  except: Session | null;
}

/** What a session set needs from its room. */
export interface SessionSetOptions {
  /** Resolves once every storage write so far is durable (`ctx.storage.sync()`). */
  durable(): Promise<void>;
  /** Unsent bytes a socket may hold before its session is given up. */
  maxBufferedBytes: number;
  /** A session whose socket failed or fell too far behind: the room closes it and says it left. */
  broken(session: Session, code: number, reason: string): void;
}

/** See the file comment. */
export class SessionSet {
  readonly #options: SessionSetOptions;
  readonly #sessions = new Map<WebSocket, Session>();
  /** How many sessions carry each name, so `online` lists each name once. */
  readonly #nameCounts = new Map<string, number>();
  #batchSessions = 0;
  #outbox: QueuedFrame[] = [];
  #flushScheduled = false;

  constructor(options: SessionSetOptions) {
    this.#options = options;
  }

  /** How many sessions are in the room. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The session of `socket`, if it is in the room. */
  get(socket: WebSocket): Session | undefined {
    return this.#sessions.get(socket);
  }

  /** Every session, in joining order. */
  values(): IterableIterator<Session> {
    return this.#sessions.values();
  }

  /** Each name in the room once. */
  names(): string[] {
    return [...this.#nameCounts.keys()];
  }

  /** Adds a session for `socket`. */
  add(socket: WebSocket, data: SessionAttachment): Session {
    this.#flushNow();
    const session: Session = { socket, data, unloggedRefusals: 0, lastRefusalLogAt: 0 };
    if (data.batch) this.#batchSessions++;
    this.#sessions.set(socket, session);
    this.#nameCounts.set(data.name, (this.#nameCounts.get(data.name) ?? 0) + 1);
    return session;
  }

  /**
   * Takes `session` out; false if it was not in. Its attachment is cleared, so that a room
   * woken later by its close does not bring it back (see ChatRoom's sessionOf).
   */
  remove(session: Session): boolean {
    this.#flushNow();
    if (!this.#sessions.delete(session.socket)) return false;
    if (session.data.batch) this.#batchSessions--;
    const { name } = session.data;
    const left = (this.#nameCounts.get(name) ?? 1) - 1;
    if (left > 0) this.#nameCounts.set(name, left);
    else this.#nameCounts.delete(name);
    try {
      session.socket.serializeAttachment(null);
    } catch {
      // The socket is closed already; its attachment goes with it.
    }
    return true;
  }

  /** Whether another session carries `name`. */
  hasName(name: string): boolean {
    return this.#nameCounts.has(name);
  }

  /** Sends `frame` to one session, after everything queued before it. */
  send(session: Session, frame: string): void {
    this.#flushNow();
    try {
      session.socket.send(frame);
    } catch {
      this.#options.broken(session, CloseCode.serverError, "send failed");
    }
  }

  /** Closes `session`'s socket, after sending it everything queued before. */
  close(session: Session, code: number, reason: string): void {
    this.#flushNow();
    try {
      session.socket.close(code, reason);
    } catch {
      // Already closing: the code it closes with is the one it had.
    }
  }

  /**
   * Sends one server message to every session but `except`, serialised once per framing.
   * Durability is the runtime's output gate: it holds every frame sent after a storage write
   * until the write is durable (a message is stored before anyone receives it). The outbox only
   * gathers: it flushes when storage reports the writes so far durable, which is when the gate
   * would have let the frames go anyway, so an idle room sends no later, while a busy one sends
   * everything accepted meanwhile at once, packed for batching sessions. Order comes from
   * #flushNow: every direct send and every change of the set flushes what is queued first.
   */
  broadcast(message: ServerMessage, except: Session | null = null): void {
    this.#outbox.push({ json: JSON.stringify(message), text: toTextLine(message), except });
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Flushed even if the sync fails, so that later broadcasts are never stuck behind it; the
    // runtime resets an object whose storage failed, and the output gate drops those frames.
    const flush = () => this.#flush();
    void this.#options.durable().then(flush, flush);
  }

  /** Flushes before any direct send and any change of the set, so every session sees every frame in order. */
  #flushNow(): void {
    if (this.#outbox.length > 0) this.#flush();
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#outbox.length === 0) return;
    const items = this.#outbox;
    this.#outbox = [];
    // Packed once for all batching sessions; only a joiner that an item skips gets its own.
    const packed = this.#batchSessions > 0 ? packFrames(items) : null;
    const skipping = new Set(items.map((item) => item.except));
    let failed: Session[] | null = null;
    let behind: Session[] | null = null;
    for (const session of this.#sessions.values()) {
      const { json, batch } = session.data;
      try {
        if (batch) {
          const frame = skipping.has(session) ? packFrames(items.filter((item) => item.except !== session)) : packed;
          if (frame !== null) session.socket.send(frame);
        } else {
          for (const item of items) {
            const frame = json ? item.json : item.text;
            if (item.except !== session && frame !== null) session.socket.send(frame);
          }
        }
        // The runtime queues every send to a client that stopped reading, without bound, in
        // the room's own process; giving that one session up keeps memory bounded.
        if (session.socket.bufferedAmount > this.#options.maxBufferedBytes) (behind ??= []).push(session);
      } catch {
        (failed ??= []).push(session);
      }
    }
    // Given up only after the loop: one broken socket must not stop the others' delivery.
    for (const session of failed ?? []) this.#options.broken(session, CloseCode.serverError, "send failed");
    for (const session of behind ?? []) this.#options.broken(session, CloseCode.tryAgainLater, FAR_BEHIND_REASON);
  }
}

/** One frame for `items`: the frame itself when alone, a JSON array of them when several. */
function packFrames(items: QueuedFrame[]): string | null {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0]!.json;
  return `[${items.map((item) => item.json).join(",")}]`;
}
