// The ChatRoom Durable Object, one per room name. This class is only the runtime's entry points:
// each rebuilds the session a socket belongs to, or takes the Worker's RPC call, and hands off
// to the part of room/ that acts (join.ts, pipeline.ts, idle.ts, room-api.ts); the state they
// share is a Room (room.ts).

import { DurableObject } from "cloudflare:workers";
import type * as protocol from "../../shared/protocol.ts";
import { textResponse } from "../http.ts";
import { readJoinRequest, type JoinRequest } from "../join-request.ts";
import { closeStaleSessions } from "./idle.ts";
import { joinRoom } from "./join.ts";
import type { Actor } from "./moderation.ts";
import { receiveFrame } from "./pipeline.ts";
import * as api from "./room-api.ts";
import * as shardApi from "./shard-api.ts";
import type { ShardAnswer, ShardItem, ShardRequest } from "./shard-protocol.ts";
import type { WelcomeParts } from "./welcome.ts";
import { Room } from "./room.ts";

/** One chat room: see the file comment. */
export class ChatRoom extends DurableObject<Env> {
  readonly #room: Room;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#room = new Room(ctx, env);
  }

  /** A WebSocket join, routed and checked by the Worker. */
  override async fetch(request: Request): Promise<Response> {
    const join = readJoinRequest(request);
    if (join === null) return textResponse("a room is joined only through the Worker's /chat route\n", 400);
    return joinRoom(this.#room, request, join);
  }

  override webSocketMessage(socket: WebSocket, frame: string | ArrayBuffer): void {
    const session = this.#room.sessions.get(socket);
    if (session !== undefined) receiveFrame(this.#room, session, frame, Date.now());
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    const session = this.#room.sessionOf(socket);
    if (session !== undefined) this.#room.remove(session, code, reason);
    answerClose(socket, code, reason);
  }

  override webSocketError(socket: WebSocket): void {
    const session = this.#room.sessionOf(socket);
    if (session !== undefined) this.#room.remove(session, 1006, "socket error");
  }

  override async alarm(): Promise<void> {
    this.#room.alarmFired();
    const nextCheck = closeStaleSessions(this.#room, Date.now());
    if (nextCheck !== Infinity) await this.#room.alarmNoLaterThan(nextCheck);
  }

  // The HTTP API, called over RPC by the Worker once it has read the route and the caller.

  info(room: string): protocol.RoomInfo {
    return api.roomInfo(this.#named(room), room);
  }

  messages(room: string, query: protocol.MessagesQuery): protocol.MessagesPage {
    return api.roomMessages(this.#named(room), room, query);
  }

  post(room: string, actor: Actor, body: api.HttpPost): api.RoomAnswer<protocol.ChatMessage> {
    return api.postOverHttp(this.#named(room), actor, body, Date.now());
  }

  deleteMessage(room: string, actor: Actor, target: number): api.RoomAnswer<protocol.DeleteEvent> {
    return api.deleteOverHttp(this.#named(room), actor, target, Date.now());
  }

  changeSettings(
    room: string,
    actor: Actor,
    change: Partial<protocol.RoomSettings>,
  ): api.RoomAnswer<protocol.RoomSettings> {
    return api.settingsOverHttp(this.#named(room), actor, change);
  }

  kick(room: string, actor: Actor, target: protocol.Target): api.RoomAnswer<protocol.KickResult> {
    return api.kickOverHttp(this.#named(room), actor, target);
  }

  bans(room: string): api.RoomAnswer<protocol.BansPage> {
    return api.listBans(this.#named(room), Date.now());
  }

  ban(
    room: string,
    actor: Actor,
    target: protocol.Target,
    terms: { seconds: number; reason?: string },
  ): api.RoomAnswer<protocol.Ban> {
    return api.banOverHttp(this.#named(room), actor, target, terms, Date.now());
  }

  unban(room: string, actor: Actor, target: protocol.Target): api.RoomAnswer<{ unbanned: true }> {
    return api.unbanOverHttp(this.#named(room), actor, target, Date.now());
  }

  // Between the room's objects (shard-api.ts).

  fromShard(room: string, index: number, requests: ShardRequest[]): ShardAnswer[] {
    return shardApi.answerShard(this.#named(room), index, requests, Date.now());
  }

  welcomeFor(room: string, join: JoinRequest, name: string): WelcomeParts {
    return shardApi.welcomeForShard(this.#named(room), join, name);
  }

  storedEvents(room: string, after: number, upTo: number): ShardItem[] {
    return shardApi.storedEventsFor(this.#named(room), after, upTo);
  }

  deliver(room: string, index: number, items: ShardItem[]): Promise<void> {
    return shardApi.deliverOnShard(this.#room, room, index, items);
  }

  closeSessions(room: string, index: number, keys: string[], code: number, reason: string): void {
    this.#room.becomeShard({ room, index });
    shardApi.closeOnShard(this.#room, keys, code, reason);
  }

  #named(room: string): Room {
    this.#room.learnName(room);
    return this.#room;
  }
}

/** Codes a close frame may not carry (RFC 6455 §7.4.1): they only describe a close that had none. */
const RESERVED_CLOSE_CODES: ReadonlySet<number> = new Set([1005, 1006, 1015]);

/**
 * Completes the closing handshake of a hibernatable socket. The compatibility flag that makes
 * the runtime answer a close frame by itself covers sockets taken with `accept()` only; one
 * taken with `ctx.acceptWebSocket()` must be answered here, or its client waits for a reply
 * that never comes and ends with 1006 seconds later.
 */
function answerClose(socket: WebSocket, code: number, reason: string): void {
  try {
    socket.close(RESERVED_CLOSE_CODES.has(code) ? 1000 : code, reason);
  } catch {
    // Already closed: nothing to answer.
  }
}
