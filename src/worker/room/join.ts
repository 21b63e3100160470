// The join handshake: on the room's sequencer, the room-wide checks (full, banned) and the
// choice of object (this one, or a shard once this one holds SHARD_SESSIONS); on the object
// that takes the session, the welcome (or, in the text framing, the replay) first, then the
// join notice for everyone else. A join that fails anywhere is closed after the upgrade with a
// code and reason, never answered with a bare HTTP error a browser cannot show.

import { CloseCode, type WelcomeMessage } from "../../shared/protocol.ts";
import { fullBucket } from "../../shared/token-bucket.ts";
import { withJoinRequest, type JoinRequest } from "../join-request.ts";
import { closeAfterUpgrade, upgradeResponse } from "../upgrade.ts";
import { scheduleSessionCheck } from "./idle.ts";
import { logConnected } from "./log.ts";
import { bannedReason } from "./moderation.ts";
import type { Room } from "./room.ts";
import type { Session, SessionAttachment } from "./session.ts";
import type { WelcomeParts } from "./welcome.ts";

const JOIN_FAILED = "server failure: could not join";

/** Joins the client of `request` to the room, as `join` (checked by the Worker) asks. */
export async function joinRoom(room: Room, request: Request, join: JoinRequest): Promise<Response> {
  try {
    if (join.shard !== undefined) {
      room.becomeShard({ room: join.room, index: join.shard });
      return await acceptHere(room, request, join, join.name);
    }
    room.learnName(join.room);
    if (room.online.count() >= room.config.maxSessions) {
      return closeAfterUpgrade(request, CloseCode.tryAgainLater, "room is full");
    }
    const name = join.identity?.name ?? (join.name || guestName());
    const ban = room.moderation.banOf(name, join.identity?.user, Date.now());
    if (ban !== null) return closeAfterUpgrade(request, CloseCode.forbidden, bannedReason(ban));
    if (room.sessions.size < room.config.shardSessions) return await acceptHere(room, request, join, name);
    return await handToShard(room, request, join, name);
  } catch (error) {
    console.error(
      `[ERROR] join of room=${join.room} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return closeAfterUpgrade(request, CloseCode.serverError, JOIN_FAILED);
  }
}

/** This object is full: a shard with room takes the session (its 101 answer is relayed as it is). */
async function handToShard(room: Room, request: Request, join: JoinRequest, name: string): Promise<Response> {
  const index = room.shards.reserve();
  try {
    return await room.shards.stub(index).fetch(withJoinRequest(request, { ...join, name, shard: index }));
  } finally {
    room.shards.release(index);
  }
}

/** Takes the session on this object: welcome first, then everyone else hears of it. */
async function acceptHere(room: Room, request: Request, join: JoinRequest, name: string): Promise<Response> {
  // Asked before the session is in the set: nothing may reach it before its welcome.
  const parts = await room.authority.welcome(join, name);
  const { 0: client, 1: server } = new WebSocketPair();
  let session: Session | null = null;
  try {
    const now = Date.now();
    room.ctx.acceptWebSocket(server);
    const data = attachmentFor(room, join, name, now);
    server.serializeAttachment(data);
    session = room.sessions.add(server, data, false);
    session.welcomedUpTo = parts.lastMessageId;
    session.welcomedSeq = parts.seq;
    logConnected(session, room.shardRole?.index ?? 0);
    if (!room.delivery.send(session, session.framing.greeting(welcomeOf(room, session, join, parts)))) {
      // The joiner is gone before it heard its welcome: nobody else ever learns it was here.
      return upgradeResponse(request, client, join.json);
    }
    session.announced = true;
    await room.authority.joined(session, now);
    await scheduleSessionCheck(room, data, now);
    return upgradeResponse(request, client, join.json);
  } catch (error) {
    console.error(
      `[ERROR] join of room=${join.room} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    if (session === null) return closeAfterUpgrade(request, CloseCode.serverError, JOIN_FAILED);
    room.drop(session, CloseCode.serverError, JOIN_FAILED);
    return upgradeResponse(request, client, join.json);
  }
}

function attachmentFor(room: Room, join: JoinRequest, name: string, now: number): SessionAttachment {
  const identity = join.identity;
  return {
    key: crypto.randomUUID(),
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

function welcomeOf(room: Room, session: Session, join: JoinRequest, parts: WelcomeParts): WelcomeMessage {
  const { maxMessageBytes: messageBytes, rateBurst: burst, ratePerSecond: perSecond } = room.config;
  const { user, role } = session.data;
  return {
    type: "welcome",
    room: join.room,
    you: session.data.name,
    online: parts.online,
    onlineCount: parts.onlineCount,
    history: parts.history,
    truncated: parts.truncated,
    limits: { messageBytes, burst, perSecond },
    lastMessageId: parts.lastMessageId,
    settings: parts.settings,
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
