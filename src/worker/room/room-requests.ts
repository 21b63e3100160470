// What a session asks of the room as a whole, answered where the room is sequenced: posts,
// typing and moderators' actions. The asking session may be on this object or on a shard; the
// answer is a reply for it (a refusal, or the stored message a resend names), applied by the
// object that holds it.

import {
  TYPING_INTERVAL_MS,
  type ChatMessage,
  type ClientMessage,
  type Refusal,
  type TypingMessage,
} from "../../shared/protocol.ts";
import type { Member } from "./member.ts";
import { ban, changeSettings, deleteMessage, FORBIDDEN, kick, unban } from "./moderation.ts";
import { post, type SlowModeClock } from "./posting.ts";
import type { Room } from "./room.ts";

/** A request to the room: every client frame but the heartbeat. */
export type RoomRequest = Exclude<ClientMessage, { type: "ping" }>;

/** The answer for the asking session; empty when it needs none. */
export interface Reply {
  refusal?: Refusal;
  /** A resend's acknowledgement: the message the room already held. */
  resent?: ChatMessage;
}

/** Answers `request` from `member`; `clock` is the member's slow-mode clock, advanced on a post. */
export function handleRequest(
  room: Room,
  member: Member,
  request: RoomRequest,
  clock: SlowModeClock,
  now: number,
): Reply {
  switch (request.type) {
    case "message": {
      const posted = post(room, member, clock, request, now);
      if (!posted.ok) return { refusal: posted.error };
      return posted.value.resent ? { resent: posted.value.message } : {};
    }
    case "typing":
      relayTyping(room, member);
      return {};
    case "delete": {
      const deleted = deleteMessage(room, member, request.target, now);
      return deleted.ok ? {} : { refusal: deleted.error };
    }
  }
  // The rest are for moderators only; nothing happens for anyone else.
  if (!member.moderator) return { refusal: FORBIDDEN };
  switch (request.type) {
    case "kick":
      kick(room, member, request);
      return {};
    case "ban":
      ban(room, member, request, request.seconds, request.reason, now);
      return {};
    case "unban":
      return unban(room, member, request, now)
        ? {}
        : { refusal: { code: "not_found", message: "there is no such ban to lift" } };
    case "settings": {
      const { type: _, ...change } = request;
      changeSettings(room, member, change);
      return {};
    }
  }
}

/** Whether a session may send another typing frame yet (checked where it is held). */
export function typingDue(lastTypingAt: number | undefined, now: number): boolean {
  return lastTypingAt === undefined || now - lastTypingAt >= TYPING_INTERVAL_MS;
}

/** Relays "typing" to the room's other JSON sessions; never in big rooms, nor in read-only ones for members. */
function relayTyping(room: Room, member: Member): void {
  if (room.online.count() > room.config.presenceLimit) return;
  if (room.moderation.settings.readOnly && !member.moderator) return;
  const typing: TypingMessage = { type: "typing", name: member.name };
  if (member.user !== undefined) typing.user = member.user;
  // The text framing has no line for typing, so text sessions receive nothing.
  room.delivery.broadcast(typing, member.except);
}
