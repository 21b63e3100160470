// The ChatRoom Durable Object, one per room name. This class is only the runtime's entry points:
// each rebuilds the session a socket belongs to and hands off to the part of room/ that acts
// (join.ts, pipeline.ts, idle.ts); the state they share is a Room (room.ts).

import { DurableObject } from "cloudflare:workers";
import type { MessagesPage, MessagesQuery, RoomInfo } from "../../shared/protocol.ts";
import { textResponse } from "../http.ts";
import { readJoinRequest } from "../join-request.ts";
import { closeStaleSessions } from "./idle.ts";
import { joinRoom } from "./join.ts";
import { receiveFrame } from "./pipeline.ts";
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

  /** `GET /api/rooms/<room>`. */
  info(room: string): RoomInfo {
    const { sessions, history, moderation, config } = this.#room;
    return {
      room,
      online: sessions.size,
      names: sessions.names().slice(0, config.presenceLimit),
      lastMessageId: history.lastId,
      shards: 1,
      settings: moderation.settings,
    };
  }

  /** `GET /api/rooms/<room>/messages`. */
  messages(room: string, { since, limit }: MessagesQuery): MessagesPage {
    const { history } = this.#room;
    const replay = since === null ? history.latest(limit) : history.since(since, limit);
    return { room, messages: replay.events, truncated: replay.truncated };
  }

  override webSocketMessage(socket: WebSocket, frame: string | ArrayBuffer): void {
    const session = this.#room.sessions.get(socket);
    if (session !== undefined) receiveFrame(this.#room, session, frame, Date.now());
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    // The runtime has already answered the close frame itself (web_socket_auto_reply_to_close,
    // on since the 2026-04-07 compatibility date), so there is nothing left to close here.
    const session = this.#room.sessionOf(socket);
    if (session !== undefined) this.#room.remove(session, code, reason);
  }

  override webSocketError(socket: WebSocket): void {
    const session = this.#room.sessionOf(socket);
    if (session !== undefined) this.#room.remove(session, 1006, "socket error");
  }

  override async alarm(): Promise<void> {
    const nextCheck = closeStaleSessions(this.#room, Date.now());
    if (nextCheck !== Infinity) await this.ctx.storage.setAlarm(nextCheck);
  }
}
