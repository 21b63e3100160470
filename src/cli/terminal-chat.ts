// The interactive client: a person at a terminal. History, then live messages with a colour per
// name, join and leave notices, deletions and setting changes, the connection's state and who
// is typing in the prompt, and the commands of the shared table (src/client/commands.ts). The
// prompt stays on the bottom line (see prompt-screen.ts); sending, resuming and pacing are the
// shared connection core's job.

import { createInterface } from "node:readline";
import { ChatConnection, type ConnectionState } from "../client/chat-connection.ts";
import { secondsUntil } from "../client/backoff.ts";
import { helpLines, isMessageDraft, parseInput } from "../client/commands.ts";
import { TypingNames, typingText } from "../client/typing-names.ts";
import { describeSettings, TRUNCATED_NOTE } from "../shared/frames.ts";
import type { ChatMessage } from "../shared/protocol.ts";
import { checkText } from "../shared/rules.ts";
import type { CliOptions } from "./args.ts";
import { closeOutcome, ExitCode, type ExitStatus } from "./exit-code.ts";
import { clock, nameColour, paint, printable } from "./format.ts";
import type { Io } from "./io.ts";
import { NodeSocketOpener, roomConnectionOptions } from "./node-socket.ts";
import { PromptScreen } from "./prompt-screen.ts";

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
    let showIds = false;
    const typing = new TypingNames();
    let typingTimer: ReturnType<typeof setTimeout> | null = null;
    // Whose message each id was, so that a deletion can say whose message went.
    const authors = new Map<number, string>();

    const connection = new ChatConnection({
      ...roomConnectionOptions(options, sockets),
      // A line sent too soon under slow mode waits its turn (the prompt says so) rather than being refused.
      paceSlowMode: true,
      events: {
        state: (state) => {
          updatePrompt();
          showState(state);
        },
        unreachable: (detail) => fail(ExitCode.failed, `${detail}: ${sockets.lastError ?? "no answer"}`),
        welcome: (welcome) => {
          if (welcome.truncated) note(TRUNCATED_NOTE.replace(/^note: /, ""));
        },
        // After the replayed messages and before anything live, even from the same frame.
        replayed: (welcome, resumed) => {
          const online = connection.online;
          const who = `${online.length} online: ${online.map((name) => showName(name)).join(", ")}`;
          note(
            resumed
              ? `back in room ${welcome.room}; ${who}`
              : `joined room ${welcome.room} as ${showName(welcome.you, true)}; ${who}`,
          );
          const { slowMode, readOnly } = welcome.settings;
          const moderator = welcome.role === "moderator";
          if (slowMode > 0 || readOnly || moderator) {
            note(`${describeSettings(welcome.settings)}${moderator ? "; you are a moderator (/help)" : ""}`);
          }
        },
        message: (message, mine) => {
          authors.set(message.id, message.name);
          if (typing.stopped(message.name)) updatePrompt();
          screen.print(formatMessage(message, mine));
        },
        deleted: (event) => {
          const author = authors.get(event.target);
          const whose = author === undefined ? `message ${event.target}` : `a message from ${showName(author)}`;
          note(`${whose} was deleted${showIds ? ` (#${event.target})` : ""} by ${showName(event.name)}`);
        },
        settings: (settings) => {
          note(`${describeSettings(settings)} (set by ${showName(settings.name)})`);
          updatePrompt();
        },
        typing: (event) => {
          typing.typing(event.name, Date.now());
          updatePrompt();
        },
        join: (join) => note(`${showName(join.name)} joined the chat (${join.online} online)`),
        leave: (leave) => {
          if (!leave.stillOnline && typing.stopped(leave.name)) updatePrompt();
          note(`${showName(leave.name)} left the chat (${leave.online} online)`);
        },
        error: (error) => showError(error.message),
        pending: (pending) => {
          updatePrompt();
          if (quitting && pending.length === 0) finish(ExitCode.ok);
        },
      },
    });

    function formatMessage(message: ChatMessage, mine: boolean): string {
      const id = showIds ? `${dim(`#${message.id}`)} ` : "";
      const head = `${dim(clock(message.at))} ${id}${showName(message.name, mine)}:`;
      // A tombstone from the history: its text is gone.
      if (message.deleted) return `${head} ${dim("(message deleted)")}`;
      // Continuation lines of a multi-line message are indented past the time, so they read as one.
      const [first = "", ...rest] = printable(message.text).split("\n");
      const lines = [`${head} ${first}`];
      for (const line of rest) lines.push(`      ${line}`);
      return lines.join("\n");
    }

    function showError(message: string): void {
      screen.print(paint(`error: ${printable(message)}`, 31, colour));
    }

    function updatePrompt(): void {
      const state = connection.state;
      const queued = connection.pending.length;
      const parts: string[] = [];
      if (state.kind === "waiting") {
        parts.push(`offline, retry in ${secondsUntil(state.retryAt)} s`);
      } else if (state.kind !== "connected") parts.push(state.kind);
      if (state.kind !== "connected" && queued > 0) parts.push(`${queued} queued`);
      if (state.kind === "connected") {
        const slowed = connection.settings.slowMode > 0 && connection.identity.role !== "moderator";
        if (slowed && queued > 0) parts.push(`${queued} waiting for slow mode`);
        const now = Date.now();
        const names = typing.names(now);
        if (names.length > 0) parts.push(printable(typingText(names)));
        // Redrawn when the next name expires, so that it goes without anyone else doing anything.
        if (typingTimer !== null) clearTimeout(typingTimer);
        const next = typing.nextChange(now);
        typingTimer = next === null ? null : setTimeout(updatePrompt, next + 10);
      }
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

    // Typing a message (not a command) tells the others, at most every 2 s (the core throttles).
    io.input.on("keypress", () => {
      if (isMessageDraft(rl.line)) connection.typing();
    });

    rl.on("line", (line) => {
      screen.eraseEntered(line);
      const entry = parseInput(line, "terminal");
      switch (entry.kind) {
        case "blank":
          break;
        case "send": {
          const refusal = connection.limits ? checkText(entry.text, connection.limits.messageBytes) : null;
          // Refused here rather than by the room, so it never sits in the outbox while offline.
          if (refusal) showError(`${refusal.message}; not sent`);
          else connection.send(entry.text);
          break;
        }
        case "who": {
          const online = connection.online;
          const prefix = connection.state.kind === "connected" ? "" : "offline; when last connected, ";
          note(`${prefix}${online.length} online: ${online.map((name) => showName(name)).join(", ")}`);
          break;
        }
        case "moderate": {
          const sent = connection.moderate(entry.request);
          if (sent.ok) note(entry.done);
          else showError(`${sent.reason}; nothing was done`);
          break;
        }
        case "ids":
          showIds = entry.on;
          note(entry.on ? "messages now show their numbers (#12), for /delete" : "message numbers are hidden");
          break;
        case "help":
          screen.print(helpLines("terminal").join("\n"));
          break;
        case "quit":
          quit();
          break;
        case "problem":
          showError(entry.message);
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
      if (typingTimer) clearTimeout(typingTimer);
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
