// The prompt that stays on the bottom line while messages print above it, on a real readline
// interface over in-memory streams. What it writes is played on a small terminal model
// (test/support/terminal-model.ts), so the tests read the screen a person would see.

import { createInterface, type Interface } from "node:readline";
import { PassThrough, Writable } from "node:stream";
import { afterEach, describe, expect, test } from "vitest";
import { PromptScreen } from "../../../src/cli/prompt-screen.ts";
import { TerminalModel } from "../../support/terminal-model.ts";

const interfaces: Interface[] = [];
afterEach(() => {
  for (const rl of interfaces.splice(0)) rl.close();
});

/** A prompt screen on a readline interface whose output plays on a terminal model `columns` wide. */
function terminal(columns = 40) {
  const screen = new TerminalModel(columns);
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

/** As `terminal`, with the prompt `main> ` shown. */
function promptShown(columns?: number) {
  const shown = terminal(columns);
  shown.prompt.setPrompt("main> ");
  shown.prompt.show();
  return shown;
}

describe("PromptScreen", () => {
  test("before the prompt is shown, printing writes plain lines", () => {
    const { screen, prompt } = terminal();
    prompt.print("-- connecting");
    prompt.print("one\ntwo");
    expect(screen.text).toEqual(["-- connecting", "one", "two"]);
  });

  test("printed text goes above the prompt, which keeps what was half typed and the cursor after it", async () => {
    const { screen, prompt, type } = promptShown();
    await type("half typ");
    prompt.print("bob: hello");
    prompt.print("carol: hi\n      there");
    expect(screen.text).toEqual(["bob: hello", "carol: hi", "      there", "main> half typ"]);
    expect([screen.row, screen.col]).toEqual([3, "main> half typ".length]);
  });

  test("a half-typed line that wraps is erased whole before the text, and drawn again below it", async () => {
    const { screen, prompt, type } = promptShown(20);
    await type("a line longer than the screen");
    expect(screen.text).toEqual(["main> a line longer", "than the screen"]);
    prompt.print("bob: hello");
    expect(screen.text).toEqual(["bob: hello", "main> a line longer", "than the screen"]);
    // Again, now that readline itself has drawn the wrapped line (and counts its rows).
    prompt.print("carol: hi");
    expect(screen.text).toEqual(["bob: hello", "carol: hi", "main> a line longer", "than the screen"]);
  });

  test("a new prompt replaces the old one in place, keeping the typed text", async () => {
    const { screen, prompt, type } = promptShown();
    await type("draft");
    prompt.setPrompt("[offline] main> ");
    expect(screen.text).toEqual(["[offline] main> draft"]);
    expect(screen.col).toBe("[offline] main> draft".length);
  });

  test("an entered line is erased, so it shows once, when the room relays it", async () => {
    const { screen, rl, prompt, type } = promptShown(20);
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
    const { screen, prompt, type } = promptShown();
    await type("draft");
    prompt.hide();
    expect(screen.text).toEqual([""]);
    expect(screen.col).toBe(0);
    prompt.print("edge-chat: closed");
    expect(screen.text).toEqual(["edge-chat: closed"]);
  });

  test("when readline closes under a shown prompt (Ctrl-D), the prompt goes, so what is printed next starts a clean line", async () => {
    const { screen, rl, prompt } = promptShown();
    rl.close();
    prompt.print("-- sending 1 message before leaving");
    expect(screen.text).toEqual(["-- sending 1 message before leaving"]);
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
