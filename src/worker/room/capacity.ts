// How much the room can fan out, measured on the machine it runs on, and what it admits.
//
// Cost: while the room is behind (the oldest delivery of a flush waited BEHIND_MS or more), it
// works without pause, so the time from one flush to the next is the work the previous flush's
// deliveries took, the handling of the frames that came meanwhile included. Time inside one
// event does not advance in workerd (Date.now() moves between events), so the cost is read
// between flushes, never around a piece of code.
//
// Admission: a token bucket counted in deliveries, as deep as MAX_BACKLOG_MS of work at that
// cost, so a burst the room clears within MAX_BACKLOG_MS goes through whole. It refills at an
// allowance that starts at HEADROOM of the measured rate, is halved whenever the room stays
// behind (it is then saturated: frames it has not read yet queue in the runtime, where no
// counter here can see them, and the process that carries its sockets competes for the same
// machine) and grows back while the room keeps up. A sustained offer beyond what the room
// really fans out is so refused instead of queued: memory stays bounded and the room is back
// to normal soon after. Until the room has ever been behind, nothing is refused for capacity.

import { fullBucket, takeTokens, type Bucket } from "../../shared/token-bucket.ts";

/** A room is "behind" when the oldest delivery in a flush waited at least this long. */
const BEHIND_MS = 25;
/** Weight of the newest cost sample. */
const SMOOTHING = 0.3;
/** The share of the measured rate the allowance starts at and grows back to. */
const HEADROOM = 0.8;
/** The allowance is halved at most this often while the room stays behind. */
const CUT_INTERVAL_MS = 250;
/** While the room keeps up, the allowance grows by this share of its ceiling per second. */
const GROWTH_PER_SECOND = 0.1;

/** See the file comment. */
export class Capacity {
  readonly #maxBacklogMs: number;
  /** Milliseconds one delivery costs while the room is busy; null until measured. */
  #costMs: number | null = null;
  #bucket: Bucket | null = null;
  /** Deliveries per second the bucket refills at. */
  #allowance = 0;
  #lastCutAt = 0;
  /** Deliveries accepted and not yet sent. */
  #queued = 0;
  #lastLagMs = 0;
  #wasBehind = false;
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
    // A message to more sessions than the whole allowance still goes when the bucket is full.
    return takeTokens(this.#bucket, Math.min(deliveries, depth), { capacity: depth, perSecond: this.#allowance }, now);
  }

  /** Counts an accepted broadcast's deliveries in. */
  accepted(deliveries: number): void {
    this.#queued += deliveries;
  }

  /** Counts a flush out: `deliveries` sent at `now`, the oldest of which was accepted at `oldestAt`. */
  flushed(deliveries: number, oldestAt: number, now: number): void {
    this.#queued = Math.max(0, this.#queued - deliveries);
    this.#lastLagMs = now - oldestAt;
    const behind = this.#lastLagMs >= BEHIND_MS;
    // Only two flushes in a row that were both behind bound pure work: after an idle spell the
    // time since the last flush is mostly idleness.
    if (behind && this.#wasBehind && this.#lastFlushDeliveries > 0) {
      // The interval holds the last flush's sends and the reading of this one's frames.
      const sample = (now - this.#lastFlushAt) / Math.max(this.#lastFlushDeliveries, deliveries);
      this.#costMs = this.#costMs === null ? sample : this.#costMs + SMOOTHING * (sample - this.#costMs);
      if (this.#bucket === null) {
        // First measured: what is already queued has used its share of the bucket.
        this.#bucket = fullBucket(Math.max(0, this.#maxBacklogMs / this.#costMs - this.#queued), now);
        this.#allowance = (HEADROOM * 1000) / this.#costMs;
      }
      if (now - this.#lastCutAt >= CUT_INTERVAL_MS) {
        this.#allowance /= 2;
        this.#lastCutAt = now;
      }
    } else if (!behind && this.#costMs !== null) {
      const ceiling = (HEADROOM * 1000) / this.#costMs;
      const grown = this.#allowance + ceiling * GROWTH_PER_SECOND * (Math.max(0, now - this.#lastFlushAt) / 1000);
      this.#allowance = Math.min(ceiling, grown);
    }
    this.#wasBehind = behind;
    this.#lastFlushAt = now;
    this.#lastFlushDeliveries = deliveries;
  }
}
