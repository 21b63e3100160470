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
  #settings: RoomSettings;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    const row = sql
      .exec<{ slow_mode: number; read_only: number }>("SELECT slow_mode, read_only FROM settings WHERE id = 1")
      .toArray()[0];
    this.#settings =
      row === undefined ? { slowMode: 0, readOnly: false } : { slowMode: row.slow_mode, readOnly: row.read_only === 1 };
  }

  /** The room's settings now. */
  get settings(): RoomSettings {
    return { ...this.#settings };
  }

  /** Applies `change` and returns the settings after it. */
  changeSettings(change: Partial<RoomSettings>): RoomSettings {
    if (change.slowMode !== undefined) this.#settings.slowMode = change.slowMode;
    if (change.readOnly !== undefined) this.#settings.readOnly = change.readOnly;
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
    return toBan({ kind, value, until, reason: reason ?? null });
  }

  /** Lifts the ban of `target`; false when there was none in force. */
  unban(target: Target, now: number): boolean {
    const [kind, value] = keyOf(target);
    const cursor = this.#sql.exec("DELETE FROM bans WHERE kind = ? AND value = ? AND until > ?", kind, value, now);
    return cursor.rowsWritten > 0;
  }

  /** The ban in force now against a session of `name` (and `user`, when verified), if any. */
  banOf(name: string, user: string | undefined, now: number): Ban | null {
    const row = this.#sql
      .exec<BanRow>(
        "SELECT kind, value, until, reason FROM bans WHERE until > ? AND ((kind = 'name' AND value = ?) OR (kind = 'user' AND value = ?)) ORDER BY until DESC LIMIT 1",
        now,
        name,
        user ?? null,
      )
      .toArray()[0];
    return row === undefined ? null : toBan(row);
  }

  /** Every ban in force, soonest to end first; expired ones are cleared on the way. */
  bans(now: number): Ban[] {
    this.#sql.exec("DELETE FROM bans WHERE until <= ?", now);
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
