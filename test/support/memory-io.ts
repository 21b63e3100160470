// In-memory streams for the terminal client's modes (src/cli/io.ts): input the test writes, and
// output and errors it reads back. A terminal's output plays on a terminal model, so a test
// reads the screen; a pipe's output is kept as plain text.

import { PassThrough, Writable } from "node:stream";
import type { Io } from "../../src/cli/io.ts";
import { TerminalModel } from "./terminal-model.ts";

/** An Io on memory, with what was written so far. */
export interface MemoryIo {
  io: Io;
  /** Standard input: write lines to it, end it for end of input (Ctrl-D, or the end of a pipe). */
  input: PassThrough;
  /** Everything written to output, escape sequences included. */
  output(): string;
  /** Everything written to errors. */
  errors(): string;
  /** The screen, for a terminal's output. */
  screen: TerminalModel;
}

/** Streams for a mode: `terminal` makes output a colourless terminal `columns` wide, else a pipe. */
export function memoryIo(options: { terminal?: boolean; columns?: number } = {}): MemoryIo {
  const terminal = options.terminal ?? false;
  const screen = new TerminalModel(options.columns ?? 80);
  let output = "";
  let errors = "";
  const out = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      if (terminal) screen.play(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  if (terminal) Object.assign(out, { isTTY: true, columns: screen.columns, hasColors: () => false });
  const err = new Writable({
    write(chunk, _encoding, done) {
      errors += String(chunk);
      done();
    },
  });
  const input = new PassThrough();
  return { io: { input, output: out, errors: err }, input, output: () => output, errors: () => errors, screen };
}
