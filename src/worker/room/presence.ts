// Who comes and goes. A room of up to PRESENCE_LIMIT sessions announces each join and leave to
// everyone, as the old server did. A larger room would make filling it quadratic (every join to
// every session), so there joins and leaves are gathered and announced at most once a second as
// one `presence` event naming up to PRESENCE_NAMES each way, with the full counts. Counts and
// names are the whole room's, shards included (see Room.online).

import { PRESENCE_NAMES, type JoinMessage, type LeaveMessage, type PresenceMessage } from "../../shared/protocol.ts";
import type { Member } from "./member.ts";
import type { Room } from "./room.ts";

/** How often a big room announces who came and went. */
export const PRESENCE_INTERVAL_MS = 1_000;

/** See the file comment. */
export class Presence {
  readonly #room: Room;
  #joined: string[] = [];
  #left: string[] = [];
  #joinedCount = 0;
  #leftCount = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(room: Room) {
    this.#room = room;
  }

  /**
   * Announces a member that joined (counted in the room already, and welcomed); false when it
   * goes into the next summary, so that a text joiner must hear its own line from its object.
   */
  joined(member: Member, at: number): boolean {
    const online = this.#room.online.count();
    if (online <= this.#room.config.presenceLimit && this.#idle()) {
      const join: JoinMessage = { type: "join", name: member.name, at, online };
      if (member.user !== undefined) join.user = member.user;
      // The old server announced a join to everyone, the joiner included; JSON clients learn
      // of their own join from the welcome instead.
      this.#room.delivery.broadcast(join, member.seesOwnJoin ? null : member.except);
      return true;
    }
    if (this.#joined.length < PRESENCE_NAMES) this.#joined.push(member.name);
    this.#joinedCount++;
    this.#schedule();
    return false;
  }

  /** Announces a member that left (no longer counted in the room). */
  left(member: Member, at: number): void {
    const online = this.#room.online.count();
    if (online + 1 <= this.#room.config.presenceLimit && this.#idle()) {
      const leave: LeaveMessage = { type: "leave", name: member.name, at, online };
      if (member.user !== undefined) leave.user = member.user;
      if (this.#room.online.hasName(member.name)) leave.stillOnline = true;
      this.#room.delivery.broadcast(leave);
      return;
    }
    if (this.#left.length < PRESENCE_NAMES) this.#left.push(member.name);
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
      online: this.#room.online.count(),
      joined: this.#joined,
      left: this.#left,
      joinedCount: this.#joinedCount,
      leftCount: this.#leftCount,
    };
    this.#joined = [];
    this.#left = [];
    this.#joinedCount = 0;
    this.#leftCount = 0;
    this.#room.delivery.broadcast(event);
  }
}
