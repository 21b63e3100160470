// The refs of messages this browser sent, remembered across reloads so that its own messages stay
// marked as its own when the room replays them. Names are not unique, so the ref is the only
// honest sign of authorship a client has.

import { recall, remember } from "./dom.ts";

const KEY = "edge-chat.sent-refs";
// Enough to cover a full history replay (the room's default `history` is 50) several times over.
const KEEP = 500;

/** The set of refs this browser chose for its messages, newest last. */
export class OwnRefs {
  #refs: string[];
  #set: Set<string>;

  constructor() {
    let stored: unknown = [];
    try {
      stored = JSON.parse(recall(KEY) ?? "[]");
    } catch {}
    this.#refs = Array.isArray(stored) ? stored.filter((ref): ref is string => typeof ref === "string") : [];
    this.#set = new Set(this.#refs);
  }

  /** Whether `ref` is one this browser chose. */
  has(ref: string | undefined): boolean {
    return ref !== undefined && this.#set.has(ref);
  }

  /** Remembers a ref this browser just chose. */
  add(ref: string): void {
    this.#refs.push(ref);
    this.#set.add(ref);
    if (this.#refs.length > KEEP) this.#set.delete(this.#refs.shift()!);
    remember(KEY, JSON.stringify(this.#refs));
  }
}
