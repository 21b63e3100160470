// The newest stored events of a room, held in memory beside SQLite. A crowd joining at once
// asks for the same last 50 events a thousand times, and a reconnecting client asks for the
// few it missed: both are answered from here instead of a query and a row conversion each.

import type { StoredEvent } from "../../shared/protocol.ts";

/** See the file comment. History keeps it in step with storage; it never reads storage itself. */
export class RecentEvents {
  readonly #capacity: number;
  /** Oldest first, every id from {@link #from} up to the newest stored one; null until loaded. */
  #events: StoredEvent[] | null = null;
  /** Every stored event with an id at least this is held here. */
  #from = Infinity;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get loaded(): boolean {
    return this.#events !== null;
  }

  /** Starts from `newest`, the newest stored events (up to the capacity), oldest first. */
  load(newest: StoredEvent[]): void {
    this.#events = newest.slice(-this.#capacity);
    // Fewer than asked for means storage holds no older event: every id is covered.
    this.#from = newest.length < this.#capacity ? 0 : (this.#events[0]?.id ?? 0);
  }

  /** Whether every stored event with an id at least `id` is held. */
  covers(id: number): boolean {
    return this.#events !== null && id >= this.#from;
  }

  /** Held events with ids from `first` on, oldest first, at most `limit`; see {@link covers}. */
  from(first: number, limit: number): StoredEvent[] {
    const events = this.#events ?? [];
    let start = events.length;
    while (start > 0 && events[start - 1]!.id >= first) start--;
    return events.slice(start, start + limit);
  }

  /** An event just written, newer than every one held (ignored until loaded: the load reads it). */
  add(event: StoredEvent): void {
    if (this.#events === null) return;
    this.#events.push(event);
    if (this.#events.length > this.#capacity) {
      // Dropped in batches: one shift of the array per many writes, not per write.
      this.#events.splice(0, this.#events.length - Math.floor(this.#capacity / 2));
      this.#from = this.#events[0]!.id;
    }
  }

  /** Stands `event` in for the held event with its id (a message that became a tombstone). */
  replace(event: StoredEvent): void {
    const events = this.#events;
    if (events === null) return;
    const index = events.findIndex((held) => held.id === event.id);
    if (index !== -1) events[index] = event;
  }
}
