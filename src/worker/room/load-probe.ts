// How late the room's timers fire while it is busy. A Durable Object cannot time its own code
// (Date.now() stands still while an event runs), and frames the runtime has not handed to the
// room yet are out of its sight; but a timer waits behind every event queued before it, so a
// timer that fires late measures the work waiting ahead of the room, those frames included.

/** How often the probe fires while the room is busy. */
const PROBE_EVERY_MS = 50;

/** Reports, every PROBE_EVERY_MS while the room is busy, how many milliseconds late the probe fired. */
export class LoadProbe {
  readonly #report: (lateMs: number, now: number) => void;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #dueAt = 0;
  /** Whether the room did any work since the probe last fired. */
  #busy = false;

  constructor(report: (lateMs: number, now: number) => void) {
    this.#report = report;
  }

  /** The room is at work: probe while it is. An idle room sets no timer, so it can hibernate. */
  busy(now: number): void {
    this.#busy = true;
    if (this.#timer === null) this.#arm(now);
  }

  #arm(now: number): void {
    this.#busy = false;
    this.#dueAt = now + PROBE_EVERY_MS;
    this.#timer = setTimeout(() => this.#fire(), PROBE_EVERY_MS);
  }

  #fire(): void {
    const now = Date.now();
    this.#timer = null;
    this.#report(Math.max(0, now - this.#dueAt), now);
    if (this.#busy) this.#arm(now);
  }
}
