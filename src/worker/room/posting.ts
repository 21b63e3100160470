// Posting a message, the same whether it comes from a socket or over HTTP: the text rules, the
// room's settings (read-only, slow mode), the ref check, the room's measured capacity (and the
// optional fixed cap), then storage and delivery to every session.

import type { Checked } from "../../shared/checked.ts";
import type { ChatMessage, Refusal, SendMessage } from "../../shared/protocol.ts";
import { checkText } from "../../shared/rules.ts";
import { takeTokens } from "../../shared/token-bucket.ts";
import type { Actor } from "./moderation.ts";
import type { Room } from "./room.ts";

/** Where a poster's slow-mode clock is kept: its session's attachment, or the room's HTTP poster state. */
export interface SlowModeClock {
  lastPostAt?: number;
}

/** A post's outcome: the stored message, and whether it was a resend of one the room holds. */
export interface Posted {
  message: ChatMessage;
  resent: boolean;
}

/** Posts `send` as `actor`; on success every session receives it (a resend goes to no one again). */
export function post(
  room: Room,
  actor: Actor,
  clock: SlowModeClock,
  send: SendMessage,
  now: number,
): Checked<Posted, Refusal> {
  const { text, ref } = send;
  const refuse = (refusal: Refusal): Checked<Posted, Refusal> => ({
    ok: false,
    error: ref === undefined ? refusal : { ...refusal, ref },
  });
  const invalid = checkText(text, room.config.maxMessageBytes, ref);
  if (invalid !== null) return { ok: false, error: invalid };
  if (ref !== undefined) {
    const stored = room.history.findByRef(ref);
    if (stored !== null && stored.name === actor.name && (stored.text === text || stored.deleted)) {
      // A resend of a message the room already holds: acknowledge it again, store nothing.
      return { ok: true, value: { message: stored, resent: true } };
    }
    if (stored !== null) {
      // Refs are broadcast, so another message may name one by mistake or malice: refuse it
      // rather than pass off someone else's message as this one's acknowledgement.
      return refuse({ code: "bad_frame", message: "ref already names a different message" });
    }
  }
  const { readOnly, slowMode } = room.moderation.settings;
  if (readOnly && !actor.moderator)
    return refuse({ code: "read_only", message: "this room is read-only: only moderators may post" });
  if (slowMode > 0 && !actor.moderator && clock.lastPostAt !== undefined) {
    const waitMs = clock.lastPostAt + slowMode * 1000 - now;
    if (waitMs > 0) {
      return refuse({
        code: "slow_mode",
        message: `slow mode is on: wait ${Math.ceil(waitMs / 1000)} s before your next message`,
      });
    }
  }
  if (!room.capacity.admits(room.online.count(), now) || !withinDeliveryCap(room, now)) {
    return refuse({ code: "rate_limited", message: "the room is too busy right now: try again in a moment" });
  }
  clock.lastPostAt = now;
  // The runtime's output gate holds every frame sent after this SQLite write until the write
  // is durable, so nobody ever sees a message that storage could lose.
  const message = room.history.append(actor, text, now, ref);
  room.delivery.broadcast(message);
  return { ok: true, value: { message, resent: false } };
}

/** Takes one message's deliveries from the room's optional fixed cap (ROOM_DELIVERIES_PER_SEC). */
function withinDeliveryCap(room: Room, now: number): boolean {
  const cap = room.config.roomDeliveriesPerSecond;
  if (cap === 0) return true;
  // A message to more sessions than the whole cap still goes when the bucket is full.
  const deliveries = Math.min(room.online.count(), cap);
  return takeTokens(room.deliveryCap, deliveries, { capacity: cap, perSecond: cap }, now);
}
