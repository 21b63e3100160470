// The room's messages in its SQLite storage: schema, append, the ranges that joins and the API
// replay, and trimming to the newest HISTORY_LIMIT.

import type { ChatMessage } from "../../shared/protocol.ts";

/** Rows beyond the limit that may pile up before a trim; one DELETE per batch, not per message. */
const TRIM_BATCH = 64;

/** A replay: the messages, and whether some that were asked for are no longer stored. */
export interface Replay {
  messages: ChatMessage[];
  truncated: boolean;
}

interface MessageRow extends Record<string, SqlStorageValue> {
  id: number;
  name: string;
  text: string;
  at: number;
  ref: string | null;
}

/** One room's stored messages. */
export class History {
  readonly #sql: SqlStorage;
  readonly #limit: number;
  #lastId: number;
  #oldestId: number;

  constructor(sql: SqlStorage, limit: number) {
    this.#sql = sql;
    this.#limit = limit;
    sql.exec(`CREATE TABLE IF NOT EXISTS messages (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      text TEXT NOT NULL,
      at INTEGER NOT NULL,
      ref TEXT UNIQUE
    )`);
    const bounds = sql
      .exec<{ newest: number | null; oldest: number | null }>(
        "SELECT max(id) AS newest, min(id) AS oldest FROM messages",
      )
      .one();
    this.#lastId = bounds.newest ?? 0;
    this.#oldestId = bounds.oldest ?? this.lastId + 1;
  }

  /** The newest id ever given; ids are never reused, even after a trim. */
  get lastId(): number {
    return this.#lastId;
  }

  /** Stores a new message and returns it with its id. */
  append(name: string, text: string, at: number, ref: string | undefined): ChatMessage {
    const id = this.lastId + 1;
    this.#sql.exec(
      "INSERT INTO messages (id, name, text, at, ref) VALUES (?, ?, ?, ?, ?)",
      id,
      name,
      text,
      at,
      ref ?? null,
    );
    this.#lastId = id;
    if (id - this.#oldestId + 1 > this.#limit + TRIM_BATCH) this.#trim();
    return ref === undefined ? { type: "message", id, name, text, at } : { type: "message", id, name, text, at, ref };
  }

  /** The stored message that carries `ref`, if any. */
  findByRef(ref: string): ChatMessage | null {
    const row = this.#sql
      .exec<MessageRow>("SELECT id, name, text, at, ref FROM messages WHERE ref = ?", ref)
      .toArray()[0];
    return row === undefined ? null : toMessage(row);
  }

  /** Up to `limit` messages after `since`, oldest first. */
  since(since: number, limit: number = this.#limit): Replay {
    const from = Math.max(since, this.#firstKept() - 1);
    const rows = this.#sql
      .exec<MessageRow>("SELECT id, name, text, at, ref FROM messages WHERE id > ? ORDER BY id LIMIT ?", from, limit)
      .toArray();
    return { messages: rows.map(toMessage), truncated: this.lastId > since && this.#firstKept() > since + 1 };
  }

  /**
   * The newest `count` messages, oldest first. `count` may exceed what the room keeps: the
   * replay is then what is kept, and `truncated` says whether any of the `count` asked for are gone.
   */
  latest(count: number): Replay {
    if (count <= 0) return { messages: [], truncated: false };
    const rows = this.#sql
      .exec<MessageRow>(
        "SELECT id, name, text, at, ref FROM messages WHERE id >= ? ORDER BY id DESC LIMIT ?",
        this.#firstKept(),
        Math.min(count, this.#limit),
      )
      .toArray()
      .reverse();
    const firstAsked = Math.max(1, this.lastId - Math.min(count, this.lastId) + 1);
    return { messages: rows.map(toMessage), truncated: this.lastId > 0 && this.#firstKept() > firstAsked };
  }

  /**
   * The oldest id the room still vouches for. Trimming runs in batches, so a few older rows may
   * linger on disk; they are treated as gone, so that replays match HISTORY_LIMIT exactly.
   */
  #firstKept(): number {
    return Math.max(this.#oldestId, this.lastId - this.#limit + 1, 1);
  }

  #trim(): void {
    const keepFrom = this.lastId - this.#limit + 1;
    this.#sql.exec("DELETE FROM messages WHERE id < ?", keepFrom);
    this.#oldestId = keepFrom;
  }
}

function toMessage(row: MessageRow): ChatMessage {
  const message: ChatMessage = { type: "message", id: row.id, name: row.name, text: row.text, at: row.at };
  if (row.ref !== null) message.ref = row.ref;
  return message;
}
