// Client-side mirror of the room's per-session token bucket, so that a client sending a burst
// (a pasted file, a script) waits its turn instead of being refused with `rate_limited`.

/** A token bucket: `take` says how many milliseconds to wait before the next send is allowed. */
export class SendPacer {
  readonly limits: { burst: number; perSecond: number };
  readonly now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(limits: { burst: number; perSecond: number }, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
    this.#tokens = limits.burst;
    this.#updatedAt = now();
  }

  /** Milliseconds until one send fits; 0 means send now (and the token is spent). */
  take(): number {
    const now = this.now();
    this.#tokens = Math.min(this.limits.burst, this.#tokens + ((now - this.#updatedAt) / 1000) * this.limits.perSecond);
    this.#updatedAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.limits.perSecond) * 1000);
  }
}
