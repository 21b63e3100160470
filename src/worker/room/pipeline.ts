// The in-band pipeline: one frame from a session, read by its framing, through the session's
// own limits (rate, flood, typing pace), then to the room's authority, which answers it here or
// on the object that sequences the room (room-requests.ts).

import { PONG_FRAME } from "../../shared/protocol.ts";
import { takeTokens } from "../../shared/token-bucket.ts";
import { refuseForRate } from "./flood.ts";
import type { Member } from "./member.ts";
import { typingDue } from "./room-requests.ts";
import type { Room } from "./room.ts";
import { isModerator, type Session } from "./session.ts";

/** Handles one frame a session sent. */
export function receiveFrame(room: Room, session: Session, frame: string | ArrayBuffer, now: number): void {
  const data = session.data;
  data.lastSeen = now;
  room.load.busy(now);
  const read = session.framing.read(frame);
  if (read.ok && (read.value.type === "ping" || read.value.type === "typing")) {
    // Neither costs a token: a ping is a heartbeat, and typing is thinned out to one per interval.
    if (read.value.type === "ping") room.delivery.sendAfterQueued(session, [PONG_FRAME]);
    else if (typingDue(data.lastTypingAt, now)) {
      data.lastTypingAt = now;
      room.authority.request(session, read.value, now);
    }
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
  else if (read.value.type !== "ping") room.authority.request(session, read.value, now);
}

/** Who a session is, as the room as a whole sees it. */
export function memberOf(session: Session): Member {
  const { name, user } = session.data;
  return {
    name,
    user,
    moderator: isModerator(session.data),
    except: session,
    seesOwnJoin: session.framing.seesOwnJoin,
  };
}
