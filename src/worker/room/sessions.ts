// The room's live sessions: who is in, each name counted once for `online`, and which framing
// each one speaks. How frames reach them is delivery.ts's job.

import { batchedJsonFraming, jsonFraming } from "./framing-json.ts";
import { textFraming } from "./framing-text.ts";
import type { Framing } from "./framing.ts";
import type { Session, SessionAttachment } from "./session.ts";

/** The framing a session's attachment names. */
export function framingOf(data: SessionAttachment): Framing {
  if (!data.json) return textFraming;
  return data.batch ? batchedJsonFraming : jsonFraming;
}

/** See the file comment. */
export class SessionSet {
  readonly #sessions = new Map<WebSocket, Session>();
  readonly #byKey = new Map<string, Session>();
  /** How many sessions carry each name, so `online` lists each name once. */
  readonly #nameCounts = new Map<string, number>();
  /** Called before every change of the set, so that what was queued for the old set goes first. */
  readonly #beforeChange: () => void;
  #batching = 0;

  constructor(beforeChange: () => void) {
    this.#beforeChange = beforeChange;
  }

  /** How many sessions are in the room. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The session of `socket`, if it is in the room. */
  get(socket: WebSocket): Session | undefined {
    return this.#sessions.get(socket);
  }

  /** The session whose attachment carries `key`. */
  byKey(key: string): Session | undefined {
    return this.#byKey.get(key);
  }

  /** Every session, in joining order. */
  values(): IterableIterator<Session> {
    return this.#sessions.values();
  }

  /** How many sessions take batched frames. */
  get batching(): number {
    return this.#batching;
  }

  /** Each name in the room once. */
  names(): string[] {
    return [...this.#nameCounts.keys()];
  }

  /** Whether a session carries `name`. */
  hasName(name: string): boolean {
    return this.#nameCounts.has(name);
  }

  /** Adds a session for `socket`; `announced` says whether the others already know of it. */
  add(socket: WebSocket, data: SessionAttachment, announced: boolean): Session {
    this.#beforeChange();
    const session: Session = {
      welcomedUpTo: 0,
      welcomedSeq: 0,
      socket,
      data,
      framing: framingOf(data),
      announced,
      unloggedRefusals: 0,
      lastRefusalLogAt: 0,
    };
    data.key ??= crypto.randomUUID();
    this.#sessions.set(socket, session);
    this.#byKey.set(data.key, session);
    if (session.framing === batchedJsonFraming) this.#batching++;
    this.#nameCounts.set(data.name, (this.#nameCounts.get(data.name) ?? 0) + 1);
    return session;
  }

  /**
   * Takes `session` out; false if it was not in. Its attachment is cleared, so that a room
   * woken later by its close does not bring it back (see Room.sessionOf).
   */
  remove(session: Session): boolean {
    this.#beforeChange();
    if (!this.#sessions.delete(session.socket)) return false;
    if (session.data.key !== undefined) this.#byKey.delete(session.data.key);
    if (session.framing === batchedJsonFraming) this.#batching--;
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
}
