// What the terminal client's and `npm run token`'s command lines share: Node's own
// `util.parseArgs`, strict and without positionals, so that unknown or malformed options are
// refused rather than ignored, and the outcome every command line has.

import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** The outcome of reading a command line: what to run with, the help to print, or what is wrong. */
export type CommandLine<Options> =
  { kind: "run"; options: Options } | { kind: "help"; text: string } | { kind: "usage-error"; message: string };

/** The values `parseArgs` reads for the options `T`. */
export type OptionValues<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>["values"];

/** Reads `argv` (without node and the script) for `options`, or says in one line why it cannot. */
export function readOptions<T extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: T,
): { kind: "values"; values: OptionValues<T> } | { kind: "usage-error"; message: string } {
  try {
    return {
      kind: "values",
      values: parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values,
    };
  } catch (error) {
    // parseArgs's own messages say which option and why, sometimes over several lines: a usage
    // error is reported on one line.
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "usage-error", message: message.replace(/\s*\n\s*/g, " ") };
  }
}
