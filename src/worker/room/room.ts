// One room's state and the few things every part of it does: find a socket's session, refuse
// a frame, drop a session, and say who left. join.ts, pipeline.ts and idle.ts act on it;
// chat-room.ts only hands the runtime's events to them.

import { PING_FRAME, PONG_FRAME, type Refusal } from "../../shared/protocol.ts";
import { fullBucket, type Bucket } from "../../shared/token-bucket.ts";
import { readConfig, type RoomConfig } from "../config.ts";
import { Capacity } from "./capacity.ts";
import { Delivery } from "./delivery.ts";
import { History } from "./history.ts";
import { logDisconnected, logRefusal } from "./log.ts";
import { ModerationStore } from "./moderation-store.ts";
import { Presence } from "./presence.ts";
import { migrate } from "./schema.ts";
import type { Session, SessionAttachment } from "./session.ts";
import { SessionSet } from "./sessions.ts";

/** See the file comment. */
export class Room {
  readonly ctx: DurableObjectState;
  readonly config: RoomConfig;
  readonly history: History;
  readonly moderation: ModerationStore;
  readonly sessions: SessionSet;
  readonly delivery: Delivery;
  /** What the room can fan out, measured here. */
  readonly capacity: Capacity;
  /** Join and leave notices, one by one or, in a big room, in summaries. */
  readonly presence: Presence;
  /** The optional room-wide cap on deliveries per second; in memory only, as a woken room starts idle. */
  readonly deliveryCap: Bucket;
  /** Per-user state of HTTP posters (rate and slow mode), in memory: a woken room starts afresh. */
  readonly httpPosters = new Map<string, { bucket: Bucket; lastPostAt?: number }>();
  #name = "";

  constructor(ctx: DurableObjectState, env: Env) {
    this.ctx = ctx;
    this.config = readConfig(env);
    migrate(ctx.storage);
    this.history = new History(ctx.storage.sql, this.config.historyLimit);
    this.moderation = new ModerationStore(ctx.storage.sql);
    this.deliveryCap = fullBucket(this.config.roomDeliveriesPerSecond, Date.now());
    this.capacity = new Capacity(this.config.maxBacklogMs);
    this.delivery = new Delivery({
      capacity: this.capacity,
      durable: () => ctx.storage.sync(),
      maxBufferedBytes: this.config.maxBufferedBytes,
      broken: (session, code, reason) => this.drop(session, code, reason),
    });
    this.sessions = new SessionSet(() => this.delivery.flushNow());
    this.delivery.deliverTo(this.sessions);
    this.presence = new Presence(this.sessions, this.delivery, this.config.presenceLimit);
    // Heartbeats are answered by the runtime itself, so a ping never wakes a hibernating room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
    // Waking from hibernation: the sockets survived, the in-memory session set did not.
    for (const socket of ctx.getWebSockets()) {
      const data = socket.deserializeAttachment() as SessionAttachment | null;
      if (data !== null && socket.readyState === WebSocket.OPEN) this.sessions.add(socket, data, true);
    }
  }

  /** The room's name, for log lines: from its id, or from the last request routed to it. */
  get name(): string {
    return this.ctx.id.name ?? this.#name;
  }

  /** Notes the room's name from a request the Worker routed here. */
  learnName(name: string): void {
    this.#name = name;
  }

  /**
   * The session of `socket`. A room that wakes from hibernation only to hear a socket close
   * does not find it in `getWebSockets()` any more, so its session is rebuilt from the
   * attachment, which `remove` clears, so that nobody is announced as left twice.
   */
  sessionOf(socket: WebSocket): Session | undefined {
    const known = this.sessions.get(socket);
    if (known !== undefined) return known;
    const data = socket.deserializeAttachment() as SessionAttachment | null;
    return data === null ? undefined : this.sessions.add(socket, data, true);
  }

  /** Sends `refusal` to the session that caused it (the socket stays open), and counts it for the log. */
  refuse(session: Session, refusal: Refusal, now: number): void {
    logRefusal(session, `${refusal.code}: ${refusal.message}`, now);
    this.delivery.send(session, [session.framing.refusal(refusal)]);
  }

  /** Closes a session the room gives up on, and tells the others it left. */
  drop(session: Session, code: number, reason: string): void {
    if (this.sessions.get(session.socket) !== session) return;
    this.delivery.close(session, code, reason);
    this.remove(session, code, reason);
  }

  /** Takes a session out of the room, logs it, and tells the others it left (if they knew it was there). */
  remove(session: Session, code: number, reason: string): void {
    if (!this.sessions.remove(session)) return;
    logDisconnected(session, code, reason);
    if (session.announced) this.presence.left(session, Date.now());
  }

  /** When the room last heard from a session: its last frame, or the runtime's answer to its last ping. */
  lastHeardFrom(session: Session): number {
    const pingedAt = this.ctx.getWebSocketAutoResponseTimestamp(session.socket)?.getTime() ?? 0;
    return Math.max(session.data.lastSeen, pingedAt);
  }
}
