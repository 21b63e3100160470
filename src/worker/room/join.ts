// The join handshake: accept the socket, send the joiner its welcome (or, in the text framing,
// the replay), then tell everyone else. A join that fails anywhere is closed after the upgrade
// with a code and reason, never answered with a bare HTTP error a browser cannot show.

import { CloseCode, type WelcomeMessage } from "../../shared/protocol.ts";
import { bannedReason } from "./moderation.ts";
import { fullBucket } from "../../shared/token-bucket.ts";
import type { JoinRequest } from "../join-request.ts";
import { closeAfterUpgrade, upgradeResponse } from "../upgrade.ts";
import { scheduleSessionCheck } from "./idle.ts";
import { logConnected } from "./log.ts";
import type { Room } from "./room.ts";
import type { Session, SessionAttachment } from "./session.ts";

/** Joins the client of `request` to the room, as `join` (checked by the Worker) asks. */
export async function joinRoom(room: Room, request: Request, join: JoinRequest): Promise<Response> {
  if (room.sessions.size >= room.config.maxSessions) {
    return closeAfterUpgrade(request, CloseCode.tryAgainLater, "room is full");
  }
  room.learnName(join.room);
  const name = join.identity?.name ?? (join.name || guestName());
  const ban = room.moderation.banOf(name, join.identity?.user, Date.now());
  if (ban !== null) return closeAfterUpgrade(request, CloseCode.forbidden, bannedReason(ban));
  const { 0: client, 1: server } = new WebSocketPair();
  let session: Session | null = null;
  try {
    const now = Date.now();
    room.ctx.acceptWebSocket(server);
    const data = attachmentFor(room, join, name, now);
    server.serializeAttachment(data);
    session = room.sessions.add(server, data, false);
    logConnected(session);
    if (!room.delivery.send(session, session.framing.greeting(welcomeFor(room, session, join)))) {
      // The joiner is gone before it heard its welcome: nobody else ever learns it was here.
      return upgradeResponse(request, client, join.json);
    }
    session.announced = true;
    room.presence.joined(session, now);
    await scheduleSessionCheck(room, data, now);
    return upgradeResponse(request, client, join.json);
  } catch (error) {
    console.error(
      `[ERROR] join of room=${join.room} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    const reason = "server failure: could not join";
    if (session === null) return closeAfterUpgrade(request, CloseCode.serverError, reason);
    room.drop(session, CloseCode.serverError, reason);
    return upgradeResponse(request, client, join.json);
  }
}

function attachmentFor(room: Room, join: JoinRequest, name: string, now: number): SessionAttachment {
  const identity = join.identity;
  return {
    name,
    ...(identity && { user: identity.user, role: identity.role, exp: identity.exp }),
    room: join.room,
    json: join.json,
    ...(join.batch && { batch: true }),
    ip: join.ip,
    path: join.path,
    bucket: fullBucket(room.config.rateBurst, now),
    lastSeen: now,
    refusedAt: [],
  };
}

function welcomeFor(room: Room, session: Session, join: JoinRequest): WelcomeMessage {
  const replay = join.since !== null ? room.history.since(join.since) : room.history.latest(join.history);
  const { maxMessageBytes: messageBytes, rateBurst: burst, ratePerSecond: perSecond, presenceLimit } = room.config;
  const { user, role } = session.data;
  return {
    type: "welcome",
    room: join.room,
    you: session.data.name,
    online: room.sessions.names().slice(0, presenceLimit),
    onlineCount: room.sessions.size,
    history: replay.events,
    truncated: replay.truncated,
    limits: { messageBytes, burst, perSecond },
    lastMessageId: room.history.lastId,
    settings: room.moderation.settings,
    ...(user !== undefined && { user, role: role ?? "member" }),
  };
}

/** A name for a session that gave none: `guest-` and four random base-36 characters. */
export function guestName(): string {
  let suffix = "";
  while (suffix.length < 4) {
    // 252 is the largest multiple of 36 in a byte: bytes above it would favour some characters.
    for (const byte of crypto.getRandomValues(new Uint8Array(8))) {
      if (byte < 252 && suffix.length < 4) suffix += (byte % 36).toString(36);
    }
  }
  return `guest-${suffix}`;
}
