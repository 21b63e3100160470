// The messages a client has sent and the room has not yet acknowledged. Each keeps its `ref`
// until its own copy comes back, so that after a reconnect it can go again without ever
// becoming a duplicate (the room answers a known `ref` with the stored message).

/** A message this client sent that the room has not yet acknowledged. */
export interface PendingMessage {
  ref: string;
  text: string;
}

/** One unacknowledged message and whether it is on its way on the current connection. */
interface Entry {
  text: string;
  inFlight: boolean;
}

/** Unacknowledged messages, in send order, and which of them still have to go out. */
export class Outbox {
  // One map in send order holds each message's text and its state together, so a message that
  // is settled leaves every view of the outbox at once and nothing can point at a text that is gone.
  readonly #entries = new Map<string, Entry>();

  /** Every unacknowledged message, oldest first. */
  get pending(): PendingMessage[] {
    return [...this.#entries].map(([ref, { text }]) => ({ ref, text }));
  }

  /** Queues a new message. */
  add(ref: string, text: string): void {
    this.#entries.set(ref, { text, inFlight: false });
  }

  /** Whether `ref` is still waiting for its acknowledgement. */
  has(ref: string): boolean {
    return this.#entries.has(ref);
  }

  /** The room acknowledged (or refused for good) `ref`; false if it was not pending. */
  settle(ref: string): boolean {
    return this.#entries.delete(ref);
  }

  /** A new connection: whatever was not acknowledged goes again. */
  resendAll(): void {
    for (const entry of this.#entries.values()) entry.inFlight = false;
  }

  /** Refused for pace: `ref` goes again, in its place in send order (several refusals arrive oldest first). */
  retry(ref: string): void {
    const entry = this.#entries.get(ref);
    if (entry) entry.inFlight = false;
  }

  /**
   * The message to send next, or null. One message is in flight at a time: the room may refuse
   * one for pace (frames bunch up in transit, so its bucket can be a little behind ours; a busy
   * room has a budget of its own) and accept the next, and with anything else in flight a
   * retry would land after messages sent later. The per-session rate (5 a second by default)
   * is below one per round trip anyway.
   */
  next(): PendingMessage | null {
    let next: PendingMessage | null = null;
    for (const [ref, { text, inFlight }] of this.#entries) {
      if (inFlight) return null;
      next ??= { ref, text };
    }
    return next;
  }

  /** `ref`, returned by {@link next}, is on its way. */
  sent(ref: string): void {
    const entry = this.#entries.get(ref);
    if (entry) entry.inFlight = true;
  }
}

/** A new message `ref`: 16 base-36 characters, so two clients' refs practically never meet. */
export function randomRef(random: () => number = Math.random): string {
  let ref = "";
  for (let i = 0; i < 16; i++) ref += Math.floor(random() * 36).toString(36);
  return ref;
}
