// How much the room can fan out, measured on the machine it runs on, and what it admits.
//
// Cost: while the room is behind (the oldest delivery of a flush waited BEHIND_MS or more), it
// works without pause, so the time from one flush to the next is the work of the deliveries
// between them (sending the last flush, reading the frames of this one), once the time it had
// nothing to do (before the first of them arrived) is taken out. Only flushes made
// mostly of chat messages, and large enough to outweigh the rest of what a room does (welcomes,
// joins), give a sample. Time inside one event does not advance in workerd (Date.now() moves
// between events), so the cost is read between flushes, never around a piece of code.
//
// Admission: a token bucket counted in deliveries, as deep as MAX_BACKLOG_MS of work at that
// cost, so a burst the room clears within MAX_BACKLOG_MS goes through whole; while what the room
// holds undelivered would take longer than that, nothing is admitted and the bucket saves
// nothing up. It refills at an allowance that starts at HEADROOM of the measured rate; a room
// that stays behind for longer than MAX_BACKLOG_MS was offered more than a burst it clears in
// that time, so it is saturated (frames it has not read yet queue in the runtime, where no
// counter here sees them): each such spell halves the allowance and spends what is left in the
// bucket, and the allowance grows back while the room keeps up. (A shorter spell is no sign: a
// burst the room clears in 1.5 s keeps it behind for 1.5 s, and must leave the next one whole.)
//
// Saturation shows in a second place, which catches what the first cannot: frames the runtime
// holds for the room (read from the network, not yet handed over) are work no flush counts, and
// under `wrangler dev` that queue makes every frame slower the longer it grows. The room's probe
// timer (load-probe.ts) waits behind them: LATE_PROBES_TO_REFUSE late probes in a row refuse
// everything until a probe is on time again, and late for PROBE_SATURATED_MS is a
// saturated spell as well; on a room never measured, the allowance starts from the rate it was
// taking. A sustained offer beyond what the room fans out is so refused instead of queued:
// memory stays bounded and the room is back to normal soon after the load drops. Until the room
// has been measured or found saturated, nothing is refused for capacity.

import { fullBucket, takeTokens, type Bucket } from "../../shared/token-bucket.ts";

/** A room is "behind" when the oldest delivery in a flush waited at least this long. */
const BEHIND_MS = 25;
/** A flush gives a cost sample only with at least this many deliveries of chat messages. */
const SAMPLE_DELIVERIES = 1_000;
/** Weight of the newest cost sample. */
const SMOOTHING = 0.3;
/** The share of the measured rate the allowance starts at and grows back to. */
const HEADROOM = 0.8;
/** Within one saturated spell of late probes, a further halving comes at most this often. */
const SATURATED_MS = 1_000;
/** While the room keeps up, the allowance grows by this share of its ceiling per second. */
const GROWTH_PER_SECOND = 0.25;
/**
 * A probe timer this late found work waiting ahead of it. A busy room that keeps up runs its
 * probe up to a few tens of milliseconds late (every session's socket may have a frame queued
 * ahead of it), so the mark sits above that.
 */
const LATE_MS = 100;
/**
 * Late probes in a row that refuse everything. A burst read at once makes one probe late by the
 * whole burst, and on a busy machine a second one now and then (measured: 1 burst in 10 of 200
 * messages in a room of 200); a sustained offer makes every probe late.
 */
const LATE_PROBES_TO_REFUSE = 3;
/**
 * A probe late without a break for this long is a saturated spell. Far shorter than a spell of
 * being behind (MAX_BACKLOG_MS): a frame the runtime holds makes every other one slower under
 * `wrangler dev`, so a queue there must not get the time to grow.
 */
const PROBE_SATURATED_MS = 200;

/** What one flush sent. */
export interface FlushCount {
  /** Every delivery of the flush. */
  deliveries: number;
  /** Those of chat messages. */
  messageDeliveries: number;
  /** When the oldest of them was accepted. */
  acceptedAt: number;
  /** The same, plus any time the room held them on purpose for packing: they waited for it since. */
  oldestAt: number;
}

