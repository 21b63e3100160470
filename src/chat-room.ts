// The ChatRoom Durable Object: one per room name. It keeps the session set through the
// WebSocket Hibernation API (so an idle room is evicted from memory while its sockets stay
// open), stores every accepted message before relaying it, and relays it to every session.

import { DurableObject } from "cloudflare:workers";
import { readConfig, type RoomConfig } from "./config.ts";
import { History } from "./history.ts";
import { guestName, parseJoinRequest } from "./join-request.ts";
import { logConnected, logDisconnected, logRefusal } from "./log.ts";
import {
  checkText,
  CloseCode,
  DEFAULT_HISTORY,
  IDLE_TIMEOUT_MS,
  parseClientFrame,
  PING_FRAME,
  PONG_FRAME,
  toTextLine,
  TRUNCATED_NOTE,
  type JoinMessage,
  type LeaveMessage,
  type Refusal,
  type ServerMessage,
  type WelcomeMessage,
} from "./protocol.ts";
import { fullBucket, takeTokens, type Bucket } from "./rate-limit.ts";
import { answerRoomApi } from "./room-api.ts";
import type { Session, SessionAttachment } from "./session.ts";
import { closeAfterUpgrade, offersJsonFraming, upgradeResponse } from "./socket-refusal.ts";

/** A session with more refusals for rate than this within {@link FLOOD_WINDOW_MS} is closed with 1008. */
const FLOOD_REFUSALS = 100;
const FLOOD_WINDOW_MS = 10_000;
/** The close reason of a session dropped for not reading what the room sends it. */
const FAR_BEHIND_REASON = "too far behind: not reading";

/** A broadcast waiting in the outbox: its frame in each framing, and the one session it skips (a joiner). */
interface QueuedFrame {
  json: string;
  /** Null for a message the text framing has no line for. */
  text: string | null;
  except: Session | null;
}

/** One chat room: see the file comment. */
export class ChatRoom extends DurableObject<Env> {
  readonly #config: RoomConfig;
  readonly #history: History;
  readonly #sessions = new Map<WebSocket, Session>();
  /** How many sessions carry each name, so `online` lists each name once. */
  readonly #nameCounts = new Map<string, number>();
  /** The room-wide budget of deliveries per second; in memory only, as a woken room starts idle. */
  readonly #deliveryBudget: Bucket;
  /** Sessions that opted into batched frames, and the broadcasts waiting for storage. */
  #batchSessions = 0;
  #outbox: QueuedFrame[] = [];
  #flushScheduled = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#config = readConfig(env);
    this.#history = new History(ctx.storage.sql, this.#config.historyLimit);
    this.#deliveryBudget = fullBucket(this.#config.roomDeliveriesPerSecond, Date.now());
    // Heartbeats are answered by the runtime itself, so a ping never wakes a hibernating room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
    // Waking from hibernation: the sockets survived, the in-memory session set did not.
    for (const socket of ctx.getWebSockets()) {
      const data = socket.deserializeAttachment() as SessionAttachment | null;
      if (data !== null && socket.readyState === WebSocket.OPEN) this.#addSession(socket, data);
    }
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/api/")) {
      return answerRoomApi(url, {
        history: this.#history,
        online: this.#sessions.size,
        names: this.#names(),
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
        this.#send(session, PONG_FRAME);
        return;
      } else ({ text, ref } = parsed.value);
    } else {
      text = frame;
    }

    // Every frame but a ping costs a token, garbage included, so that a flood of it ends in 1008.
    if (!takeTokens(data.bucket, 1, this.#config.rateBurst, this.#config.ratePerSecond, now)) {
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
        // A resend of a message the room already holds: acknowledge it again, store and relay nothing.
        this.#send(session, data.json ? JSON.stringify(stored) : toTextLine(stored)!);
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
    if (!takeTokens(this.#deliveryBudget, deliveries, roomDeliveriesPerSecond, roomDeliveriesPerSecond, now)) {
      this.#refuse(
        session,
        { code: "rate_limited", message: "the room is too busy right now: try again in a moment", ...(ref && { ref }) },
        now,
      );
      return;
    }
    // The SQLite write completes before the runtime lets any of the sends below leave the
    // object (its output gate), so nobody ever sees a message that storage could lose.
    const message = this.#history.append(data.name, text!, now, ref);
    this.#broadcast(message);
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    const session = this.#sessionOf(socket);
    if (session === undefined) return;
    this.#removeSession(session, code, reason);
    try {
      socket.close(code === 1005 || code === 1006 ? CloseCode.normal : code, reason);
    } catch {
      // Already closed by the runtime's automatic reply.
    }
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
    return data === null ? undefined : this.#addSession(socket, data);
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
      joinedAt: now,
      bucket: fullBucket(this.#config.rateBurst, now),
      lastSeen: now,
      refusedAt: [],
    };
    server.serializeAttachment(data);
    const session = this.#addSession(server, data);
    logConnected(session);

    const replay = since !== null ? this.#history.since(since) : this.#history.latest(history);
    if (json) {
      const { maxMessageBytes: messageBytes, rateBurst: burst, ratePerSecond: perSecond } = this.#config;
      this.#send(
        session,
        JSON.stringify({
          type: "welcome",
          room,
          you: data.name,
          online: this.#names(),
          history: replay.messages,
          truncated: replay.truncated,
          limits: { messageBytes, burst, perSecond },
          lastMessageId: this.#history.lastId,
        } satisfies WelcomeMessage),
      );
    } else {
      if (replay.truncated) this.#send(session, TRUNCATED_NOTE);
      for (const message of replay.messages) this.#send(session, toTextLine(message)!);
    }
    // The old server announced a join to everyone, the joiner included; JSON clients learn
    // of their own join from the welcome instead.
    this.#broadcast(
      { type: "join", name: data.name, at: now, online: this.#sessions.size } satisfies JoinMessage,
      json ? session : null,
    );
    if (json && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + IDLE_TIMEOUT_MS);
    return upgradeResponse(request, client, json);
  }

