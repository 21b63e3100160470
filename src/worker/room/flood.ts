// Flood control: a session refused with `rate_limited` (its own rate, or the room's capacity)
// more than FLOOD_REFUSALS times within FLOOD_WINDOW_MS keeps sending after being told to slow
// down, and is closed with 1008.

import { CloseCode } from "../../shared/protocol.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

/** A session with more refusals for rate than this within {@link FLOOD_WINDOW_MS} is closed with 1008. */
const FLOOD_REFUSALS = 100;
const FLOOD_WINDOW_MS = 10_000;

/** Refuses a frame for the session's own rate limit (room.refuse closes a session that keeps flooding). */
export function refuseForRate(room: Room, session: Session, ref: string | undefined, now: number): void {
  const { rateBurst, ratePerSecond } = room.config;
  const message = `slow down: at most ${rateBurst} messages at once and ${ratePerSecond} a second`;
  room.refuse(session, { code: "rate_limited", message, ...(ref && { ref }) }, now);
}

/**
 * Counts a `rate_limited` refusal, for the session's own limit or the room's capacity alike:
 * true, with the session closed with 1008, when it is one too many. Within the shipped
 * per-session limits no session can be refused this often for capacity alone (5 a second and
 * 20 at once are at most 70 frames in 10 s), so only a session beyond its own rate is closed,
 * or, where those limits are raised, one that floods a room that said it is busy: its frames
 * would otherwise keep the room reading and refusing while everyone else waits.
 */
export function floodedAfterRefusal(room: Room, session: Session, now: number): boolean {
  const data = session.data;
  // A sliding window: closed when the refusal FLOOD_REFUSALS back is itself within the window.
  data.refusedAt.push(now);
  if (data.refusedAt.length > FLOOD_REFUSALS + 1) data.refusedAt.shift();
  session.socket.serializeAttachment(data);
  if (data.refusedAt.length > FLOOD_REFUSALS && now - data.refusedAt[0]! <= FLOOD_WINDOW_MS) {
    room.drop(session, CloseCode.policyViolation, "kept flooding after rate_limited");
    return true;
  }
  return false;
}
