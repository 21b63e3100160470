// The timers a connection sets, kept so that stopping it cancels every one of them at once.

/** A set of pending timeouts that can all be cancelled together. */
export class Timers {
  readonly #pending = new Set<ReturnType<typeof setTimeout>>();

  /** Runs `run` after `ms`, unless {@link clear} is called first. */
  later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      run();
    }, ms);
    this.#pending.add(timer);
  }

  /** Cancels every pending timeout. */
  clear(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }
}
