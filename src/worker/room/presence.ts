// Who comes and goes. A room of up to PRESENCE_LIMIT sessions announces each join and leave to
// everyone, as the old server did. A larger room would make filling it quadratic (every join to
// every session), so there joins and leaves are gathered and announced at most once a second as
// one `presence` event naming up to PRESENCE_NAMES each way, with the full counts.

import { toTextLines } from "../../shared/frames.ts";
import { PRESENCE_NAMES, type JoinMessage, type LeaveMessage, type PresenceMessage } from "../../shared/protocol.ts";
import type { Delivery } from "./delivery.ts";
import type { Session } from "./session.ts";
import type { SessionSet } from "./sessions.ts";

/** How often a big room announces who came and went. */
export const PRESENCE_INTERVAL_MS = 1_000;

/** See the file comment. */
export class Presence {
  readonly #sessions: SessionSet;
  readonly #delivery: Delivery;
  readonly #limit: number;
  #joined: string[] = [];
  #left: string[] = [];
  #joinedCount = 0;
  #leftCount = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(sessions: SessionSet, delivery: Delivery, limit: number) {
    this.#sessions = sessions;
    this.#delivery = delivery;
    this.#limit = limit;
  }

  /** Announces a session that joined (it is in the set already and has had its welcome). */
  joined(session: Session, at: number): void {
    const { name, user } = session.data;
    if (this.#sessions.size <= this.#limit && this.#idle()) {
      const join: JoinMessage = { type: "join", name, at, online: this.#sessions.size };
      if (user !== undefined) join.user = user;
      // The old server announced a join to everyone, the joiner included; JSON clients learn
      // of their own join from the welcome instead.
      this.#delivery.broadcast(join, session.framing.seesOwnJoin ? null : session);
      return;
    }
    // A text joiner still hears its own `joined` line at once.
    if (session.framing.seesOwnJoin) this.#delivery.send(session, toTextLines({ type: "join", name, at, online: 0 }));
    if (this.#joined.length < PRESENCE_NAMES) this.#joined.push(name);
    this.#joinedCount++;
    this.#schedule();
  }

  /** Announces a session that left (it is out of the set already). */
  left(session: Session, at: number): void {
    const { name, user } = session.data;
    if (this.#sessions.size + 1 <= this.#limit && this.#idle()) {
      const leave: LeaveMessage = { type: "leave", name, at, online: this.#sessions.size };
      if (user !== undefined) leave.user = user;
      if (this.#sessions.hasName(name)) leave.stillOnline = true;
      this.#delivery.broadcast(leave);
      return;
    }
    if (this.#left.length < PRESENCE_NAMES) this.#left.push(name);
    this.#leftCount++;
    this.#schedule();
  }

  /** Nothing gathered is waiting: single notices may go out without overtaking a summary. */
  #idle(): boolean {
    return this.#joinedCount === 0 && this.#leftCount === 0;
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => this.#announce(), PRESENCE_INTERVAL_MS);
  }

  #announce(): void {
    this.#timer = null;
    if (this.#idle()) return;
    const event: PresenceMessage = {
      type: "presence",
      online: this.#sessions.size,
      joined: this.#joined,
      left: this.#left,
      joinedCount: this.#joinedCount,
      leftCount: this.#leftCount,
    };
    this.#joined = [];
    this.#left = [];
    this.#joinedCount = 0;
    this.#leftCount = 0;
    this.#delivery.broadcast(event);
  }
}
