// How much the room can fan out, measured on the machine it runs on, and what it admits.
//
// Cost: while the room is behind (the oldest delivery of a flush waited BEHIND_MS or more), it
// works without pause, so the time from one flush to the next is the work of the deliveries
// between them (sending the last flush, reading the frames of this one). Only flushes made
// mostly of chat messages, and large enough to outweigh the rest of what a room does (welcomes,
// joins), give a sample. Time inside one event does not advance in workerd (Date.now() moves
// between events), so the cost is read between flushes, never around a piece of code.
//
// Admission: a token bucket counted in deliveries, as deep as MAX_BACKLOG_MS of work at that
// cost, so a burst the room clears within MAX_BACKLOG_MS goes through whole. It refills at an
// allowance that starts at HEADROOM of the measured rate; a room that stays behind for longer
// than SATURATED_MS is saturated (frames it has not read yet queue in the runtime, where no
// counter here sees them), so each such spell halves the allowance and spends what is left in
// the bucket, and the allowance grows back while the room keeps up. A sustained offer beyond what the room fans out is so refused instead of
// queued: memory stays bounded and the room is back to normal soon after the load drops.
// Until the room has been measured, nothing is refused for capacity.

import { fullBucket, takeTokens, type Bucket } from "../../shared/token-bucket.ts";

/** A room is "behind" when the oldest delivery in a flush waited at least this long. */
const BEHIND_MS = 25;
/** A flush gives a cost sample only with at least this many deliveries of chat messages. */
const SAMPLE_DELIVERIES = 1_000;
/** Weight of the newest cost sample. */
const SMOOTHING = 0.3;
/** The share of the measured rate the allowance starts at and grows back to. */
const HEADROOM = 0.8;
/** A room behind without a break for this long is saturated: its allowance halves. */
const SATURATED_MS = 1_000;
/** While the room keeps up, the allowance grows by this share of its ceiling per second. */
const GROWTH_PER_SECOND = 0.25;

/** What one flush sent. */
export interface FlushCount {
  /** Every delivery of the flush. */
  deliveries: number;
  /** Those of chat messages. */
  messageDeliveries: number;
  /** When the oldest of them was accepted. */
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

  constructor(maxBacklogMs: number) {
    this.#maxBacklogMs = maxBacklogMs;
  }

  /** Milliseconds one delivery costs here, as last measured (null before the room was ever behind). */
  get costMs(): number | null {
    return this.#costMs;
  }

  /** Takes `deliveries` from the room's allowance; false when they would not clear within MAX_BACKLOG_MS. */
  admits(deliveries: number, now: number): boolean {
    const cost = this.#costMs;
    if (cost === null || this.#bucket === null) return true;
    // Deliveries already waiting longer than the limit: refuse until they are out.
    if (this.#lastLagMs > this.#maxBacklogMs && this.#queued > 0) return false;
    const depth = this.#maxBacklogMs / cost;
    // A message to more sessions than the whole bucket still goes when the bucket is full.
    const rate = { capacity: depth, perSecond: this.#allowance };
    return takeTokens(this.#bucket, Math.min(deliveries, depth), rate, now);
  }

  /** Counts an accepted broadcast's deliveries in. */
  accepted(deliveries: number): void {
    this.#queued += deliveries;
  }

  /** Counts a flush out, sent at `now`. */
  flushed({ deliveries, messageDeliveries, oldestAt }: FlushCount, now: number): void {
    this.#queued = Math.max(0, this.#queued - deliveries);
    this.#lastLagMs = now - oldestAt;
    const behind = this.#lastLagMs >= BEHIND_MS;
    const wasBehind = this.#behindSince !== null;
    if (behind && wasBehind && messageDeliveries >= SAMPLE_DELIVERIES && messageDeliveries >= 0.9 * deliveries) {
      const sample = (now - this.#lastFlushAt) / Math.max(this.#lastFlushDeliveries, deliveries);
      this.#costMs = this.#costMs === null ? sample : this.#costMs + SMOOTHING * (sample - this.#costMs);
      if (this.#bucket === null) {
        // First measured: what is already queued has used its share of the bucket.
        this.#bucket = fullBucket(Math.max(0, this.#maxBacklogMs / this.#costMs - this.#queued), now);
        this.#allowance = (HEADROOM * 1000) / this.#costMs;
      }
    }
    if (!behind) this.#behindSince = null;
    else if (!wasBehind) this.#behindSince = now;
    else if (this.#bucket !== null && now - this.#behindSince! >= SATURATED_MS) {
      // Not a burst but a sustained offer: what the bucket still holds would only deepen the
      // backlog, and under a saturated room the runtime's own queues grow where no counter here
      // sees them (workerd slows down with every frame waiting for the room), so it is spent.
      this.#allowance /= 2;
      this.#bucket.tokens = 0;
      this.#behindSince = now;
    }
    if (!behind && this.#costMs !== null) {
      const ceiling = (HEADROOM * 1000) / this.#costMs;
      const grown = this.#allowance + ceiling * GROWTH_PER_SECOND * (Math.max(0, now - this.#lastFlushAt) / 1000);
      this.#allowance = Math.min(ceiling, grown);
    }
    this.#lastFlushAt = now;
    this.#lastFlushDeliveries = deliveries;
  }
}
