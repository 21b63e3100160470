// The messages a client has sent and the room has not yet acknowledged. Each keeps its `ref`
// until its own copy comes back, so that after a reconnect it can go again without ever
// becoming a duplicate (the room answers a known `ref` with the stored message).

/** A message this client sent that the room has not yet acknowledged. */
export interface PendingMessage {
  ref: string;
  text: string;
}

/** Unacknowledged messages, in send order, and which of them still have to go out. */
export class Outbox {
  readonly #pending = new Map<string, string>();
  #unsent: string[] = [];

  /** Every unacknowledged message, oldest first. */
  get pending(): PendingMessage[] {
    return [...this.#pending].map(([ref, text]) => ({ ref, text }));
  }

  /** Queues a new message. */
  add(ref: string, text: string): void {
    this.#pending.set(ref, text);
    this.#unsent.push(ref);
  }

  /** Whether `ref` is still waiting for its acknowledgement. */
  has(ref: string): boolean {
    return this.#pending.has(ref);
  }

  /** The room acknowledged (or refused for good) `ref`; false if it was not pending. */
  settle(ref: string): boolean {
    return this.#pending.delete(ref);
  }

  /** A new connection: whatever was not acknowledged goes again. */
  resendAll(): void {
    this.#unsent = [...this.#pending.keys()];
  }

  /** Refused for pace: `ref` goes again, in its place in send order (several refusals arrive oldest first). */
  retry(ref: string): void {
    const again = new Set([...this.#unsent, ref]);
    this.#unsent = [...this.#pending.keys()].filter((pending) => again.has(pending));
  }

  /**
   * The message to send next, or null. One message is in flight at a time: the room may refuse
   * one for pace (frames bunch up in transit, so its bucket can be a little behind ours; a busy
   * room has a budget of its own) and accept the next, and with anything else in flight a
   * retry would land after messages sent later. The per-session rate (5 a second by default)
   * is below one per round trip anyway.
   */
  next(): PendingMessage | null {
    if (this.#pending.size > this.#unsent.length) return null;
    const ref = this.#unsent[0];
    return ref === undefined ? null : { ref, text: this.#pending.get(ref)! };
  }

  /** `ref`, returned by {@link next}, is on its way. */
  sent(ref: string): void {
    if (this.#unsent[0] === ref) this.#unsent.shift();
  }
}
