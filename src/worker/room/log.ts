// Console lines in the spirit of the old server, one per event (seen in `wrangler dev` and
// `wrangler tail`). Refusals are summarised: a line per refused frame would let a flood cost
// more to log than to refuse. Connects and disconnects, a line each, are written together
// every LINE_FLUSH_MS: each console call has a cost of its own (under `wrangler dev` it was
// most of what a join cost), and a room filling with thousands makes thousands.

import type { Session } from "./session.ts";

/** At most one refusal summary per session in this many milliseconds. */
const REFUSAL_LOG_INTERVAL_MS = 5_000;
/** How long an [INFO] line may wait for others to share its console call. */
const LINE_FLUSH_MS = 50;

let pendingLines: string[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;

/** Writes an [INFO] line, with the others of the next few milliseconds, one line each. */
export function logInfo(line: string): void {
  pendingLines.push(line);
  flushTimer ??= setTimeout(flushLines, LINE_FLUSH_MS);
}

function flushLines(): void {
  flushTimer = null;
  const lines = pendingLines;
  pendingLines = [];
  if (lines.length > 0) console.log(lines.join("\n"));
}

/** Logs a session joining. */
export function logConnected(session: Session, shard: number): void {
  const { name, ip, path, room, user } = session.data;
  const who = user !== undefined ? ` user=${user}` : "";
  logInfo(`[INFO] client ${name} (${ip}) connected through ${path} room=${room} shard=${shard}${who}`);
}

/** Logs a session leaving, with the close code. */
export function logDisconnected(session: Session, code: number, reason: string): void {
  const { name, ip, room } = session.data;
  // Refusals not yet summarised would otherwise never be logged.
  const refused = session.unloggedRefusals > 0 ? ` after ${session.unloggedRefusals} more refused frames` : "";
  const why = reason ? ` reason=${reason}` : "";
  logInfo(`[INFO] client ${name} (${ip}) disconnected from room=${room} code=${code}${why}${refused}`);
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
