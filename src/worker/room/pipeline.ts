// The in-band pipeline: one frame from a session, read by its framing, through the session's
// rate limit, to what it asks for: a message posted (posting.ts), typing relayed, or a
// moderator's action (moderation.ts).

import { PONG_FRAME, TYPING_INTERVAL_MS, type ClientMessage, type TypingMessage } from "../../shared/protocol.ts";
import { takeTokens } from "../../shared/token-bucket.ts";
import { refuseForRate } from "./flood.ts";
import { ban, changeSettings, deleteMessage, FORBIDDEN, kick, unban, type Actor } from "./moderation.ts";
import { post } from "./posting.ts";
import type { Room } from "./room.ts";
import { isModerator, type Session } from "./session.ts";

/** Handles one frame a session sent. */
export function receiveFrame(room: Room, session: Session, frame: string | ArrayBuffer, now: number): void {
  const data = session.data;
  data.lastSeen = now;
  const read = session.framing.read(frame);
  if (read.ok && (read.value.type === "ping" || read.value.type === "typing")) {
    // Neither costs a token: a ping is a heartbeat, and typing is thinned out by relayTyping.
    if (read.value.type === "ping") room.delivery.send(session, [PONG_FRAME]);
    else relayTyping(room, session, now);
    session.socket.serializeAttachment(data);
    return;
  }
  // Every other frame costs a token, garbage included, so that a flood of it ends in 1008.
  const { rateBurst: capacity, ratePerSecond: perSecond } = room.config;
  if (!takeTokens(data.bucket, 1, { capacity, perSecond }, now)) {
    const ref = read.ok ? ("ref" in read.value ? read.value.ref : undefined) : read.error.ref;
    refuseForRate(room, session, ref, now);
    return;
  }
  session.socket.serializeAttachment(data);
  if (!read.ok) room.refuse(session, read.error, now);
  else act(room, session, read.value, now);
}

/** Who a session is, as an actor. */
export function actorOf(session: Session): Actor {
  const { name, user } = session.data;
  return { name, user, moderator: isModerator(session.data) };
}

function act(room: Room, session: Session, message: ClientMessage, now: number): void {
  const actor = actorOf(session);
  switch (message.type) {
    case "message": {
      const posted = post(room, actor, session.data, message, now);
      if (!posted.ok) room.refuse(session, posted.error, now);
      else if (posted.value.resent) room.delivery.send(session, [JSON.stringify(posted.value.message)]);
      return;
    }
    case "delete": {
      const deleted = deleteMessage(room, actor, message.target, now);
      if (!deleted.ok) room.refuse(session, deleted.error, now);
      return;
    }
    case "ping":
    case "typing":
      return;
  }
  // The rest are for moderators only; nothing happens for anyone else.
  if (!actor.moderator) {
    room.refuse(session, FORBIDDEN, now);
    return;
  }
  switch (message.type) {
    case "kick":
      kick(room, actor, message);
      return;
    case "ban":
      ban(room, actor, message, message.seconds, message.reason, now);
      return;
    case "unban":
      if (!unban(room, actor, message, now)) {
        room.refuse(session, { code: "not_found", message: "there is no such ban to lift" }, now);
      }
      return;
    case "settings": {
      const { type: _, ...change } = message;
      changeSettings(room, actor, change);
      return;
    }
  }
}

/** Relays "typing" to the room's other JSON sessions, at most once per session per interval. */
function relayTyping(room: Room, session: Session, now: number): void {
  const data = session.data;
  if (room.sessions.size > room.config.presenceLimit) return;
  if (room.moderation.settings.readOnly && !isModerator(data)) return;
  if (data.lastTypingAt !== undefined && now - data.lastTypingAt < TYPING_INTERVAL_MS) return;
  data.lastTypingAt = now;
  const typing: TypingMessage = { type: "typing", name: data.name };
  if (data.user !== undefined) typing.user = data.user;
  // The text framing has no line for typing, so text sessions receive nothing.
  room.delivery.broadcast(typing, session);
}
