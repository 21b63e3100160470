// The room's side of the HTTP API: what the Worker asks over RPC once it has read the route,
// the body and the caller. Answers are plain data with their HTTP status, so the Worker only
// turns them into responses.

import type {
  ApiError,
  Ban,
  BansPage,
  ChatMessage,
  DeleteEvent,
  ErrorCode,
  KickResult,
  MessagesPage,
  MessagesQuery,
  RoomInfo,
  RoomSettings,
  Target,
} from "../../shared/protocol.ts";
import { fullBucket, takeTokens } from "../../shared/token-bucket.ts";
import { ban, bannedReason, changeSettings, deleteMessage, kick, unban, type Actor } from "./moderation.ts";
import { post } from "./posting.ts";
import type { Room } from "./room.ts";

/** An answer and its HTTP status. */
export interface RoomAnswer<T> {
  status: number;
  body: T | ApiError;
}

/** A post's body, checked by the Worker. */
export interface HttpPost {
  text: string;
  ref?: string;
}

/** How each refusal of a post reads over HTTP. */
const POST_STATUS: Record<ErrorCode | "banned", number> = {
  too_long: 400,
  empty: 400,
  bad_frame: 400,
  binary_not_supported: 400,
  forbidden: 403,
  read_only: 403,
  banned: 403,
  not_found: 404,
  rate_limited: 429,
  slow_mode: 429,
};

/** `GET /api/rooms/<room>`. */
export function roomInfo(room: Room, name: string): RoomInfo {
  const { history, moderation, config } = room;
  return {
    room: name,
    online: room.online.count(),
    names: room.online.names(config.presenceLimit),
    lastMessageId: history.lastId,
    shards: room.shards.objects,
    settings: moderation.settings,
  };
}

/** `GET /api/rooms/<room>/messages`. */
export function roomMessages(room: Room, name: string, { since, limit }: MessagesQuery): MessagesPage {
  const replay = since === null ? room.history.latest(limit) : room.history.since(since, limit);
  return { room: name, messages: replay.events, truncated: replay.truncated };
}

/** `POST /api/rooms/<room>/messages`: posts as `actor`, under the same limits as a socket's message. */
export function postOverHttp(room: Room, actor: Actor, body: HttpPost, now: number): RoomAnswer<ChatMessage> {
  const ban = room.moderation.banOf(actor.name, actor.user, now);
  if (ban !== null) return refused("banned", bannedReason(ban));
  const key = actor.user !== undefined ? `user:${actor.user}` : `admin:${actor.name}`;
  let poster = room.httpPosters.get(key);
  if (poster === undefined) room.httpPosters.set(key, (poster = { bucket: fullBucket(room.config.rateBurst, now) }));
  const { rateBurst: capacity, ratePerSecond: perSecond } = room.config;
  if (!takeTokens(poster.bucket, 1, { capacity, perSecond }, now)) {
    return refused("rate_limited", `slow down: at most ${capacity} messages at once and ${perSecond} a second`);
  }
  const posted = post(room, actor, poster, { type: "message", ...body }, now);
  // The answer is the caller's acknowledgement: the message is written before it goes.
  room.history.commit();
  if (!posted.ok) return refused(posted.error.code, posted.error.message);
  return { status: posted.value.resent ? 200 : 201, body: posted.value.message };
}

/** `DELETE /api/rooms/<room>/messages/<id>`. */
export function deleteOverHttp(room: Room, actor: Actor, target: number, now: number): RoomAnswer<DeleteEvent> {
  const deleted = deleteMessage(room, actor, target, now);
  return deleted.ok ? { status: 200, body: deleted.value } : refused(deleted.error.code, deleted.error.message);
}

/** `PATCH /api/rooms/<room>`. */
export function settingsOverHttp(room: Room, actor: Actor, change: Partial<RoomSettings>): RoomAnswer<RoomSettings> {
  return { status: 200, body: changeSettings(room, actor, change) };
}

/** `POST /api/rooms/<room>/kick`. */
export function kickOverHttp(room: Room, actor: Actor, target: Target): RoomAnswer<KickResult> {
  return { status: 200, body: { kicked: kick(room, actor, target) } };
}

/** `GET /api/rooms/<room>/bans`. */
export function listBans(room: Room, now: number): RoomAnswer<BansPage> {
  return { status: 200, body: { bans: room.moderation.bans(now) } };
}

/** `PUT /api/rooms/<room>/bans`. */
export function banOverHttp(
  room: Room,
  actor: Actor,
  target: Target,
  terms: { seconds: number; reason?: string },
  now: number,
): RoomAnswer<Ban> {
  return { status: 200, body: ban(room, actor, target, terms.seconds, terms.reason, now) };
}

/** `DELETE /api/rooms/<room>/bans?name=|user=`. */
export function unbanOverHttp(room: Room, actor: Actor, target: Target, now: number): RoomAnswer<{ unbanned: true }> {
  if (unban(room, actor, target, now)) return { status: 200, body: { unbanned: true } };
  return { status: 404, body: { error: "there is no such ban" } };
}

function refused(code: ErrorCode | "banned", error: string): RoomAnswer<never> {
  return { status: POST_STATUS[code], body: { error, code } };
}
