// The client for scripts: standard input is not a terminal. Every non-blank input line is sent
// (the connection core paces them to the room's limits, waits out slow mode unless this session
// is a moderator, and resends after a reconnect without duplicates), what the room relays is
// printed as the text framing's lines, and the process ends once input has ended and every
// line sent has come back from the room.

import { createInterface } from "node:readline";
import { ChatConnection } from "../client/chat-connection.ts";
import { secondsUntil } from "../client/backoff.ts";
import { toTextLines, TRUNCATED_NOTE } from "../shared/frames.ts";
import type { ServerMessage } from "../shared/protocol.ts";
import type { CliOptions } from "./args.ts";
import { closeOutcome, ExitCode, type ExitStatus } from "./exit-code.ts";
import { printable } from "./format.ts";
import type { Io } from "./io.ts";
import { NodeSocketOpener, roomConnectionOptions } from "./node-socket.ts";

/**
 * Reading stops while this many lines wait for the room and resumes below half of it, so a
 * large file is streamed at the room's pace instead of being read into memory whole.
 */
const MAX_UNACKNOWLEDGED = 200;

/** Sends standard input's lines and prints the room until done; resolves with the exit status. */
export function runPipeChat(options: CliOptions, io: Io): Promise<ExitStatus> {
  return new Promise((resolve) => {
    // Text that reaches a terminal must not be able to drive it; a file or a pipe gets it verbatim.
    const show = io.output.isTTY ? printable : (text: string) => text;
    let outputOpen = true;
    io.output.on("error", () => {
      // The reader went away (`| head`): keep sending, stop printing.
      outputOpen = false;
    });
    const print = (message: ServerMessage) => {
      if (!outputOpen) return;
      for (const line of toTextLines(message)) io.output.write(`${show(line)}\n`);
    };
    const report = (line: string) => io.errors.write(`edge-chat: ${line}\n`);

    const sockets = new NodeSocketOpener();
    let welcomed = false;
    let inputEnded = false;
    let refused = 0;
    let finished = false;
    let paused = false;
    let lineNumber = 0;
    // Replayed events get no lines of their own in the text framing (deletions among them): the
    // welcome's history holds ids up to its lastMessageId, live events come after it.
    let replayedUpTo = 0;
    // Whose message each id was, to word a deletion as the text framing does.
    const authors = new Map<number, string>();
    // Which input line each unacknowledged message came from, to name it if the room refuses it.
    const lineOf = new Map<string, number>();

    const connection = new ChatConnection({
      ...roomConnectionOptions(options, sockets),
      paceSlowMode: true,
      events: {
        unreachable: (detail) => finish(ExitCode.failed, `${detail}: ${sockets.lastError ?? "no answer"}`),
        state: (state) => {
          if (finished) return;
          if (state.kind === "closed") {
            const { status, message } = closeOutcome(state.code, state.reason);
            finish(status, message);
          } else if (state.kind === "waiting") {
            // Also before the first welcome (a full room closes with 1013), so a script is never left waiting in silence.
            const seconds = secondsUntil(state.retryAt);
            const what = welcomed ? "connection lost" : "not let in";
            report(`${what} (${state.code}${state.reason ? ` ${state.reason}` : ""}); reconnecting in ${seconds} s`);
          }
        },
        welcome: (welcome, resumed) => {
          replayedUpTo = welcome.lastMessageId;
          if (resumed) {
            report("reconnected");
            return;
          }
          welcomed = true;
          if (welcome.truncated && outputOpen) io.output.write(`${TRUNCATED_NOTE}\n`);
        },
        replayed: (welcome, resumed) => {
          if (resumed) return;
          // The text framing ends the replay with the joiner's own "joined" line.
          print({ type: "join", name: welcome.you, at: Date.now(), online: welcome.online.length });
          maybeDone();
        },
        message: (message, mine) => {
          if (mine && message.ref) lineOf.delete(message.ref);
          authors.set(message.id, message.name);
          print(message);
        },
        deleted: (event) => {
          const author = authors.get(event.target);
          if (event.id <= replayedUpTo) return;
          if (outputOpen) {
            io.output.write(
              `${author === undefined ? `message ${event.target}` : `a message from ${show(author)}`} was deleted\n`,
            );
          }
        },
        settings: (settings) => print(settings),
        join: (join) => print(join),
        leave: (leave) => print(leave),
        error: (error) => {
          const line = error.ref === undefined ? undefined : lineOf.get(error.ref);
          if (line === undefined) return report(`error: ${error.message}`);
          lineOf.delete(error.ref!);
          refused++;
          report(`line ${line} was refused: ${error.message}`);
        },
        pending: (pending) => {
          if (paused && pending.length < MAX_UNACKNOWLEDGED / 2) {
            paused = false;
            lines.resume();
          }
          maybeDone();
        },
      },
    });

    const lines = createInterface({ input: io.input, crlfDelay: Infinity });
    lines.on("line", (line) => {
      lineNumber++;
      if (finished || line.trim() === "") return;
      lineOf.set(connection.send(line), lineNumber);
      if (!paused && connection.pending.length >= MAX_UNACKNOWLEDGED) {
        paused = true;
        lines.pause();
      }
    });
    lines.on("close", () => {
      inputEnded = true;
      maybeDone();
    });

    function maybeDone(): void {
      if (finished || !inputEnded || !welcomed || connection.pending.length > 0) return;
      finish(refused > 0 ? ExitCode.failed : ExitCode.ok);
    }

    function finish(code: ExitStatus, message?: string): void {
      if (finished) return;
      finished = true;
      if (message) report(message);
      connection.stop();
      lines.close();
      resolve(code);
    }

    connection.start();
  });
}
