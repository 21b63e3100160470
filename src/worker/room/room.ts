// One room object's state and the few things every part of it does: find a socket's session,
// refuse a frame, drop a session, and say who left. join.ts, pipeline.ts and idle.ts act on it;
// chat-room.ts only hands the runtime's events to them. The object is the room's sequencer
// (its history, settings and shard directory are the room's) or one of its shards (it holds
// sessions and asks the sequencer, through its ShardLink, for everything room-wide).

import { PING_FRAME, PONG_FRAME, type Refusal } from "../../shared/protocol.ts";
import { fullBucket, type Bucket } from "../../shared/token-bucket.ts";
import { readConfig, type RoomConfig } from "../config.ts";
import { LocalAuthority, type Authority } from "./authority.ts";
import type { ChatRoom } from "./chat-room.ts";
import { Capacity } from "./capacity.ts";
import { floodedAfterRefusal } from "./flood.ts";
import { LoadProbe } from "./load-probe.ts";
import { Delivery } from "./delivery.ts";
import { History } from "./history.ts";
import { logDisconnected, logRefusal } from "./log.ts";
import { ModerationStore } from "./moderation-store.ts";
import { Online } from "./online.ts";
import { Presence } from "./presence.ts";
import { ShardDirectory } from "./shard-directory.ts";
import { ShardLink, type ShardRole } from "./shard-link.ts";
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
  /** Tells the capacity how late the room's timers fire while frames keep it busy. */
  readonly load: LoadProbe;
  /** Join and leave notices, one by one or, in a big room, in summaries. */
  readonly presence: Presence;
  /** Who is in the whole room. */
  readonly online: Online;
  /** On the sequencer: the room's shards. */
  readonly shards: ShardDirectory;
  readonly #namespace: DurableObjectNamespace<ChatRoom>;
  #authority: Authority;
  /** When the alarm is set for: unknown until read, null for none. */
  #alarmAt: number | null | undefined = undefined;
  /** The optional room-wide cap on deliveries per second; in memory only, as a woken room starts idle. */
  readonly deliveryCap: Bucket;
  /** Per-user state of HTTP posters (rate and slow mode), in memory: a woken room starts afresh. */
  readonly httpPosters = new Map<string, { bucket: Bucket; lastPostAt?: number }>();
  #name: string;

  constructor(ctx: DurableObjectState, env: Env) {
    this.ctx = ctx;
    this.config = readConfig(env);
    migrate(ctx.storage);
    this.history = new History(ctx.storage.sql, this.config.historyLimit);
    this.moderation = new ModerationStore(ctx.storage.sql);
    this.deliveryCap = fullBucket(this.config.roomDeliveriesPerSecond, Date.now());
    this.capacity = new Capacity(this.config.maxBacklogMs);
    this.load = new LoadProbe((lateMs, now) => this.capacity.probed(lateMs, now));
    this.#namespace = env.CHAT_ROOM;
    this.#name =
      ctx.storage.sql.exec<{ name: string }>("SELECT name FROM room_meta WHERE id = 1").toArray()[0]?.name ?? "";
    this.shards = new ShardDirectory(ctx.storage.sql, env.CHAT_ROOM, this.config.shardSessions, () => this.name);
    this.delivery = new Delivery({
      capacity: this.capacity,
      online: () => this.online.count(),
      forward: (items) => this.shards.forward(items),
      beforeFlush: () => this.history.commit(),
      durable: () => ctx.storage.sync(),
      maxBufferedBytes: this.config.maxBufferedBytes,
      broken: (session, code, reason) => this.drop(session, code, reason),
    });
    this.sessions = new SessionSet(() => this.delivery.flushNow());
    this.delivery.deliverTo(this.sessions);
    this.online = new Online(this.sessions);
    this.online.includeRemote(this.shards);
    this.presence = new Presence(this);
    const role = ctx.storage.sql
      .exec<{ room: string; idx: number; last_id: number }>("SELECT room, idx, last_id FROM shard_role WHERE id = 1")
      .toArray()[0];
    this.#authority =
      role === undefined ? new LocalAuthority(this) : this.#linkTo({ room: role.room, index: role.idx }, role.last_id);
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
    const link = this.#authority instanceof ShardLink ? this.#authority : null;
    return link?.role.room ?? this.#name;
  }

  /** Who answers for the room as a whole: this object, or (on a shard) the sequencer. */
  get authority(): Authority {
    return this.#authority;
  }

  /** This object's shard role, or null on the room's sequencer. */
  get shardRole(): ShardRole | null {
    return this.#authority instanceof ShardLink ? this.#authority.role : null;
  }

  /** Makes this object shard `role.index` of its room, for good (the role is stored). */
  becomeShard(role: ShardRole): ShardLink {
    if (this.#authority instanceof ShardLink) return this.#authority;
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO shard_role (id, room, idx, last_id) VALUES (1, ?, ?, 0)",
      role.room,
      role.index,
    );
    const link = this.#linkTo(role, 0);
    this.#authority = link;
    return link;
  }

  #linkTo(role: ShardRole, lastId: number): ShardLink {
    // A shard counts only its own sessions; the sequencer counts the whole room.
    this.online.includeRemote({ count: 0, hasName: () => false, names: () => [] });
    return new ShardLink(this, role, () => this.#namespace.get(this.#namespace.idFromName(role.room)), lastId);
  }

  /** Notes the room's name from a request the Worker routed here. */
  learnName(name: string): void {
    if (name === this.#name) return;
    // Kept, so that a room woken by a socket (no request, no name) still knows its shards' names.
    this.#name = name;
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO room_meta (id, name) VALUES (1, ?)", name);
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
    if (refusal.code === "rate_limited" && floodedAfterRefusal(this, session, now)) return;
    logRefusal(session, `${refusal.code}: ${refusal.message}`, now);
    // After what was queued: a sender hears of its frames in the order it sent them.
    this.delivery.sendAfterQueued(session, [session.framing.refusal(refusal)]);
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
    if (session.announced) this.#authority.left(session, Date.now());
  }

  /**
   * Makes sure the room's alarm fires no later than `due`. The alarm's time is kept in memory
   * once read, so that a join does not read storage for it every time.
   */
  async alarmNoLaterThan(due: number): Promise<void> {
    if (this.#alarmAt === undefined) this.#alarmAt = await this.ctx.storage.getAlarm();
    if (this.#alarmAt !== null && this.#alarmAt <= due) return;
    this.#alarmAt = due;
    await this.ctx.storage.setAlarm(due);
  }

  /** The alarm fired: none is scheduled until the next {@link alarmNoLaterThan}. */
  alarmFired(): void {
    this.#alarmAt = null;
  }

  /** When the room last heard from a session: its last frame, or the runtime's answer to its last ping. */
  lastHeardFrom(session: Session): number {
    const pingedAt = this.ctx.getWebSocketAutoResponseTimestamp(session.socket)?.getTime() ?? 0;
    return Math.max(session.data.lastSeen, pingedAt);
  }
}
