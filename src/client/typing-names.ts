// Who else is typing, for the line both clients show: a name is shown from its typing frame
// until that person's next message or TYPING_SHOWN_MS after their last typing frame.

import { TYPING_SHOWN_MS } from "../shared/protocol.ts";

/** The names currently typing and when each stops being shown. */
export class TypingNames {
  readonly #until = new Map<string, number>();

  /** `name` sent a typing frame at `now`. */
  typing(name: string, now: number): void {
    this.#until.set(name, now + TYPING_SHOWN_MS);
  }

  /** `name` sent a message (or left): no longer typing. True if it was shown. */
  stopped(name: string): boolean {
    return this.#until.delete(name);
  }

  /** Forgets everyone (a new room, a lost connection). */
  clear(): void {
    this.#until.clear();
  }

  /** The names still typing at `now`, in the order they started; expired ones are forgotten. */
  names(now: number): string[] {
    for (const [name, until] of this.#until) if (until <= now) this.#until.delete(name);
    return [...this.#until.keys()];
  }

  /** Milliseconds from `now` until the next name expires; null when nobody is typing. */
  nextChange(now: number): number | null {
    const times = [...this.#until.values()];
    return times.length === 0 ? null : Math.max(0, Math.min(...times) - now);
  }
}

/** "bob is typing…", "bob and carol are typing…", "4 people are typing…"; empty for nobody. */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  return `${names.length} people are typing…`;
}