  /**
   * Sends one server message to every session, serialised once per framing; `except` is
   * skipped. The frames go out from the outbox (see #queue and #flush).
   */
  #broadcast(message: ServerMessage, except: Session | null = null): void {
    this.#queue({ json: JSON.stringify(message), text: toTextLine(message), except });
  }

  /**
   * Whether a session's socket holds more unsent bytes than the room allows. The runtime queues
   * every send to a client that stopped reading (its TCP window closed), without bound, in the
   * room's own process; dropping that one session keeps memory bounded and the room serving.
   */
  #isFarBehind(session: Session): boolean {
    return session.socket.bufferedAmount > this.#config.maxBufferedBytes;
  }

  /**
   * Queues a broadcast until storage has made every write before it durable. The runtime's
   * output gate would hold its frames until then anyway (a message is stored before anyone
   * receives it), so an idle room sends no later; a busy one sends everything accepted while a
   * write was in flight at once, instead of the runtime holding each frame apart, and a session
   * that opted into batching gets it all in one frame.
   */
  #queue(item: QueuedFrame): void {
    this.#outbox.push(item);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    void this.ctx.storage.sync().then(() => this.#flush());
  }

  /**
   * Sends the outbox: to each session every frame it is due, in order; to a batching session
   * several as one JSON array, built once for all. Called before any other send and before
   * the session set changes, so that every session sees every frame in order, and a joiner
   * never gets a message both in its welcome's history and from the outbox.
   */
  #flush(): void {
    this.#flushScheduled = false;
    if (this.#outbox.length === 0) return;
    const items = this.#outbox;
    this.#outbox = [];
    const packed = this.#batchSessions > 0 && items.every((item) => item.except === null) ? packFrames(items) : null;
    let failed: Session[] | null = null;
    let behind: Session[] | null = null;
    for (const session of this.#sessions.values()) {
      const { json, batch } = session.data;
      try {
        if (batch) {
          const frame = packed ?? packFrames(items.filter((item) => item.except !== session));
          if (frame !== null) session.socket.send(frame);
        } else {
          for (const item of items) {
            const frame = json ? item.json : item.text;
            if (item.except !== session && frame !== null) session.socket.send(frame);
          }
        }
        if (this.#isFarBehind(session)) (behind ??= []).push(session);
      } catch {
        (failed ??= []).push(session);
      }
    }
    // Dropped only after the loop: one broken socket must not stop the others' delivery.
    if (failed !== null) for (const session of failed) this.#drop(session, CloseCode.serverError, "send failed");
    if (behind !== null) for (const session of behind) this.#drop(session, CloseCode.tryAgainLater, FAR_BEHIND_REASON);
  }

  #send(session: Session, frame: string): void {
    if (this.#outbox.length > 0) this.#flush();
    try {
      session.socket.send(frame);
    } catch {
      this.#drop(session, CloseCode.serverError, "send failed");
    }
  }

  #refuse(session: Session, refusal: Refusal, now: number): void {
    logRefusal(session, `${refusal.code}: ${refusal.message}`, now);
    if (session.data.json) {
      this.#send(session, JSON.stringify({ type: "error", ...refusal } satisfies ServerMessage));
    } else {
      this.#send(session, `error: ${refusal.message}`);
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
    if (!this.#sessions.has(session.socket)) return;
    if (this.#outbox.length > 0) this.#flush();
    try {
      session.socket.close(code, reason);
    } catch {}
    this.#removeSession(session, code, reason);
  }

  #addSession(socket: WebSocket, data: SessionAttachment): Session {
    if (this.#outbox.length > 0) this.#flush();
    const session: Session = { socket, data, unloggedRefusals: 0, lastRefusalLogAt: 0 };
    if (data.batch) this.#batchSessions++;
    this.#sessions.set(socket, session);
    this.#nameCounts.set(data.name, (this.#nameCounts.get(data.name) ?? 0) + 1);
    return session;
  }

  #removeSession(session: Session, code: number, reason: string): void {
    if (this.#outbox.length > 0) this.#flush();
    if (!this.#sessions.delete(session.socket)) return;
    if (session.data.batch) this.#batchSessions--;
    const { name } = session.data;
    const left = (this.#nameCounts.get(name) ?? 1) - 1;
    if (left > 0) this.#nameCounts.set(name, left);
    else this.#nameCounts.delete(name);
    try {
      session.socket.serializeAttachment(null);
    } catch {
      // The socket is closed already; its attachment goes with it.
    }
    logDisconnected(session, code, reason);
    const leave: LeaveMessage = { type: "leave", name, at: Date.now(), online: this.#sessions.size };
    if (left > 0) leave.stillOnline = true;
    this.#broadcast(leave);
  }

  #names(): string[] {
    return [...this.#nameCounts.keys()];
  }

  #lastHeardFrom(session: Session): number {
    const pingedAt = this.ctx.getWebSocketAutoResponseTimestamp(session.socket)?.getTime() ?? 0;
    return Math.max(session.data.lastSeen, pingedAt);
  }
}

/** One frame for `items`: the frame itself when alone, a JSON array of them when several. */
function packFrames(items: QueuedFrame[]): string | null {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0]!.json;
  return `[${items.map((item) => item.json).join(",")}]`;
}
