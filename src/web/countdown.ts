// The "reconnecting in N s" countdown both pages show while their connection waits to retry.
// It redraws a few times a second, so the number changes close to when the second turns.

/** How often a running countdown redraws. */
export const COUNTDOWN_TICK_MS = 250;

/** Redraws a waiting line until it is stopped or started again. */
export class Countdown {
  #timer: ReturnType<typeof setInterval> | null = null;

  /**
   * Calls `draw` at once with `first` true, then every {@link COUNTDOWN_TICK_MS} with `first`
   * false (so a caller can have screen readers announce only the first line), until stopped.
   * `now` is the clock at each call.
   */
  start(draw: (now: number, first: boolean) => void): void {
    this.stop();
    draw(Date.now(), true);
    this.#timer = setInterval(() => draw(Date.now(), false), COUNTDOWN_TICK_MS);
  }

  /** Stops redrawing; harmless when not running. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
