// The options the terminal client's modes take, as the command line would give them.

import type { CliOptions } from "../../src/cli/args.ts";

/** The options for `alice` in room `main` at `url`, no history asked, no token; `overrides` changes any. */
export function cliOptions(url: string, overrides: Partial<CliOptions> = {}): CliOptions {
  return { url, room: "main", name: "alice", history: undefined, token: "", echo: false, ...overrides };
}
