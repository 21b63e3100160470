// The ChatRoom Durable Object: one per room name. It keeps the session set through the
// WebSocket Hibernation API (so an idle room is evicted from memory while its sockets stay
// open), stores every accepted message before relaying it, and relays it to every session.

import { DurableObject } from "cloudflare:workers";
import { readConfig, type RoomConfig } from "../config.ts";
import { History } from "./history.ts";
import { guestName, parseJoinRequest } from "./join-request.ts";
import { logConnected, logDisconnected, logRefusal } from "./log.ts";
import {
  CloseCode,
  DEFAULT_HISTORY,
  IDLE_TIMEOUT_MS,
  PING_FRAME,
  PONG_FRAME,
  type JoinMessage,
  type LeaveMessage,
  type Refusal,
  type ServerMessage,
  type WelcomeMessage,
} from "../../shared/protocol.ts";
import { parseClientFrame, toTextLine, TRUNCATED_NOTE } from "../../shared/frames.ts";
import { checkText } from "../../shared/rules.ts";
import { fullBucket, takeTokens, type Bucket } from "../../shared/token-bucket.ts";
import { answerRoomApi } from "./room-api.ts";
import { SessionSet } from "./sessions.ts";
import type { Session, SessionAttachment } from "./session.ts";
import { closeAfterUpgrade, offersJsonFraming, upgradeResponse } from "../upgrade.ts";

/** A session with more refusals for rate than this within {@link FLOOD_WINDOW_MS} is closed with 1008. */
const FLOOD_REFUSALS = 100;
const FLOOD_WINDOW_MS = 10_000;

