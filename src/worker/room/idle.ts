// The room's checks on its sessions, run by its alarm: a JSON session from which nothing, not
// even a ping, has arrived for IDLE_TIMEOUT_MS is taken for gone (a half-open connection, a
// sleeping laptop) and closed, so the online list never shows ghosts; a session whose token has
// expired is closed with 4401, so that its client fetches a new one. Text sessions have no
// heartbeat, so the idle rule skips them.

import { CloseCode, IDLE_TIMEOUT_MS } from "../../shared/protocol.ts";
import type { Room } from "./room.ts";
import type { SessionAttachment } from "./session.ts";

/** Closes every idle or expired session; returns when the next check is due (Infinity: none). */
export function closeStaleSessions(room: Room, now: number): number {
  let nextCheck = Infinity;
  for (const session of [...room.sessions.values()]) {
    const { data } = session;
    if (data.exp !== undefined && data.exp * 1000 <= now) {
      room.drop(session, CloseCode.unauthorized, "token expired");
      continue;
    }
    if (data.exp !== undefined) nextCheck = Math.min(nextCheck, data.exp * 1000);
    if (!data.json) continue;
    const heardAt = room.lastHeardFrom(session);
    if (now - heardAt >= IDLE_TIMEOUT_MS) room.drop(session, CloseCode.idle, "idle");
    else nextCheck = Math.min(nextCheck, heardAt + IDLE_TIMEOUT_MS);
  }
  return nextCheck;
}

/** Makes sure a check is scheduled early enough for a session that just joined. */
export async function scheduleSessionCheck(room: Room, data: SessionAttachment, now: number): Promise<void> {
  const due = Math.min(
    data.json ? now + IDLE_TIMEOUT_MS : Infinity,
    data.exp !== undefined ? data.exp * 1000 : Infinity,
  );
  if (due === Infinity) return;
  await room.alarmNoLaterThan(due);
}
