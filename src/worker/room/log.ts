// Console lines in the spirit of the old server, one per event (seen in `wrangler dev` and
// `wrangler tail`). Refusals are summarised: a line per refused frame would let a flood cost
// more to log than to refuse.

import type { Session } from "./session.ts";

/** At most one refusal summary per session in this many milliseconds. */
const REFUSAL_LOG_INTERVAL_MS = 5_000;

/** Logs a session joining. */
export function logConnected(session: Session, shard: number): void {
  const { name, ip, path, room, user } = session.data;
  const who = user !== undefined ? ` user=${user}` : "";
  console.log(`[INFO] client ${name} (${ip}) connected through ${path} room=${room} shard=${shard}${who}`);
}

/** Logs a session leaving, with the close code. */
export function logDisconnected(session: Session, code: number, reason: string): void {
  const { name, ip, room } = session.data;
  // Refusals not yet summarised would otherwise never be logged.
  const refused = session.unloggedRefusals > 0 ? ` after ${session.unloggedRefusals} more refused frames` : "";
  const why = reason ? ` reason=${reason}` : "";
  console.log(`[INFO] client ${name} (${ip}) disconnected from room=${room} code=${code}${why}${refused}`);
}

/** Counts a refused frame and writes a summary line when the interval has passed. */
export function logRefusal(session: Session, why: string, now: number): void {
  session.unloggedRefusals++;
  if (now - session.lastRefusalLogAt < REFUSAL_LOG_INTERVAL_MS) return;
  const { name, ip, room } = session.data;
  const count = session.unloggedRefusals;
  console.warn(
    `[WARN] client ${name} (${ip}) room=${room}: refused ${count} frame${count === 1 ? "" : "s"}, last: ${why}`,
  );
  session.unloggedRefusals = 0;
  session.lastRefusalLogAt = now;
}
