// The idle rule: a JSON session from which nothing, not even a ping, has arrived for
// IDLE_TIMEOUT_MS is taken for gone (a half-open connection, a sleeping laptop) and closed, so
// the online list never shows ghosts. Text sessions have no heartbeat, so the rule skips them.

import { CloseCode, IDLE_TIMEOUT_MS } from "../../shared/protocol.ts";
import type { Room } from "./room.ts";

/** Closes every idle JSON session; returns when the next check is due (Infinity: none). */
export function closeIdleSessions(room: Room, now: number): number {
  let nextCheck = Infinity;
  for (const session of [...room.sessions.values()]) {
    if (!session.data.json) continue;
    const heardAt = room.lastHeardFrom(session);
    if (now - heardAt >= IDLE_TIMEOUT_MS) room.drop(session, CloseCode.idle, "idle");
    else nextCheck = Math.min(nextCheck, heardAt + IDLE_TIMEOUT_MS);
  }
  return nextCheck;
}

/** Makes sure an idle check is scheduled once a JSON session has joined. */
export async function scheduleIdleCheck(room: Room, now: number): Promise<void> {
  const storage = room.ctx.storage;
  if ((await storage.getAlarm()) === null) await storage.setAlarm(now + IDLE_TIMEOUT_MS);
}
