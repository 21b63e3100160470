// What moderators decide, kept in the room's SQLite storage so that it survives restarts and
// eviction: the room's settings and its bans, which expire by themselves.

import type { Ban, RoomSettings, Target } from "../../shared/protocol.ts";

interface BanRow extends Record<string, SqlStorageValue> {
  kind: string;
  value: string;
  until: number;
  reason: string | null;
}

/** See the file comment; the tables are schema.ts's. */
export class ModerationStore {
  readonly #sql: SqlStorage;
  #settings: Readonly<RoomSettings>;
  /** The stored bans by `kind:value`, kept in memory too: every join asks, and bans are few. */
  readonly #bans = new Map<string, BanRow>();

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    const row = sql
      .exec<{ slow_mode: number; read_only: number }>("SELECT slow_mode, read_only FROM settings WHERE id = 1")
      .toArray()[0];
    this.#settings =
      row === undefined ? { slowMode: 0, readOnly: false } : { slowMode: row.slow_mode, readOnly: row.read_only === 1 };
    for (const ban of sql.exec<BanRow>("SELECT kind, value, until, reason FROM bans").toArray()) {
      this.#bans.set(`${ban.kind}:${ban.value}`, ban);
    }
  }

  /** The room's settings now: never changed in place (a change replaces them), so no copy is made per post. */
  get settings(): Readonly<RoomSettings> {
    return this.#settings;
  }

  /** Applies `change` and returns the settings after it. */
  changeSettings(change: Partial<RoomSettings>): Readonly<RoomSettings> {
    this.#settings = {
      slowMode: change.slowMode ?? this.#settings.slowMode,
      readOnly: change.readOnly ?? this.#settings.readOnly,
    };
    this.#sql.exec(
      "INSERT OR REPLACE INTO settings (id, slow_mode, read_only) VALUES (1, ?, ?)",
      this.#settings.slowMode,
      this.#settings.readOnly ? 1 : 0,
    );
    return this.settings;
  }

  /** Bans `target` until `until` (epoch ms), replacing any ban it had. */
  ban(target: Target, until: number, reason: string | undefined): Ban {
    const [kind, value] = keyOf(target);
    this.#sql.exec(
      "INSERT OR REPLACE INTO bans (kind, value, until, reason) VALUES (?, ?, ?, ?)",
      kind,
      value,
      until,
      reason ?? null,
    );
    const row: BanRow = { kind, value, until, reason: reason ?? null };
    this.#bans.set(`${kind}:${value}`, row);
    return toBan(row);
  }

  /** Lifts the ban of `target`; false when there was none in force. */
  unban(target: Target, now: number): boolean {
    const [kind, value] = keyOf(target);
    const cursor = this.#sql.exec("DELETE FROM bans WHERE kind = ? AND value = ? AND until > ?", kind, value, now);
    this.#bans.delete(`${kind}:${value}`);
    return cursor.rowsWritten > 0;
  }

  /** The ban in force now against a session of `name` (and `user`, when verified), if any. */
  banOf(name: string, user: string | undefined, now: number): Ban | null {
    if (this.#bans.size === 0) return null;
    const byName = this.#bans.get(`name:${name}`);
    const byUser = user === undefined ? undefined : this.#bans.get(`user:${user}`);
    const live = [byName, byUser].filter((ban): ban is BanRow => ban !== undefined && ban.until > now);
    if (live.length === 0) return null;
    return toBan(live.reduce((a, b) => (b.until > a.until ? b : a)));
  }

  /** Every ban in force, soonest to end first; expired ones are cleared on the way. */
  bans(now: number): Ban[] {
    this.#sql.exec("DELETE FROM bans WHERE until <= ?", now);
    for (const [key, ban] of this.#bans) if (ban.until <= now) this.#bans.delete(key);
    return this.#sql.exec<BanRow>("SELECT kind, value, until, reason FROM bans ORDER BY until").toArray().map(toBan);
  }
}

function keyOf(target: Target): ["name" | "user", string] {
  return target.user !== undefined ? ["user", target.user] : ["name", target.name];
}

function toBan(row: BanRow): Ban {
  const ban: Ban = row.kind === "user" ? { user: row.value, until: row.until } : { name: row.value, until: row.until };
  if (row.reason !== null) ban.reason = row.reason;
  return ban;
}
