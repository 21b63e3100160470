#!/usr/bin/env node
// The edge-chat terminal client (`npm run chat`, `edge-chat`): reads the command line, then runs
// the interactive client when standard input is a terminal, the scripting client when it is a
// pipe or a file, or the echo probe.

import { parseCommandLine } from "./args.ts";
import { runEcho } from "./echo-chat.ts";
import { ExitCode, type ExitStatus } from "./exit-code.ts";
import type { Io } from "./io.ts";
import { runPipeChat } from "./pipe-chat.ts";
import { runTerminalChat } from "./terminal-chat.ts";

const parsed = parseCommandLine(process.argv.slice(2), process.env);
let code: ExitStatus;
switch (parsed.kind) {
  case "help":
    process.stdout.write(parsed.text);
    code = ExitCode.ok;
    break;
  case "usage-error":
    process.stderr.write(`edge-chat: ${parsed.message} (see --help)\n`);
    code = ExitCode.usage;
    break;
  case "run": {
    const { options } = parsed;
    const io: Io = { input: process.stdin, output: process.stdout, errors: process.stderr };
    // Both ends must be a terminal for the prompt: with output going to a file, lines typed
    // at the terminal are sent as from a pipe, and the file gets plain lines.
    const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (options.echo) code = await runEcho(options.url, interactive, io);
    else if (interactive) code = await runTerminalChat(options, io);
    else code = await runPipeChat(options, io);
    break;
  }
}
// Exit at once rather than wait for close handshakes: on Linux, writes to terminals, files and
// pipes are synchronous, so everything printed is already out.
process.exit(code);
