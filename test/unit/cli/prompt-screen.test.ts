// The prompt that stays on the bottom line while messages print above it, on a real readline
// interface over in-memory streams. What it writes is played on a small terminal model (cursor
// moves, clears, line wrap), so the tests read the screen a person would see.

import { createInterface, type Interface } from "node:readline";
import { PassThrough, Writable } from "node:stream";
import { afterEach, describe, expect, test } from "vitest";
import { PromptScreen } from "../../../src/cli/prompt-screen.ts";

/** A terminal of `columns`: the rows written so far and the cursor, as escape sequences leave them. */
class Screen {
  rows: string[] = [""];
  row = 0;
  col = 0;
  readonly columns: number;
  constructor(columns: number) {
    this.columns = columns;
  }

  play(data: string): void {
    for (let i = 0; i < data.length; i++) {
      const char = data[i]!;
      if (char === "\x1b" && data[i + 1] === "[") {
        const match = /^\x1b\[(\d*)([A-Za-z])/.exec(data.slice(i))!;
        this.#control(match[2]!, match[1] === "" ? undefined : Number(match[1]));
        i += match[0].length - 1;
      } else if (char === "\n") {
        this.#moveTo(this.row + 1, 0);
      } else if (char === "\r") {
        this.col = 0;
      } else {
        // The cursor may sit just past the last column; the next character wraps.
        if (this.col >= this.columns) this.#moveTo(this.row + 1, 0);
        const line = this.rows[this.row]!.padEnd(this.col);
        this.rows[this.row] = line.slice(0, this.col) + char + line.slice(this.col + 1);
        this.col++;
      }
    }
  }

  /** The screen's text, without trailing blank rows. */
  get text(): string[] {
    const rows = this.rows.map((row) => row.trimEnd());
    while (rows.length > 1 && rows.at(-1) === "") rows.pop();
    return rows;
  }

  #control(final: string, n: number | undefined): void {
    switch (final) {
      case "A":
        return this.#moveTo(Math.max(0, this.row - (n ?? 1)), this.col);
      case "B":
        return this.#moveTo(this.row + (n ?? 1), this.col);
      case "C":
        return void (this.col += n ?? 1);
      case "D":
        return void (this.col = Math.max(0, this.col - (n ?? 1)));
      case "G":
        return void (this.col = (n ?? 1) - 1);
      case "J": // from the cursor to the end of the screen
        this.rows[this.row] = this.rows[this.row]!.slice(0, this.col);
        this.rows.length = this.row + 1;
        return;
      case "K": // from the cursor to the end of the line
        this.rows[this.row] = this.rows[this.row]!.slice(0, this.col);
        return;
      default:
        throw new Error(`the terminal model does not know ESC[${n ?? ""}${final}`);
    }
  }

  #moveTo(row: number, col: number): void {
    while (this.rows.length <= row) this.rows.push("");
    this.row = row;
    this.col = col;
  }
}

const interfaces: Interface[] = [];
afterEach(() => {
  for (const rl of interfaces.splice(0)) rl.close();
});

/** A prompt screen on a readline interface whose output plays on a terminal model `columns` wide. */
function terminal(columns = 40) {
  const screen = new Screen(columns);
  const output = new Writable({
    write(chunk, _encoding, done) {
      screen.play(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(output, { columns, isTTY: true });
  const input = new PassThrough();
  const rl = createInterface({ input, output, terminal: true });
  interfaces.push(rl);
  const prompt = new PromptScreen(rl, output);
  /** Types `keys` at the prompt and lets readline handle them. */
  const type = async (keys: string) => {
    input.write(keys);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { screen, rl, prompt, type };
}

describe("PromptScreen", () => {
  test("before the prompt is shown, printing writes plain lines", () => {
    const { screen, prompt } = terminal();
    prompt.print("-- connecting");
    prompt.print("one\ntwo");
    expect(screen.text).toEqual(["-- connecting", "one", "two"]);
  });

  test("printed text goes above the prompt, which keeps what was half typed and the cursor after it", async () => {
    const { screen, prompt, type } = terminal();
    prompt.setPrompt("main> ");
    prompt.show();
    await type("half typ");
    prompt.print("bob: hello");
    prompt.print("carol: hi\n      there");
    expect(screen.text).toEqual(["bob: hello", "carol: hi", "      there", "main> half typ"]);
    expect([screen.row, screen.col]).toEqual([3, "main> half typ".length]);
  });

  test("a half-typed line that wraps is erased whole before the text, and drawn again below it", async () => {
    const { screen, prompt, type } = terminal(20);
    prompt.setPrompt("main> ");
    prompt.show();
    await type("a line longer than the screen");
    expect(screen.text).toEqual(["main> a line longer", "than the screen"]);
    prompt.print("bob: hello");
    expect(screen.text).toEqual(["bob: hello", "main> a line longer", "than the screen"]);
    // Again, now that readline itself has drawn the wrapped line (and counts its rows).
    prompt.print("carol: hi");
    expect(screen.text).toEqual(["bob: hello", "carol: hi", "main> a line longer", "than the screen"]);
  });

  test("a new prompt replaces the old one in place, keeping the typed text", async () => {
    const { screen, prompt, type } = terminal();
    prompt.setPrompt("main> ");
    prompt.show();
    await type("draft");
    prompt.setPrompt("[offline] main> ");
    expect(screen.text).toEqual(["[offline] main> draft"]);
    expect(screen.col).toBe("[offline] main> draft".length);
  });

  test("an entered line is erased, so it shows once, when the room relays it", async () => {
    const { screen, rl, prompt, type } = terminal(20);
    prompt.setPrompt("main> ");
    prompt.show();
    const entered = new Promise<string>((resolve) => rl.once("line", resolve));
    await type("a line longer than the screen\r");
    const line = await entered;
    prompt.eraseEntered(line);
    expect(screen.text).toEqual([""]);
    prompt.print("alice: a line longer than the screen");
    expect(screen.text).toEqual(["alice: a line longer", " than the screen"]);
    // Erasing left the prompt hidden until it is shown again.
    prompt.show();
    expect(screen.text.at(-1)).toBe("main>");
  });

  test("once hidden, the prompt is gone and prints no longer redraw it", async () => {
    const { screen, prompt, type } = terminal();
    prompt.setPrompt("main> ");
    prompt.show();
    await type("draft");
    prompt.hide();
    expect(screen.text).toEqual([""]);
    expect(screen.col).toBe(0);
    prompt.print("edge-chat: closed");
    expect(screen.text).toEqual(["edge-chat: closed"]);
  });

  test("after readline has closed, printing still works and the prompt never comes back", () => {
    const { screen, rl, prompt } = terminal();
    prompt.setPrompt("main> ");
    rl.close();
    prompt.show();
    prompt.print("bye");
    expect(screen.text).toEqual(["bye"]);
  });
});
