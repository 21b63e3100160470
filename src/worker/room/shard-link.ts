// A shard's side of the room: it holds sessions and delivers, and asks the object that
// sequences the room for everything room-wide. Requests go in batches, in the order its
// sessions made them, one RPC per batch; events come back in batches, in the room's order, and
// a batch that skips ids (a push lost to an eviction or a restart) is preceded by the missing
// events, fetched from the sequencer, so nothing is lost or repeated.

import { toTextLines } from "../../shared/frames.ts";
import type { JoinRequest } from "../join-request.ts";
import { applyReply, type Authority } from "./authority.ts";
import type { ChatRoom } from "./chat-room.ts";
import { memberOf } from "./pipeline.ts";
import type { RoomRequest } from "./room-requests.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";
import type { RemoteMember, ShardItem, ShardRequest } from "./shard-protocol.ts";
import type { WelcomeParts } from "./welcome.ts";

/** Who a shard is: which room, which index. */
export interface ShardRole {
  room: string;
  index: number;
}

/** See the file comment. */
export class ShardLink implements Authority {
  readonly #room: Room;
  readonly #role: ShardRole;
  /** Made anew after a failed call: a stub whose call threw may fail every later call too. */
  #sequencer: DurableObjectStub<ChatRoom>;
  readonly #newStub: () => DurableObjectStub<ChatRoom>;
  #queue: ShardRequest[] = [];
  #sending: Promise<void> = Promise.resolve();
  #sendScheduled = false;
  #delivering: Promise<void> = Promise.resolve();
  /** The newest stored id delivered here. */
  #lastId: number;

  constructor(room: Room, role: ShardRole, sequencer: () => DurableObjectStub<ChatRoom>, lastId: number) {
    this.#room = room;
    this.#role = role;
    this.#newStub = sequencer;
    this.#sequencer = sequencer();
    this.#lastId = lastId;
  }

  /** Which shard this is. */
  get role(): ShardRole {
    return this.#role;
  }

  request(session: Session, request: RoomRequest, _now: number): void {
    const { lastPostAt } = session.data;
    this.#send({ kind: "request", member: remote(session), request, ...(lastPostAt !== undefined && { lastPostAt }) });
  }

  async welcome(join: JoinRequest, name: string): Promise<WelcomeParts> {
    const parts = await this.#sequencer.welcomeFor(this.#role.room, join, name);
    // A new shard starts where its first joiner's welcome ends.
    if (this.#room.sessions.size === 0 && this.#lastId < parts.lastMessageId) this.#setLastId(parts.lastMessageId);
    return parts;
  }

  /**
   * Reported before the join's 101 goes back through the sequencer, so that the sequencer
   * counts the session and pushes to this shard before it takes the next join.
   */
  joined(session: Session, _now: number): Promise<void> {
    this.#send({ kind: "joined", member: remote(session) });
    return this.#sending;
  }

  left(session: Session, _now: number): void {
    this.#send({ kind: "left", member: remote(session) });
  }

  /** A batch of events from the sequencer, delivered in order after any it missed. */
  deliver(items: ShardItem[]): Promise<void> {
    this.#delivering = this.#delivering
      .then(() => this.#deliver(items))
      .catch((error: unknown) => {
        this.#sequencer = this.#newStub();
        console.warn(`[WARN] room=${this.#role.room} shard=${this.#role.index}: delivery failed: ${String(error)}`);
      });
    return this.#delivering;
  }

  async #deliver(items: ShardItem[]): Promise<void> {
    const firstId = items.find((item) => item.id !== undefined)?.id;
    if (firstId !== undefined && firstId > this.#lastId + 1 && this.#room.sessions.size > 0) {
      const missing = await this.#sequencer.storedEvents(this.#role.room, this.#lastId, firstId - 1);
      this.#enqueue(missing);
    }
    this.#enqueue(items);
  }

  #enqueue(items: ShardItem[]): void {
    const before = this.#lastId;
    for (const item of items) {
      if (item.id !== undefined) {
        if (item.id <= this.#lastId) continue;
        this.#lastId = item.id;
      }
      this.#room.delivery.enqueue(
        {
          json: item.json,
          text: item.text,
          isMessage: item.isMessage,
          ...(item.id !== undefined && { id: item.id }),
          ...(item.seq !== undefined && { seq: item.seq }),
        },
        item.except ?? null,
      );
    }
    // One row written per batch, not per event.
    if (this.#lastId !== before) this.#setLastId(this.#lastId);
  }

  #setLastId(id: number): void {
    this.#lastId = id;
    this.#room.ctx.storage.sql.exec("UPDATE shard_role SET last_id = ? WHERE id = 1", id);
  }

  #send(request: ShardRequest): void {
    this.#queue.push(request);
    if (this.#sendScheduled) return;
    this.#sendScheduled = true;
    // Everything asked within this turn of the event loop travels in one call.
    this.#sending = this.#sending
      .then(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))
      .then(() => this.#flush());
  }

  async #flush(): Promise<void> {
    this.#sendScheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    let answers;
    try {
      answers = await this.#sequencer.fromShard(this.#role.room, this.#role.index, batch);
    } catch (error) {
      this.#sequencer = this.#newStub();
      console.warn(
        `[WARN] room=${this.#role.room} shard=${this.#role.index}: ${batch.length} requests failed: ${String(error)}`,
      );
      for (const request of batch) {
        const session = this.#room.sessions.byKey(request.member.key);
        if (session !== undefined && request.kind === "request") {
          this.#room.refuse(
            session,
            { code: "rate_limited", message: "the room did not answer: try again in a moment" },
            Date.now(),
          );
        }
      }
      return;
    }
    const now = Date.now();
    batch.forEach((request, i) => {
      const answer = answers[i] ?? {};
      const session = this.#room.sessions.byKey(request.member.key);
      if (session === undefined) return;
      if (answer.lastPostAt !== undefined) {
        session.data.lastPostAt = answer.lastPostAt;
        session.socket.serializeAttachment(session.data);
      }
      // In a big room the joiner is in the next summary; a text joiner still hears its own line at once.
      if (request.kind === "joined" && answer.announced === false && session.framing.seesOwnJoin) {
        this.#room.delivery.send(session, toTextLines({ type: "join", name: session.data.name, at: now, online: 0 }));
      }
      applyReply(this.#room, session, answer, now);
    });
  }
}

function remote(session: Session): RemoteMember {
  const { except: _, ...member } = memberOf(session);
  return { ...member, key: session.data.key! };
}
