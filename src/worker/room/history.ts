// The room's events in its SQLite storage: messages and deletions in one sequence of ids, the
// ranges that joins and the API replay, tombstones, and trimming to the newest HISTORY_LIMIT.

import type { ChatMessage, DeleteEvent, StoredEvent } from "../../shared/protocol.ts";
import { RecentEvents } from "./recent-events.ts";

/** Rows beyond the limit that may pile up before a trim; one DELETE per batch, not per event. */
const TRIM_BATCH = 64;

/** Events held in memory as well (at least half of it at any time): more than a default welcome's 50. */
const RECENT_EVENTS = 256;

/** A replay: the events, and whether some that were asked for are no longer stored. */
export interface Replay {
  events: StoredEvent[];
  truncated: boolean;
}

/** Who sent or did something, as stored with it. */
export interface Author {
  name: string;
  user?: string | undefined;
}

interface EventRow extends Record<string, SqlStorageValue> {
  id: number;
  type: string;
  name: string;
  user: string | null;
  text: string;
  at: number;
  ref: string | null;
  target: number | null;
  deleted: number;
}

const COLUMNS = "id, type, name, user, text, at, ref, target, deleted";

/** An event on its way into storage. */
interface PendingRow {
  id: number;
  type: StoredEvent["type"];
  author: Author;
  text: string;
  at: number;
  ref: string | null;
  target: number | null;
}

/** One room's stored events; the schema is schema.ts's. */
export class History {
  readonly #sql: SqlStorage;
  readonly #limit: number;
  #lastId: number;
  #oldestId: number;
  /** Messages accepted and given ids, written in one go by {@link commit}, before anyone receives them. */
  #pending: PendingRow[] = [];
  readonly #pendingRefs = new Map<string, ChatMessage>();
  /**
   * The refs of the stored rows, in id order: almost every message carries a ref never seen
   * before, and this answers "is it new?" without a query.
   */
  readonly #refs = new Map<string, number>();
  readonly #recent = new RecentEvents(RECENT_EVENTS);

  constructor(sql: SqlStorage, limit: number) {
    this.#sql = sql;
    this.#limit = limit;
    const bounds = sql
      .exec<{ newest: number | null; oldest: number | null }>(
        "SELECT max(id) AS newest, min(id) AS oldest FROM messages",
      )
      .one();
    this.#lastId = bounds.newest ?? 0;
    this.#oldestId = bounds.oldest ?? this.#lastId + 1;
    for (const row of sql.exec<{ id: number; ref: string }>(
      "SELECT id, ref FROM messages WHERE ref IS NOT NULL ORDER BY id",
    )) {
      this.#refs.set(row.ref, row.id);
    }
  }

  /** The newest id ever given; ids are never reused, even after a trim. */
  get lastId(): number {
    return this.#lastId;
  }

  /**
   * Takes a new message and returns it with its id. It is written by the next {@link commit},
   * which delivery runs before it sends anything (and every read runs first): a busy room so
   * writes the messages of a flush in one transaction instead of one per message, and nobody
   * can receive a message that is not stored. One lost with the object before that was seen by
   * no one, acknowledged to no one, and is resent by its client.
   */
  append(author: Author, text: string, at: number, ref: string | undefined): ChatMessage {
    const id = ++this.#lastId;
    this.#pending.push({ id, type: "message", author, text, at, ref: ref ?? null, target: null });
    const message: ChatMessage = { type: "message", id, name: author.name, text, at };
    if (ref !== undefined) {
      message.ref = ref;
      this.#pendingRefs.set(ref, message);
    }
    if (author.user !== undefined) message.user = author.user;
    return message;
  }

