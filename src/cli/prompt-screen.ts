// Keeps the prompt, and whatever the user has half typed at it, on the bottom line while
// messages arrive: every print erases the prompt's rows, writes the text where they were,
// and lets readline draw the prompt and the typed text again below it.

import { clearScreenDown, cursorTo, moveCursor, type Interface } from "node:readline";
import { displayRows } from "./display-width.ts";

/** A readline prompt with text printed above it. */
export class PromptScreen {
  readonly #rl: Interface;
  readonly #output: NodeJS.WriteStream;
  #prompt = "";
  #shown = false;
  #closed = false;

  constructor(rl: Interface, output: NodeJS.WriteStream) {
    this.#rl = rl;
    this.#output = output;
    // Closed under a shown prompt (Ctrl-D): readline leaves it drawn, and whatever is printed
    // next would land after it on the same row.
    rl.once("close", () => {
      if (this.#shown) this.#erasePrompt();
      this.#shown = false;
      this.#closed = true;
    });
  }

  /** Shows the prompt (from then on every print redraws it). */
  show(): void {
    if (this.#closed) return;
    this.#shown = true;
    this.#redraw();
  }

  /** Prints `text` (one or more lines) above the prompt, then redraws the prompt with the typed text and cursor. */
  print(text: string): void {
    if (this.#shown && !this.#closed) this.#erasePrompt();
    this.#output.write(`${text}\n`);
    if (this.#shown && !this.#closed) this.#redraw();
  }

  /** Changes the prompt, redrawing it if it is shown. */
  setPrompt(prompt: string): void {
    if (prompt === this.#prompt) return;
    if (this.#shown && !this.#closed) this.#erasePrompt();
    this.#prompt = prompt;
    this.#rl.setPrompt(prompt);
    if (this.#shown && !this.#closed) this.#redraw();
  }

  /**
   * Erases a line the user has just entered. readline leaves it on screen and moves to a fresh
   * row; the message is shown again when the room relays it, in room order, so it would appear twice.
   */
  eraseEntered(line: string): void {
    if (this.#closed) return;
    moveCursor(this.#output, 0, -displayRows(this.#prompt + line, this.#output.columns));
    cursorTo(this.#output, 0);
    clearScreenDown(this.#output);
    this.#shown = false;
  }

  /** Erases the prompt for good, leaving the cursor at the start of a clean line. */
  hide(): void {
    if (this.#shown && !this.#closed) this.#erasePrompt();
    this.#shown = false;
  }

  #erasePrompt(): void {
    // getCursorPos counts rows from the prompt's first row to the cursor, wrapping included.
    moveCursor(this.#output, 0, -this.#rl.getCursorPos().rows);
    cursorTo(this.#output, 0);
    clearScreenDown(this.#output);
  }

  #redraw(): void {
    // readline redraws by first moving up as many rows as the cursor was below the prompt's
    // start (its undocumented `prevRows`); those rows were erased above and now hold the
    // printed text, so it must start from the cursor's row instead.
    const state = this.#rl as unknown as { prevRows?: number };
    if (typeof state.prevRows === "number") state.prevRows = 0;
    this.#rl.prompt(true);
  }
}
