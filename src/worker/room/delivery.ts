// How frames reach sessions: direct sends, closes, and the broadcast queue, which gathers
// broadcasts (serialised once per framing) and sends them together, packed into one frame for
// sessions that joined with batching. A busy room waits a little between flushes so that more
// events share each batched frame; an idle room sends as soon as storage says a write is durable.
// A flush goes out SENDS_PER_TURN socket sends per turn of the room's thread, so that the room
// keeps reading (and refusing) frames while it sends a large one.

import { toTextLines } from "../../shared/frames.ts";
import { CloseCode, type ServerMessage } from "../../shared/protocol.ts";
import { packFrames } from "./framing-json.ts";
import type { Outgoing, OutgoingBatch, Rendered } from "./framing.ts";
import type { Except } from "./member.ts";
import type { Session } from "./session.ts";
import type { Capacity, FlushCount } from "./capacity.ts";
import type { SessionSet } from "./sessions.ts";

/** The close reason of a session dropped for not reading what the room sends it. */
const FAR_BEHIND_REASON = "too far behind: not reading";

/**
 * Packing: a room that flushed less than a window ago is busy, and its next flush waits until a
 * window after the last one, so that batching sessions get the window's events in one frame. The
 * window is as long as PACK_EVENTS broadcasts take to arrive at the room's recent pace, from
 * MIN_PACK_WINDOW_MS to MAX_PACK_WINDOW_MS: a room at 50 messages a second waits up to 80 ms, one
 * at 1,000 a second 25 ms. The floor is what lets a busy room scale: it sends at most 40 flushes a
 * second whatever its rate, so the cost per frame stops growing with it (measured: 8× the bare
 * relay's ceiling with it, 3.8× with a 4 ms window). A message to a quiet room (no flush within
 * the window) goes at once. The cost is at most one window of latency, only while the room is
 * busy and only when some session batches.
 */
const PACK_EVENTS = 4;
export const MAX_PACK_WINDOW_MS = 90;
const MIN_PACK_WINDOW_MS = 25;
/** Weight of the newest gap between broadcasts in the room's pace. */
const PACE_SMOOTHING = 0.1;
/** Socket sends in one turn of the room's thread, before it lets the runtime hand it frames (see #send). */
const SENDS_PER_TURN = 1_000;

/** Frames for one session, sent after the broadcasts queued before them. */
interface DirectFrames {
  session: Session;
  frames: readonly string[];
}

/** A flushed batch on its way to the sessions that were there when it was flushed. */
interface Sending {
  batch: PackedOnce;
  sessions: Session[];
  /** The index of the next session to send it to. */
  next: number;
  count: FlushCount;
  /** Frames to send once the batch is out (refusals and pongs that followed it). */
  after: DirectFrames[];
}

/** What delivery needs from its room. */
export interface DeliveryOptions {
  /** Resolves once every storage write so far is durable (`ctx.storage.sync()`). */
  durable(): Promise<void>;
  /** Unsent bytes a socket may hold before its session is given up. */
  maxBufferedBytes: number;
  /** A session whose socket failed or fell too far behind: the room closes it and says it left. */
  broken(session: Session, code: number, reason: string): void;
  /** Counts deliveries in and out, so the room knows what it can admit. */
  capacity: Capacity;
  /** How many sessions the whole room holds (its shards' included): what a broadcast costs. */
  online(): number;
  /** Writes what storage must hold before anything is sent (see History.commit). */
  beforeFlush?(): void;
  /** Hands each flushed batch on to the room's shards (on the object that sequences the room). */
  forward?(items: readonly Outgoing[]): void;
}

/** See the file comment. */
export class Delivery {
  readonly #options: DeliveryOptions;
  #sessions: SessionSet | null = null;
  #queue: Outgoing[] = [];
  /** Frames for one session each, to follow the queued broadcasts (see sendAfterQueued). */
  #afterQueue: DirectFrames[] = [];
  /** Flushed batches not yet sent to every session, oldest first (see #send). */
  readonly #sending: Sending[] = [];
  #sendTimer: ReturnType<typeof setTimeout> | null = null;
  #flushScheduled = false;
  #lastFlushAt = 0;
  #lastBroadcastAt = 0;
  /** Until when the queue is held on purpose, for packing (0: it is not). */
  #packingUntil = 0;
  #packingTimer: ReturnType<typeof setTimeout> | null = null;
  /** The last broadcast's place in the room's order; from the clock, so it only grows across restarts. */
  #seq = Date.now() * 1_000;
  /** Milliseconds between broadcasts, smoothed. */
  #pace = MAX_PACK_WINDOW_MS;

  constructor(options: DeliveryOptions) {
    this.#options = options;
  }

