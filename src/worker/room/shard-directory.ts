// The room's shards, as the object that sequences the room keeps them: which Durable Objects
// hold how many of its sessions (and which, by key, name and user, so that counts, names and
// kicks are room-wide), where a new session goes once this object is full, and how each flushed
// batch reaches every shard: one RPC per shard per batch, in order.
//
// A room that fits in one object never has a shard: no extra object, no extra hop.

import type { Target } from "../../shared/protocol.ts";
import type { ChatRoom } from "./chat-room.ts";
import type { Outgoing } from "./framing.ts";
import type { RemoteRoster } from "./online.ts";
import type { ShardItem } from "./shard-protocol.ts";

interface RemoteRow extends Record<string, SqlStorageValue> {
  key: string;
  shard: number;
  name: string;
  user: string | null;
}

/** A session a shard holds. */
export interface RemoteSession {
  shard: number;
  name: string;
  user?: string;
}

/** The Durable Object name of shard `index` of `room` (index 0 is the room's own object). */
export function shardObjectName(room: string, index: number): string {
  return `${room}#shard-${index}`;
}

/** See the file comment. */
export class ShardDirectory implements RemoteRoster {
  readonly #sql: SqlStorage;
  readonly #namespace: DurableObjectNamespace<ChatRoom>;
  readonly #shardSessions: number;
  readonly #room: () => string;
  readonly #sessions = new Map<string, RemoteSession>();
  readonly #perShard = new Map<number, number>();
  readonly #reserved = new Map<number, number>();
  readonly #nameCounts = new Map<string, number>();
  /** Each shard's pushes, chained so that they arrive in the room's order. */
  readonly #pushes = new Map<number, Promise<void>>();

  constructor(sql: SqlStorage, namespace: DurableObjectNamespace<ChatRoom>, shardSessions: number, room: () => string) {
    this.#sql = sql;
    this.#namespace = namespace;
    this.#shardSessions = shardSessions;
    this.#room = room;
    for (const row of sql.exec<RemoteRow>("SELECT key, shard, name, user FROM shard_sessions").toArray()) {
      this.#count({ shard: row.shard, name: row.name, ...(row.user !== null && { user: row.user }) }, row.key, +1);
    }
  }

  /** Sessions the shards hold. */
  get count(): number {
    return this.#sessions.size;
  }

  /** Durable Objects holding the room's sessions now, this one included. */
  get objects(): number {
    let shards = 0;
    for (const [, count] of this.#perShard) if (count > 0) shards++;
    return 1 + shards;
  }

  hasName(name: string): boolean {
    return this.#nameCounts.has(name);
  }

  names(): Iterable<string> {
    return this.#nameCounts.keys();
  }

  /** The shard a new session goes to (one with room, or a new one), held for it until it joins or fails. */
  reserve(): number {
    let index = 1;
    while ((this.#perShard.get(index) ?? 0) + (this.#reserved.get(index) ?? 0) >= this.#shardSessions) index++;
    this.#reserved.set(index, (this.#reserved.get(index) ?? 0) + 1);
    return index;
  }

  /** Gives back what {@link reserve} held. */
  release(index: number): void {
    const left = (this.#reserved.get(index) ?? 1) - 1;
    if (left > 0) this.#reserved.set(index, left);
    else this.#reserved.delete(index);
  }

  /** A session joined shard `shard`. */
  joined(key: string, session: RemoteSession): void {
    if (this.#sessions.has(key)) return;
    this.#sql.exec(
      "INSERT OR REPLACE INTO shard_sessions (key, shard, name, user) VALUES (?, ?, ?, ?)",
      key,
      session.shard,
      session.name,
      session.user ?? null,
    );
    this.#count(session, key, +1);
  }

  /** A shard's session left; what it was, or null if it was not known. */
  left(key: string): RemoteSession | null {
    const session = this.#sessions.get(key);
    if (session === undefined) return null;
    this.#sql.exec("DELETE FROM shard_sessions WHERE key = ?", key);
    this.#count(session, key, -1);
    return session;
  }

  /** The keys of the shards' sessions of `target`, by shard. */
  sessionsOf(target: Target): Map<number, string[]> {
    const byShard = new Map<number, string[]>();
    for (const [key, session] of this.#sessions) {
      const matches = target.user !== undefined ? session.user === target.user : session.name === target.name;
      if (matches) byShard.set(session.shard, [...(byShard.get(session.shard) ?? []), key]);
    }
    return byShard;
  }

  /** The stub of shard `index`. */
  stub(index: number): DurableObjectStub<ChatRoom> {
    return this.#namespace.get(this.#namespace.idFromName(shardObjectName(this.#room(), index)));
  }

  /** Hands a flushed batch to every shard that holds or awaits sessions, one call each, in order. */
  forward(items: readonly Outgoing[]): void {
    const shards = new Set([...this.#perShard.keys(), ...this.#reserved.keys()]);
    if (shards.size === 0) return;
    const batch: ShardItem[] = items.map(({ json, text, id, seq, isMessage, except }) => ({
      json,
      text,
      isMessage,
      ...(id !== undefined && { id }),
      ...(seq !== undefined && { seq }),
      ...(typeof except === "string" && { except }),
    }));
    for (const index of shards) this.#chain(index, (stub) => stub.deliver(this.#room(), index, batch));
  }

  /** Closes the given sessions of shard `index`, after everything pushed to it before. */
  close(index: number, keys: string[], code: number, reason: string): void {
    this.#chain(index, (stub) => stub.closeSessions(this.#room(), index, keys, code, reason));
  }

  #chain(index: number, call: (stub: DurableObjectStub<ChatRoom>) => Promise<unknown>): void {
    const previous = this.#pushes.get(index) ?? Promise.resolve();
    const next = previous
      .then(() => call(this.stub(index)))
      .then(
        () => undefined,
        // A shard that missed a batch notices the gap in ids at the next one and fetches it.
        (error: unknown) => console.warn(`[WARN] room=${this.#room()} shard=${index}: push failed: ${String(error)}`),
      );
    this.#pushes.set(index, next);
  }

  #count(session: RemoteSession, key: string, delta: 1 | -1): void {
    if (delta > 0) this.#sessions.set(key, session);
    else this.#sessions.delete(key);
    const inShard = (this.#perShard.get(session.shard) ?? 0) + delta;
    if (inShard > 0) this.#perShard.set(session.shard, inShard);
    else this.#perShard.delete(session.shard);
    const named = (this.#nameCounts.get(session.name) ?? 0) + delta;
    if (named > 0) this.#nameCounts.set(session.name, named);
    else this.#nameCounts.delete(session.name);
  }
}
