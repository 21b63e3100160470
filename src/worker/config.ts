// Turns the `[vars]` of wrangler.toml into numbers once, with the defaults SPEC.md promises.

/** Every tunable of a room, as numbers. */
export interface RoomConfig {
  allowedOrigins: string[];
  historyLimit: number;
  maxMessageBytes: number;
  maxSessions: number;
  /** Unsent bytes a session's socket may hold before the room drops it as not reading. */
  maxBufferedBytes: number;
  rateBurst: number;
  ratePerSecond: number;
  /** An optional fixed cap on deliveries per second; 0 for none (the room's measured capacity decides). */
  roomDeliveriesPerSecond: number;
  /** The most work, in milliseconds, the room holds undelivered before it refuses messages. */
  maxBacklogMs: number;
  /** Rooms of more sessions than this announce presence in summaries and relay no typing. */
  presenceLimit: number;
  /** Sessions one Durable Object holds before the room spreads over further objects. */
  shardSessions: number;
}

/** Reads the room's settings from the environment; a missing or unusable value takes its default. */
export function readConfig(env: Env): RoomConfig {
  return {
    allowedOrigins: (env.ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ""),
    historyLimit: positive(env.HISTORY_LIMIT, 1000),
    maxMessageBytes: positive(env.MAX_MESSAGE_BYTES, 4096),
    maxSessions: positive(env.MAX_SESSIONS, 100_000),
    maxBufferedBytes: positive(env.MAX_BUFFERED_BYTES, 4 * 1024 * 1024),
    rateBurst: positive(env.RATE_BURST, 20),
    ratePerSecond: positive(env.RATE_PER_SEC, 5),
    roomDeliveriesPerSecond: nonNegative(env.ROOM_DELIVERIES_PER_SEC, 0),
    maxBacklogMs: nonNegative(env.MAX_BACKLOG_MS, 2_000),
    presenceLimit: positive(env.PRESENCE_LIMIT, 100),
    shardSessions: positive(env.SHARD_SESSIONS, 1000),
  };
}

function positive(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function nonNegative(raw: string | undefined, fallback: number): number {
  const value = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}
