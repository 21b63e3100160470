// The interactive client: a person at a terminal. History, then live messages with a colour per
// name, join and leave notices, the connection's state in the prompt, and `/who`, `/help`,
// `/quit`. The prompt stays on the bottom line (see prompt-screen.ts); sending, resuming and
// pacing are the shared connection core's job.

import { createInterface } from "node:readline";
import { ChatConnection, type ConnectionState } from "../client/chat-connection.ts";
import { secondsUntil } from "../client/backoff.ts";
import { TRUNCATED_NOTE } from "../shared/frames.ts";
import type { ChatMessage } from "../shared/protocol.ts";
import { checkText } from "../shared/rules.ts";
import type { CliOptions } from "./args.ts";
import { closeOutcome, ExitCode, type ExitStatus } from "./exit-code.ts";
import { clock, nameColour, paint, printable } from "./format.ts";
import type { Io } from "./io.ts";
import { NodeSocketOpener } from "./node-socket.ts";
import { PromptScreen } from "./prompt-screen.ts";
import { parseEntry, TERMINAL_HELP } from "./terminal-commands.ts";

/** How long leaving waits for messages still on their way to the room. */
const QUIT_GRACE_MS = 5_000;

/** Runs the interactive client until the user leaves or the connection ends for good; resolves with the exit status. */
export function runTerminalChat(options: CliOptions, io: Io): Promise<ExitStatus> {
  return new Promise((resolve) => {
    const colour = io.output.hasColors?.() ?? false;
    const dim = (text: string) => paint(text, 2, colour);
    const showName = (name: string, bold = false) =>
      paint(printable(name), bold ? `1;${nameColour(name)}` : nameColour(name), colour);
    const note = (text: string) => screen.print(dim(`-- ${text}`));

    const rl = createInterface({ input: io.input, output: io.output, terminal: true, historySize: 200 });
    const screen = new PromptScreen(rl, io.output);
    const sockets = new NodeSocketOpener();
    let finished = false;
    let quitting: ReturnType<typeof setTimeout> | null = null;
    let countdown: ReturnType<typeof setInterval> | null = null;

    const connection = new ChatConnection({
      url: options.url,
      room: options.room,
      name: options.name,
      history: options.history,
      token: options.token,
      openSocket: sockets.open,
      events: {
        state: (state) => {
          updatePrompt();
          showState(state);
        },
        unreachable: (detail) => fail(ExitCode.failed, `${detail}: ${sockets.lastError ?? "no answer"}`),
        welcome: (welcome, resumed) => {
          const online = connection.online;
          const who = `${online.length} online: ${online.map((name) => showName(name)).join(", ")}`;
          if (welcome.truncated) note(TRUNCATED_NOTE.replace(/^note: /, ""));
          // Said after the replayed messages, which the core delivers right after this callback
          // returns, in the same turn: a microtask runs after them.
          queueMicrotask(() =>
            note(
              resumed
                ? `back in room ${welcome.room}; ${who}`
                : `joined room ${welcome.room} as ${showName(welcome.you, true)}; ${who}`,
            ),
          );
        },
        message: (message, mine) => screen.print(formatMessage(message, mine)),
        join: (join) => note(`${showName(join.name)} joined the chat (${join.online} online)`),
        leave: (leave) => note(`${showName(leave.name)} left the chat (${leave.online} online)`),
        error: (error) => screen.print(paint(`error: ${printable(error.message)}`, 31, colour)),
        pending: (pending) => {
          updatePrompt();
          if (quitting && pending.length === 0) finish(ExitCode.ok);
        },
      },
    });

    function formatMessage(message: ChatMessage, mine: boolean): string {
      // Continuation lines of a multi-line message are indented past the time, so they read as one.
      const [first = "", ...rest] = printable(message.text).split("\n");
      const lines = [`${dim(clock(message.at))} ${showName(message.name, mine)}: ${first}`];
      for (const line of rest) lines.push(`      ${line}`);
      return lines.join("\n");
    }

    function updatePrompt(): void {
      const state = connection.state;
      const queued = connection.pending.length;
      const parts: string[] = [];
      if (state.kind === "waiting") {
        parts.push(`offline, retry in ${secondsUntil(state.retryAt)} s`);
      } else if (state.kind !== "connected") parts.push(state.kind);
      if (state.kind !== "connected" && queued > 0) parts.push(`${queued} queued`);
      const label = parts.length > 0 ? `[${parts.join(", ")}] ` : "";
      screen.setPrompt(`${paint(label, 33, colour)}${paint(options.room, 1, colour)}> `);
    }

    function showState(state: ConnectionState): void {
      if (finished) return;
      // While waiting to retry, the prompt counts down the seconds.
      if (state.kind === "waiting" && countdown === null) countdown = setInterval(updatePrompt, 1000);
      if (state.kind !== "waiting" && countdown !== null) {
        clearInterval(countdown);
        countdown = null;
      }
      // One line when the connection drops; the retries themselves show only in the prompt.
      if (state.kind === "waiting" && state.attempt === 0) {
        note(`connection lost (${state.reason ? `${state.reason}, ` : ""}code ${state.code}); reconnecting`);
      } else if (state.kind === "closed") {
        const { status, message } = closeOutcome(state.code, state.reason);
        fail(status, message);
      }
    }

    rl.on("line", (line) => {
      screen.eraseEntered(line);
      const entry = parseEntry(line);
      switch (entry.kind) {
        case "blank":
          break;
        case "send": {
          const refusal = connection.limits ? checkText(entry.text, connection.limits.messageBytes) : null;
          // Refused here rather than by the room, so it never sits in the outbox while offline.
          if (refusal) {
            screen.print(paint(`error: ${refusal.message}; not sent`, 31, colour));
          } else connection.send(entry.text);
          break;
        }
        case "who": {
          const online = connection.online;
          const prefix = connection.state.kind === "connected" ? "" : "offline; when last connected, ";
          note(`${prefix}${online.length} online: ${online.map((name) => showName(name)).join(", ")}`);
          break;
        }
        case "help":
          screen.print(TERMINAL_HELP);
          break;
        case "quit":
          quit();
          break;
        case "unknown":
          note(`${entry.command} is not a command; /help lists them`);
          break;
      }
      if (!finished) screen.show();
    });
    // Ctrl-D ends input; Ctrl-C asks to leave, and a second Ctrl-C leaves at once.
    rl.on("close", () => quit());
    rl.on("SIGINT", () => (quitting ? finish(ExitCode.failed) : quit()));

    function quit(): void {
      if (finished || quitting) return;
      const waiting = connection.pending.length;
      if (waiting === 0) return finish(ExitCode.ok);
      note(`sending ${waiting} message${waiting === 1 ? "" : "s"} before leaving (Ctrl-C leaves now)`);
      quitting = setTimeout(() => {
        note(`${connection.pending.length} message(s) could not be delivered`);
        finish(ExitCode.failed);
      }, QUIT_GRACE_MS);
    }

    function fail(code: ExitStatus, message: string): void {
      if (finished) return;
      screen.hide();
      io.errors.write(`edge-chat: ${message}\n`);
      finish(code);
    }

    function finish(code: ExitStatus): void {
      if (finished) return;
      finished = true;
      if (quitting) clearTimeout(quitting);
      if (countdown) clearInterval(countdown);
      screen.hide();
      connection.stop();
      rl.close();
      resolve(code);
    }

    updatePrompt();
    screen.show();
    connection.start();
  });
}