/** See the file comment. */
export class Capacity {
  readonly #maxBacklogMs: number;
  /** Milliseconds one delivery costs while the room is busy; null until measured. */
  #costMs: number | null = null;
  #bucket: Bucket | null = null;
  /** Deliveries per second the bucket refills at. */
  #allowance = 0;
  /** Deliveries accepted and not yet sent. */
  #queued = 0;
  #lastLagMs = 0;
  /** Since when the room has been behind without a break; null while it keeps up. */
  #behindSince: number | null = null;
  #lastFlushAt = 0;
  #lastFlushDeliveries = 0;
  /** Since when the probe has fired late without a break; null while it fires on time. */
  #lateSince: number | null = null;
  /** Probes in a row that fired late, and whether this late spell has halved the allowance yet. */
  #lateProbes = 0;
  #halvedInSpell = false;
  #grownAt = 0;
  /** Deliveries accepted since `#rateFrom`, and the highest rate over a second so far. */
  #rateFrom = 0;
  #rateDeliveries = 0;
  #lastRate = 0;
  #peakRate = 0;

  /** `maxBacklogMs` 0: the room never refuses for capacity, it queues whatever it is sent. */
  constructor(maxBacklogMs: number) {
    this.#maxBacklogMs = maxBacklogMs;
  }

  /** Milliseconds one delivery costs here, as last measured (null before the room was ever behind). */
  get costMs(): number | null {
    return this.#costMs;
  }

