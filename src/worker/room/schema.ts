// The room's SQLite schema and its migrations. Durable Objects have no `PRAGMA user_version`, so
// the schema carries its version in a table of its own; each migration runs once, in order, in
// the same transaction as its version row, and a room stored by an older release opens with its
// history intact.

/** Each migration, in order: index i brings the schema to version i + 1. */
const MIGRATIONS: readonly string[] = [
  // 1: the first release's history (its rooms have this table and no version table).
  `CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    at INTEGER NOT NULL,
    ref TEXT UNIQUE
  )`,
  // 2: history holds events (messages and deletions) with their verified authors; the
  // moderation state (settings and bans) is stored beside it.
  `ALTER TABLE messages ADD COLUMN type TEXT NOT NULL DEFAULT 'message';
   ALTER TABLE messages ADD COLUMN user TEXT;
   ALTER TABLE messages ADD COLUMN target INTEGER;
   ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE settings (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     slow_mode INTEGER NOT NULL,
     read_only INTEGER NOT NULL
   );
   CREATE TABLE bans (
     kind TEXT NOT NULL,
     value TEXT NOT NULL,
     until INTEGER NOT NULL,
     reason TEXT,
     PRIMARY KEY (kind, value)
   )`,
  // 3: rooms larger than one object. On the sequencer: its name, and the sessions its shards
  // hold; on a shard: which room and index it is, and the newest id it has delivered.
  `CREATE TABLE room_meta (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL);
   CREATE TABLE shard_sessions (key TEXT PRIMARY KEY, shard INTEGER NOT NULL, name TEXT NOT NULL, user TEXT);
   CREATE TABLE shard_role (id INTEGER PRIMARY KEY CHECK (id = 1), room TEXT NOT NULL, idx INTEGER NOT NULL, last_id INTEGER NOT NULL)`,
];

/** The version the current release writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings `storage`'s schema to {@link SCHEMA_VERSION}; returns the version it found. */
export function migrate(storage: DurableObjectStorage): number {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const found =
    sql.exec<{ version: number | null }>("SELECT max(version) AS version FROM schema_migrations").one().version ?? 0;
  for (let version = found + 1; version <= SCHEMA_VERSION; version++) {
    storage.transactionSync(() => {
      sql.exec(MIGRATIONS[version - 1]!);
      sql.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", version, Date.now());
    });
  }
  return found;
}
