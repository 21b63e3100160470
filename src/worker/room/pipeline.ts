// The message pipeline: one frame from a session, read by its framing, through the session's
// rate limit, the text rules, the ref check and the room's capacity, to a stored message that
// every session receives.

import { PONG_FRAME, type SendMessage } from "../../shared/protocol.ts";
import { checkText } from "../../shared/rules.ts";
import { takeTokens } from "../../shared/token-bucket.ts";
import { refuseForRate } from "./flood.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

/** Handles one frame a session sent. */
export function receiveFrame(room: Room, session: Session, frame: string | ArrayBuffer, now: number): void {
  const data = session.data;
  data.lastSeen = now;
  const read = session.framing.read(frame);
  if (read.ok && read.value.type === "ping") {
    // A ping not byte-identical to PING_FRAME reaches us instead of the runtime's auto-response.
    session.socket.serializeAttachment(data);
    room.delivery.send(session, [PONG_FRAME]);
    return;
  }
  // Every frame but a ping costs a token, garbage included, so that a flood of it ends in 1008.
  const { rateBurst: capacity, ratePerSecond: perSecond } = room.config;
  if (!takeTokens(data.bucket, 1, { capacity, perSecond }, now)) {
    const ref = read.ok ? ("ref" in read.value ? read.value.ref : undefined) : read.error.ref;
    refuseForRate(room, session, ref, now);
    return;
  }
  session.socket.serializeAttachment(data);
  if (!read.ok) {
    room.refuse(session, read.error, now);
    return;
  }
  const message = read.value;
  switch (message.type) {
    case "message":
      postMessage(room, session, message, now);
      return;
    case "ping":
      return;
  }
}

/** Stores and relays a chat message, or refuses it. */
function postMessage(room: Room, session: Session, { text, ref }: SendMessage, now: number): void {
  const invalid = checkText(text, room.config.maxMessageBytes, ref);
  if (invalid !== null) {
    room.refuse(session, invalid, now);
    return;
  }
  const { name } = session.data;
  if (ref !== undefined) {
    const stored = room.history.findByRef(ref);
    if (stored !== null && stored.name === name && stored.text === text) {
      // A resend of a message the room already holds: acknowledge it again, store and relay
      // nothing. Only the JSON framing has refs, so the answer is JSON.
      room.delivery.send(session, [JSON.stringify(stored)]);
      return;
    }
    if (stored !== null) {
      // Refs are broadcast, so another message may name one by mistake or malice: refuse it
      // rather than pass off someone else's message as this one's acknowledgement.
      room.refuse(session, { code: "bad_frame", message: "ref already names a different message", ref }, now);
      return;
    }
  }
  if (!withinDeliveryCap(room, now)) {
    const message = "the room is too busy right now: try again in a moment";
    room.refuse(session, { code: "rate_limited", message, ...(ref && { ref }) }, now);
    return;
  }
  // The runtime's output gate holds every frame sent after this SQLite write until the write
  // is durable, so nobody ever sees a message that storage could lose.
  room.delivery.broadcast(room.history.append(name, text, now, ref));
}

/** Takes one message's deliveries from the room's optional fixed cap (ROOM_DELIVERIES_PER_SEC). */
function withinDeliveryCap(room: Room, now: number): boolean {
  const cap = room.config.roomDeliveriesPerSecond;
  if (cap === 0) return true;
  // A message to more sessions than the whole cap still goes when the bucket is full.
  const deliveries = Math.min(room.sessions.size, cap);
  return takeTokens(room.deliveryCap, deliveries, { capacity: cap, perSecond: cap }, now);
}