  /** Takes `deliveries` from the room's allowance; false when they would not clear within MAX_BACKLOG_MS. */
  admits(deliveries: number, now: number): boolean {
    if (this.#maxBacklogMs === 0) return true;
    // The runtime holds frames for the room, probe after probe: a burst makes one probe late
    // (now and then two), a sustained offer all of them. Nothing more until they are out.
    if (this.#lateProbes >= LATE_PROBES_TO_REFUSE) return false;
    if (this.#bucket === null) return true;
    // MAX_BACKLOG_MS of work: at the measured cost, or, before it is measured, at the allowance.
    const depth =
      this.#costMs === null ? (this.#allowance * this.#maxBacklogMs) / 1000 : this.#maxBacklogMs / this.#costMs;
    // What the room holds undelivered would take longer than the limit to clear, or already has
    // waited longer: refuse until it is out. The bucket saves nothing up meanwhile, or the room
    // would take another MAX_BACKLOG_MS at once the moment it is back under the limit.
    if (this.#queued > 0 && (this.#queued + deliveries > depth || this.#lastLagMs > this.#maxBacklogMs)) {
      this.#bucket.tokens = 0;
      this.#bucket.at = now;
      return false;
    }
    // A message to more sessions than the whole bucket still goes when the bucket is full.
    const rate = { capacity: depth, perSecond: this.#allowance };
    return takeTokens(this.#bucket, Math.min(deliveries, depth), rate, now);
  }

  /** Counts an accepted broadcast's deliveries in. */
  accepted(deliveries: number, now: number): void {
    this.#queued += deliveries;
    if (this.#rateFrom === 0) this.#rateFrom = now;
    this.#rateDeliveries += deliveries;
    if (now - this.#rateFrom >= 1_000) {
      this.#lastRate = (this.#rateDeliveries * 1_000) / (now - this.#rateFrom);
      this.#peakRate = Math.max(this.#peakRate, this.#lastRate);
      this.#rateFrom = now;
      this.#rateDeliveries = 0;
    }
  }

  /** Counts in how late the room's probe timer fired (see the file comment). */
  probed(lateMs: number, now: number): void {
    if (lateMs < LATE_MS) {
      this.#lateSince = null;
      this.#lateProbes = 0;
      this.#halvedInSpell = false;
      this.#grow(now, true);
      return;
    }
    this.#grow(now, false);
    this.#lateProbes++;
    this.#lateSince ??= now;
    // The one or two late probes of a burst read at once change nothing.
    if (this.#lateProbes < LATE_PROBES_TO_REFUSE) return;
    // Work keeps waiting in the runtime: no more of the bucket's depth, only the allowance.
    if (this.#bucket !== null) this.#bucket.tokens = 0;
    // Counted from the first late probe. The first halving comes soon; later ones in the same
    // spell only every SATURATED_MS, as the runtime's queue drains at its own pace whatever the
    // room admits meanwhile.
    if (now - this.#lateSince < (this.#halvedInSpell ? SATURATED_MS : PROBE_SATURATED_MS)) return;
    this.#halvedInSpell = true;
    if (this.#bucket === null) {
      // Never measured: what it was taking is more than it can.
      const taking = (this.#rateDeliveries * 1_000) / Math.max(now - this.#rateFrom, 100);
      this.#bucket = fullBucket(0, now);
      this.#allowance = Math.max(this.#lastRate, taking, 1);
      this.#peakRate = Math.max(this.#peakRate, this.#allowance);
    }
    this.#saturated(now);
    this.#lateSince = now;
  }

  /** Counts a flush out, sent at `now`. */
  flushed({ deliveries, messageDeliveries, acceptedAt, oldestAt }: FlushCount, now: number): void {
    this.#queued = Math.max(0, this.#queued - deliveries);
    this.#lastLagMs = now - oldestAt;
    const behind = this.#lastLagMs >= BEHIND_MS;
    // From the last flush until the first of these was accepted, the room had nothing to send:
    // that is no work, and a spell of being behind does not last across it (two bursts seconds
    // apart are two bursts, not one long saturated spell).
    const idleMs = Math.max(0, acceptedAt - this.#lastFlushAt);
    const wasBehind = this.#behindSince !== null && idleMs < BEHIND_MS;
    if (behind && wasBehind && messageDeliveries >= SAMPLE_DELIVERIES && messageDeliveries >= 0.9 * deliveries) {
      const sample = (now - this.#lastFlushAt - idleMs) / Math.max(this.#lastFlushDeliveries, deliveries);
      this.#costMs = this.#costMs === null ? sample : this.#costMs + SMOOTHING * (sample - this.#costMs);
      if (this.#bucket === null) {
        // First measured: what is already queued has used its share of the bucket.
        this.#bucket = fullBucket(Math.max(0, this.#maxBacklogMs / this.#costMs - this.#queued), now);
        this.#allowance = (HEADROOM * 1000) / this.#costMs;
      }
    }
    if (!behind) this.#behindSince = null;
    else if (!wasBehind) this.#behindSince = now;
    else if (now - this.#behindSince! >= this.#maxBacklogMs) {
      this.#saturated(now);
      this.#behindSince = now;
    }
    this.#grow(now, !behind);
    this.#lastFlushAt = now;
    this.#lastFlushDeliveries = deliveries;
  }

  /**
   * Not a burst but a sustained offer: the allowance halves, and what the bucket still holds is
   * spent, as it would only deepen the backlog (under a saturated room the runtime's own queues
   * grow where no counter here sees them).
   */
  #saturated(now: number): void {
    if (this.#bucket === null) return;
    this.#allowance /= 2;
    this.#bucket.tokens = 0;
    this.#grownAt = now;
  }

  /** While the room keeps up, the allowance grows back towards its ceiling. */
  #grow(now: number, keepingUp: boolean): void {
    const elapsed = Math.max(0, now - this.#grownAt) / 1000;
    this.#grownAt = now;
    if (this.#bucket === null || !keepingUp) return;
    // The ceiling: what the measured cost allows, or the most the room ever took in a second if
    // that is more (a cost measured while the runtime held a queue of frames is too high, and a
    // room that keeps up below its ceiling is never behind to measure it again).
    const ceiling = Math.max(this.#peakRate, this.#costMs === null ? 0 : (HEADROOM * 1000) / this.#costMs);
    this.#allowance = Math.min(
      Math.max(ceiling, this.#allowance),
      this.#allowance + ceiling * GROWTH_PER_SECOND * elapsed,
    );
  }
}
