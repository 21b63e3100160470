// The page's "NAME is typing…" line: who sent a typing frame, until their next message or
// TYPING_SHOWN_MS after the last one, redrawn when a name expires.

import { TypingNames, typingText } from "../client/typing-names.ts";

/** Keeps the typing line up to date; `draw` receives its text (empty for nobody). */
export class TypingLine {
  readonly #names = new TypingNames();
  readonly #draw: (text: string) => void;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(draw: (text: string) => void) {
    this.#draw = draw;
  }

  /** `name` is typing. */
  typing(name: string): void {
    this.#names.typing(name, Date.now());
    this.#redraw();
  }

  /** `name` sent a message or left. */
  stopped(name: string): void {
    if (this.#names.stopped(name)) this.#redraw();
  }

  /** Nobody is typing any more (a new room, a lost connection). */
  clear(): void {
    this.#names.clear();
    this.#redraw();
  }

  #redraw(): void {
    const now = Date.now();
    this.#draw(typingText(this.#names.names(now)));
    if (this.#timer !== null) clearTimeout(this.#timer);
    const next = this.#names.nextChange(now);
    this.#timer = next === null ? null : setTimeout(() => this.#redraw(), next + 10);
  }
}
