// The streams a client session runs on. chat.ts hands every mode (terminal, pipe, echo) the
// process's own; one type, so that a mode can be run on any streams the same way.

/** Where a session reads its input and writes its output and its complaints. */
export interface Io {
  input: NodeJS.ReadableStream;
  /** A WriteStream, so a mode can ask whether it is a terminal and how wide and colourful it is. */
  output: NodeJS.WriteStream;
  errors: NodeJS.WritableStream;
}