  /** The sessions broadcasts go to (set once, as the set and delivery refer to each other). */
  deliverTo(sessions: SessionSet): void {
    this.#sessions = sessions;
  }

  /** Sends `frames` to one session, after everything queued before them; false if the socket failed. */
  send(session: Session, frames: readonly string[]): boolean {
    this.flushNow();
    return this.#sendNow(session, frames);
  }

  /**
   * Sends `frames` to one session after everything queued before them, like `send`, but without
   * cutting the queue short: if broadcasts are waiting, the frames go out right after them, with
   * the next flush. For refusals and pongs, which a busy room sends by the thousand: flushing for
   * each would send every batching session a frame per refusal or heartbeat.
   */
  sendAfterQueued(session: Session, frames: readonly string[]): void {
    if (this.#queue.length > 0) this.#afterQueue.push({ session, frames });
    else if (this.#sending.length > 0) this.#sending.at(-1)!.after.push({ session, frames });
    else this.#sendNow(session, frames);
  }

  /** Sends `frames` to one session now, whatever is still queued. */
  #sendNow(session: Session, frames: readonly string[]): boolean {
    try {
      for (const frame of frames) session.socket.send(frame);
      return true;
    } catch {
      this.#failed(session);
      return false;
    }
  }

  /** Closes `session`'s socket, after sending it everything queued before. */
  close(session: Session, code: number, reason: string): void {
    this.flushNow();
    try {
      session.socket.close(code, reason);
    } catch {
      // Already closing: the code it closes with is the one it had.
    }
  }

  /**
   * Queues one server message for every session but `except`; `text` is its wording in the text
   * framing, where the room knows better than the message alone. A message is stored before
   * anyone receives it: each flush first writes the messages accepted since the last one
   * (beforeFlush, History.commit), and the runtime's output gate holds every frame sent after a
   * storage write until the write is durable. The queue only gathers: it flushes once storage
   * reports the earlier writes durable (and, in a busy room with batching sessions, at the end of
   * the packing window), so an idle room sends no later, while a busy one sends everything
   * accepted meanwhile at once. Order comes from flushNow: every direct send and every change of
   * the set flushes what is queued first.
   */
  broadcast(message: ServerMessage, except: Except = null, text: string[] = toTextLines(message)): void {
    const rendered: Rendered = {
      json: JSON.stringify(message),
      text,
      isMessage: message.type === "message",
      seq: ++this.#seq,
    };
    if (message.type === "message" || message.type === "delete") rendered.id = message.id;
    this.enqueue(rendered, except);
  }

  /** The place of the last broadcast in the room's order. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Queues an already rendered broadcast: one of this object's own, or one its room's sequencer sent. */
  enqueue(rendered: Rendered, except: Except): void {
    const deliveries = this.#options.online() - (except === null ? 0 : 1);
    const now = Date.now();
    this.#pace += PACE_SMOOTHING * (Math.min(now - this.#lastBroadcastAt, 1_000) - this.#pace);
    this.#lastBroadcastAt = now;
    this.#queue.push({ ...rendered, except, acceptedAt: now, deliveries });
    this.#options.capacity.accepted(deliveries, now);
    // A room flooded with frames runs its timers late (by up to most of a second here, in
    // workerd), so the frames that keep it busy end its packing window as well.
    if (this.#packingUntil > 0 && now >= this.#packingUntil) return this.#flush();
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Flushed even if the sync fails, so that later broadcasts are never stuck behind it; the
    // runtime resets an object whose storage failed, and the output gate drops those frames.
    const flush = () => this.#flushWhenDue();
    void this.#options.durable().then(flush, flush);
  }

  /** Flushes now, or, in a busy room with batching sessions, at the end of the packing window. */
  #flushWhenDue(): void {
    const window = Math.min(MAX_PACK_WINDOW_MS, Math.max(MIN_PACK_WINDOW_MS, PACK_EVENTS * this.#pace));
    const wait = this.#lastFlushAt + window - Date.now();
    if (wait <= 0 || (this.#sessions?.batching ?? 0) === 0) this.#flush();
    else {
      this.#packingUntil = Date.now() + wait;
      this.#packingTimer = setTimeout(() => this.#flush(), wait);
    }
  }

  /** Sends what is queued now, so that a direct send or a change of the set keeps the room's order. */
  flushNow(): void {
    if (this.#queue.length > 0) this.#flush();
    this.#send(Infinity);
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#packingTimer !== null) clearTimeout(this.#packingTimer);
    this.#packingTimer = null;
    if (this.#queue.length === 0 || this.#sessions === null) return;
    this.#options.beforeFlush?.();
    const batch = new PackedOnce(this.#queue);
    this.#queue = [];
    const now = Date.now();
    this.#lastFlushAt = now;
    let deliveries = 0;
    let messageDeliveries = 0;
    for (const item of batch.items) {
      deliveries += item.deliveries;
      if (item.isMessage) messageDeliveries += item.deliveries;
    }
    // Time held on purpose for packing is not time the room was behind.
    const heldMs =
      this.#packingUntil > 0 ? Math.max(0, Math.min(this.#packingUntil, now) - batch.items[0]!.acceptedAt) : 0;
    this.#packingUntil = 0;
    const oldestAt = batch.items[0]!.acceptedAt + heldMs;
    // The shards get the batch as it is, in one call each (their sessions' share of the deliveries).
    this.#options.forward?.(batch.items);
    // Sent to the sessions there now; one that joins later is welcomed with these events instead.
    const sessions = [...this.#sessions.values()];
    this.#sending.push({
      batch,
      sessions,
      next: 0,
      count: { deliveries, messageDeliveries, acceptedAt: batch.items[0]!.acceptedAt, oldestAt },
      after: this.#afterQueue,
    });
    this.#afterQueue = [];
    this.#send(SENDS_PER_TURN);
  }

  /**
   * Sends flushed batches, oldest first, `budget` socket sends at most, and continues in a later
   * turn if that was not all. A room must never hold its thread for long: frames that arrive
   * meanwhile wait in the runtime, and under `wrangler dev` a queue of them there makes every
   * frame slower the longer it is, until the room reads fewer than arrive and never catches up
   * (measured: a one-second flush under a sustained offer of 1,500 frames a second was enough).
   * Between turns the room reads those frames and refuses what it cannot take.
   */
  #send(budget: number): void {
    let failed: Session[] | null = null;
    let behind: Session[] | null = null;
    while (this.#sending.length > 0 && budget > 0) {
      const job = this.#sending[0]!;
      while (job.next < job.sessions.length && budget > 0) {
        const session = job.sessions[job.next++]!;
        try {
          for (const frame of session.framing.frames(job.batch, session)) {
            session.socket.send(frame);
            budget--;
          }
          // The runtime queues every send to a client that stopped reading, without bound, in
          // the room's own process; giving that one session up keeps memory bounded.
          if (session.socket.bufferedAmount > this.#options.maxBufferedBytes) (behind ??= []).push(session);
        } catch {
          (failed ??= []).push(session);
        }
      }
      if (job.next < job.sessions.length) break;
      this.#sending.shift();
      this.#options.capacity.flushed(job.count, Date.now());
      for (const { session, frames } of job.after) this.#sendNow(session, frames);
    }
    if (this.#sending.length > 0 && this.#sendTimer === null) {
      this.#sendTimer = setTimeout(() => {
        this.#sendTimer = null;
        this.#send(SENDS_PER_TURN);
      }, 0);
    }
    // Given up only after the loop: one broken socket must not stop the others' delivery.
    for (const session of failed ?? []) this.#failed(session);
    for (const session of behind ?? []) this.#options.broken(session, CloseCode.tryAgainLater, FAR_BEHIND_REASON);
  }

  #failed(session: Session): void {
    // A client that closed has its close event on the way, with its own code: leave the session
    // to it rather than log the client's own goodbye as a server failure.
    if (session.socket.readyState !== WebSocket.OPEN) return;
    this.#options.broken(session, CloseCode.serverError, "send failed");
  }
}

/** A flushed batch that packs its JSON array at most once, and only if a batching session asks. */
class PackedOnce implements OutgoingBatch {
  readonly items: readonly Outgoing[];
  #packed: string | null = null;
  /** The sessions (or shard keys) some item skips, and the lowest seq and id in the batch. */
  readonly #skipped = new Set<Session | string>();
  readonly #lowestSeq: number = Infinity;
  readonly #lowestId: number = Infinity;

  constructor(items: readonly Outgoing[]) {
    this.items = items;
    for (const item of items) {
      if (item.except !== null) this.#skipped.add(item.except);
      if (item.seq !== undefined) this.#lowestSeq = Math.min(this.#lowestSeq, item.seq);
      if (item.id !== undefined) this.#lowestId = Math.min(this.#lowestId, item.id);
    }
  }

  reachesAll(session: Session): boolean {
    if (this.#skipped.size > 0 && (this.#skipped.has(session) || this.#skipped.has(session.data.key ?? ""))) {
      return false;
    }
    // Items' seqs and ids only grow: a session whose welcome is older than the lowest gets them all.
    return session.welcomedSeq < this.#lowestSeq && session.welcomedUpTo < this.#lowestId;
  }

  packed(): string {
    return (this.#packed ??= packFrames(this.items));
  }
}