/** One chat room: see the file comment. */
export class ChatRoom extends DurableObject<Env> {
  readonly #config: RoomConfig;
  readonly #history: History;
  readonly #sessions: SessionSet;
  /** The room-wide budget of deliveries per second; in memory only, as a woken room starts idle. */
  readonly #deliveryBudget: Bucket;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#config = readConfig(env);
    this.#history = new History(ctx.storage.sql, this.#config.historyLimit);
    this.#deliveryBudget = fullBucket(this.#config.roomDeliveriesPerSecond, Date.now());
    this.#sessions = new SessionSet({
      durable: () => ctx.storage.sync(),
      maxBufferedBytes: this.#config.maxBufferedBytes,
      broken: (session, code, reason) => this.#drop(session, code, reason),
    });
    // Heartbeats are answered by the runtime itself, so a ping never wakes a hibernating room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
    // Waking from hibernation: the sockets survived, the in-memory session set did not.
    for (const socket of ctx.getWebSockets()) {
      const data = socket.deserializeAttachment() as SessionAttachment | null;
      if (data !== null && socket.readyState === WebSocket.OPEN) this.#sessions.add(socket, data);
    }
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/api/")) {
      return answerRoomApi(url, {
        history: this.#history,
        online: this.#sessions.size,
        names: this.#sessions.names(),
      });
    }
    return this.#join(request, url);
  }

  override webSocketMessage(socket: WebSocket, frame: string | ArrayBuffer): void {
    const session = this.#sessions.get(socket);
    if (session === undefined) return;
    const now = Date.now();
    const data = session.data;
    data.lastSeen = now;

    let text: string | null = null;
    let ref: string | undefined;
    let refusal: Refusal | null = null;
    if (typeof frame !== "string") {
      refusal = { code: "binary_not_supported", message: "binary frames are not supported in /chat: send text" };
    } else if (data.json) {
      const parsed = parseClientFrame(frame);
      if (!parsed.ok) refusal = parsed.error;
      else if (parsed.value.type === "ping") {
        // A ping not byte-identical to PING_FRAME reaches us instead of the auto-response.
        socket.serializeAttachment(data);
        this.#sessions.send(session, PONG_FRAME);
        return;
      } else ({ text, ref } = parsed.value);
    } else {
      text = frame;
    }

    // Every frame but a ping costs a token, garbage included, so that a flood of it ends in 1008.
    if (!takeTokens(data.bucket, 1, { capacity: this.#config.rateBurst, perSecond: this.#config.ratePerSecond }, now)) {
      this.#refuseForRate(session, ref ?? refusal?.ref, now);
      return;
    }
    socket.serializeAttachment(data);
    refusal ??= checkText(text!, this.#config.maxMessageBytes, ref);
    if (refusal !== null) {
      this.#refuse(session, refusal, now);
      return;
    }

    if (ref !== undefined) {
      const stored = this.#history.findByRef(ref);
      if (stored !== null && stored.name === data.name && stored.text === text) {
        // A resend of a message the room already holds: acknowledge it again, store and relay
        // nothing. Only the JSON framing has refs, so the answer is JSON.
        this.#sessions.send(session, JSON.stringify(stored));
        return;
      }
      if (stored !== null) {
        // Refs are broadcast, so another message may name one by mistake or malice: refuse it
        // rather than pass off someone else's message as this one's acknowledgement.
        this.#refuse(session, { code: "bad_frame", message: "ref already names a different message", ref }, now);
        return;
      }
    }
    const { roomDeliveriesPerSecond } = this.#config;
    // A message to more sessions than the whole budget still goes when the budget is full.
    const deliveries = Math.min(this.#sessions.size, roomDeliveriesPerSecond);
    if (
      !takeTokens(
        this.#deliveryBudget,
        deliveries,
        { capacity: roomDeliveriesPerSecond, perSecond: roomDeliveriesPerSecond },
        now,
      )
    ) {
      this.#refuse(
        session,
        { code: "rate_limited", message: "the room is too busy right now: try again in a moment", ...(ref && { ref }) },
        now,
      );
      return;
    }
    // The runtime's output gate holds every frame sent after this SQLite write until the write
    // is durable, so nobody ever sees a message that storage could lose.
    const message = this.#history.append(data.name, text!, now, ref);
    this.#sessions.broadcast(message);
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    const session = this.#sessionOf(socket);
    if (session === undefined) return;
    // The runtime has already answered the close frame itself (web_socket_auto_reply_to_close,
    // on since the 2026-04-07 compatibility date), so there is nothing left to close here.
    this.#removeSession(session, code, reason);
  }

  override webSocketError(socket: WebSocket): void {
    const session = this.#sessionOf(socket);
    if (session !== undefined) this.#removeSession(session, 1006, "socket error");
  }

  /**
   * The session of `socket`. A room that wakes from hibernation only to hear a socket close
   * does not find it in `getWebSockets()` any more, so its session is rebuilt from the
   * attachment, which #removeSession clears, so that nobody is announced as left twice.
   */
  #sessionOf(socket: WebSocket): Session | undefined {
    const known = this.#sessions.get(socket);
    if (known !== undefined) return known;
    const data = socket.deserializeAttachment() as SessionAttachment | null;
    return data === null ? undefined : this.#sessions.add(socket, data);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    let nextCheck = Infinity;
    for (const session of [...this.#sessions.values()]) {
      if (!session.data.json) continue;
      const heardAt = this.#lastHeardFrom(session);
      if (now - heardAt >= IDLE_TIMEOUT_MS) this.#drop(session, CloseCode.idle, "idle");
      else nextCheck = Math.min(nextCheck, heardAt + IDLE_TIMEOUT_MS);
    }
    if (nextCheck !== Infinity) await this.ctx.storage.setAlarm(nextCheck);
  }

  async #join(request: Request, url: URL): Promise<Response> {
    const parsed = parseJoinRequest(url, DEFAULT_HISTORY, this.#config.historyLimit);
    if (!parsed.ok) return closeAfterUpgrade(request, parsed.error.code, parsed.error.reason);
    if (this.#sessions.size >= this.#config.maxSessions) {
      return closeAfterUpgrade(request, CloseCode.tryAgainLater, "room is full");
    }
    const { room, since, history } = parsed.value;
    const json = offersJsonFraming(request);
    const batch = json && parsed.value.batch;
    const now = Date.now();
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const data: SessionAttachment = {
      name: parsed.value.name || guestName(),
      room,
      json,
      ...(batch && { batch }),
      ip: request.headers.get("cf-connecting-ip") ?? "unknown",
      path: url.pathname,
      bucket: fullBucket(this.#config.rateBurst, now),
      lastSeen: now,
      refusedAt: [],
    };
    server.serializeAttachment(data);
    const session = this.#sessions.add(server, data);
    logConnected(session);

    const replay = since !== null ? this.#history.since(since) : this.#history.latest(history);
    if (json) {
      const { maxMessageBytes: messageBytes, rateBurst: burst, ratePerSecond: perSecond } = this.#config;
      this.#sessions.send(
        session,
        JSON.stringify({
          type: "welcome",
          room,
          you: data.name,
          online: this.#sessions.names(),
          history: replay.messages,
          truncated: replay.truncated,
          limits: { messageBytes, burst, perSecond },
          lastMessageId: this.#history.lastId,
        } satisfies WelcomeMessage),
      );
    } else {
      if (replay.truncated) this.#sessions.send(session, TRUNCATED_NOTE);
      for (const message of replay.messages) this.#sessions.send(session, toTextLine(message)!);
    }
    // The old server announced a join to everyone, the joiner included; JSON clients learn
    // of their own join from the welcome instead.
    this.#sessions.broadcast(
      { type: "join", name: data.name, at: now, online: this.#sessions.size } satisfies JoinMessage,
      json ? session : null,
    );
    if (json && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + IDLE_TIMEOUT_MS);
    return upgradeResponse(request, client, json);
  }

  #refuse(session: Session, refusal: Refusal, now: number): void {
    logRefusal(session, `${refusal.code}: ${refusal.message}`, now);
    if (session.data.json) {
      this.#sessions.send(session, JSON.stringify({ type: "error", ...refusal } satisfies ServerMessage));
    } else {
      this.#sessions.send(session, `error: ${refusal.message}`);
    }
  }

  #refuseForRate(session: Session, ref: string | undefined, now: number): void {
    const data = session.data;
    // A sliding window: closed when the refusal FLOOD_REFUSALS back is itself within the window.
    data.refusedAt.push(now);
    if (data.refusedAt.length > FLOOD_REFUSALS + 1) data.refusedAt.shift();
    session.socket.serializeAttachment(data);
    if (data.refusedAt.length > FLOOD_REFUSALS && now - data.refusedAt[0]! <= FLOOD_WINDOW_MS) {
      this.#drop(session, CloseCode.policyViolation, "kept flooding after rate_limited");
      return;
    }
    const message = `slow down: at most ${this.#config.rateBurst} messages at once and ${this.#config.ratePerSecond} a second`;
    this.#refuse(session, { code: "rate_limited", message, ...(ref && { ref }) }, now);
  }

  /** Closes a session the room gives up on, and tells the others it left. */
  #drop(session: Session, code: number, reason: string): void {
    if (this.#sessions.get(session.socket) !== session) return;
    this.#sessions.close(session, code, reason);
    this.#removeSession(session, code, reason);
  }

  /** Takes a session out of the room, logs it, and tells the others it left. */
  #removeSession(session: Session, code: number, reason: string): void {
    if (!this.#sessions.remove(session)) return;
    logDisconnected(session, code, reason);
    const { name } = session.data;
    const leave: LeaveMessage = { type: "leave", name, at: Date.now(), online: this.#sessions.size };
    if (this.#sessions.hasName(name)) leave.stillOnline = true;
    this.#sessions.broadcast(leave);
  }

  #lastHeardFrom(session: Session): number {
    const pingedAt = this.ctx.getWebSocketAutoResponseTimestamp(session.socket)?.getTime() ?? 0;
    return Math.max(session.data.lastSeen, pingedAt);
  }
}