  /** Writes every message {@link append} took since the last commit. */
  commit(): void {
    if (this.#pending.length === 0) return;
    const rows = this.#pending;
    this.#pending = [];
    this.#pendingRefs.clear();
    for (const row of rows) this.#write(row);
    if (this.#lastId - this.#oldestId + 1 > this.#limit + TRIM_BATCH) this.#trim();
  }

  /** Deletes live message `target`, leaving its tombstone, and stores the deletion; null if it is no live message. */
  delete(target: number, by: Author, at: number): DeleteEvent | null {
    this.commit();
    const live = this.message(target);
    if (live === null || live.deleted) return null;
    this.#sql.exec("UPDATE messages SET text = '', deleted = 1 WHERE id = ?", target);
    this.#recent.replace({ ...live, text: "", deleted: true });
    const id = this.#insert({ type: "delete", author: by, text: "", at, ref: null, target });
    const event: DeleteEvent = { type: "delete", id, target, name: by.name, at };
    if (by.user !== undefined) event.user = by.user;
    return event;
  }

  /** The stored message `id` (a tombstone when deleted), if the room still keeps it. */
  message(id: number): ChatMessage | null {
    this.commit();
    if (id < this.#firstKept()) return null;
    const row = this.#sql
      .exec<EventRow>(`SELECT ${COLUMNS} FROM messages WHERE id = ? AND type = 'message'`, id)
      .toArray()[0];
    return row === undefined ? null : (toEvent(row) as ChatMessage);
  }

  /** The stored message that carries `ref`, if any. */
  findByRef(ref: string): ChatMessage | null {
    // A resend of a message not written yet: written now, since its sender is about to hear of it.
    if (this.#pendingRefs.has(ref)) this.commit();
    if (!this.#refs.has(ref)) return null;
    const row = this.#sql.exec<EventRow>(`SELECT ${COLUMNS} FROM messages WHERE ref = ?`, ref).toArray()[0];
    return row === undefined ? null : (toEvent(row) as ChatMessage);
  }

  /** Up to `limit` events after `since`, oldest first. */
  since(since: number, limit: number = this.#limit): Replay {
    this.commit();
    const from = Math.max(since, this.#firstKept() - 1);
    const truncated = this.#lastId > since && this.#firstKept() > since + 1;
    return { events: this.#range(from + 1, limit), truncated };
  }

  /**
   * The newest `count` events, oldest first. `count` may exceed what the room keeps: the replay
   * is then what is kept, and `truncated` says whether any of the `count` asked for are gone.
   */
  latest(count: number): Replay {
    this.commit();
    if (count <= 0) return { events: [], truncated: false };
    const wanted = Math.min(count, this.#limit);
    const first = Math.max(this.#firstKept(), this.#lastId - wanted + 1);
    const firstAsked = Math.max(1, this.#lastId - Math.min(count, this.#lastId) + 1);
    return { events: this.#range(first, wanted), truncated: this.#lastId > 0 && this.#firstKept() > firstAsked };
  }

  /** Up to `limit` stored events from id `first` on (at least {@link #firstKept}), oldest first. */
  #range(first: number, limit: number): StoredEvent[] {
    if (!this.#recent.loaded) this.#recent.load(this.#newest(RECENT_EVENTS));
    if (this.#recent.covers(first)) return this.#recent.from(first, limit);
    return this.#sql
      .exec<EventRow>(`SELECT ${COLUMNS} FROM messages WHERE id >= ? ORDER BY id LIMIT ?`, first, limit)
      .toArray()
      .map(toEvent);
  }

  #newest(count: number): StoredEvent[] {
    return this.#sql
      .exec<EventRow>(
        `SELECT ${COLUMNS} FROM messages WHERE id >= ? ORDER BY id DESC LIMIT ?`,
        this.#firstKept(),
        count,
      )
      .toArray()
      .reverse()
      .map(toEvent);
  }

  #insert(event: Omit<PendingRow, "id">): number {
    this.commit();
    const id = ++this.#lastId;
    this.#write({ ...event, id });
    if (this.#lastId - this.#oldestId + 1 > this.#limit + TRIM_BATCH) this.#trim();
    return id;
  }

  #write({ id, type, author, text, at, ref, target }: PendingRow): void {
    if (ref !== null) this.#refs.set(ref, id);
    this.#sql.exec(
      "INSERT INTO messages (id, type, name, user, text, at, ref, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      id,
      type,
      author.name,
      author.user ?? null,
      text,
      at,
      ref,
      target,
    );
    if (this.#recent.loaded) {
      const user = author.user ?? null;
      this.#recent.add(toEvent({ id, type, name: author.name, user, text, at, ref, target, deleted: 0 }));
    }
  }

  /**
   * The oldest id the room still vouches for. Trimming runs in batches, so a few older rows may
   * linger on disk; they are treated as gone, so that replays match HISTORY_LIMIT exactly.
   */
  #firstKept(): number {
    return Math.max(this.#oldestId, this.#lastId - this.#limit + 1, 1);
  }

  #trim(): void {
    const keepFrom = this.#lastId - this.#limit + 1;
    this.#sql.exec("DELETE FROM messages WHERE id < ?", keepFrom);
    this.#oldestId = keepFrom;
    for (const [ref, id] of this.#refs) {
      if (id >= keepFrom) break;
      this.#refs.delete(ref);
    }
  }
}

function toEvent(row: EventRow): StoredEvent {
  if (row.type === "delete") {
    const event: DeleteEvent = { type: "delete", id: row.id, target: row.target ?? 0, name: row.name, at: row.at };
    if (row.user !== null) event.user = row.user;
    return event;
  }
  const message: ChatMessage = { type: "message", id: row.id, name: row.name, text: row.text, at: row.at };
  if (row.ref !== null) message.ref = row.ref;
  if (row.user !== null) message.user = row.user;
  if (row.deleted) message.deleted = true;
  return message;
}
