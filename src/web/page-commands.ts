// Carries out, on the page, what the shared command table (src/client/commands.ts) makes of
// the Message field: a moderation request through the connection, /who and /help as notices.

import type { ChatConnection } from "../client/chat-connection.ts";
import { helpLines, type CommandAction } from "../client/commands.ts";
import type { ChatView } from "./chat-view.ts";

/** What became of a command: whether the field is emptied, and a problem to show beside it. */
export interface CommandOutcome {
  clear: boolean;
  problem?: string;
}

/** Runs `action` (anything but a message to send) against `connection`, drawing on `view`. */
export function runPageCommand(
  action: Exclude<CommandAction, { kind: "send" }>,
  connection: ChatConnection,
  view: ChatView,
): CommandOutcome {
  switch (action.kind) {
    case "blank":
      return { clear: false };
    case "problem":
      return { clear: false, problem: action.message };
    case "moderate": {
      const sent = connection.moderate(action.request);
      if (!sent.ok) return { clear: false, problem: `Nothing was done: ${sent.reason}.` };
      view.notice(`You ${action.done}.`, "info");
      return { clear: true };
    }
    case "who": {
      const online = connection.online;
      const when = connection.state.kind === "connected" ? "" : " (when last connected)";
      view.notice(`${online.length} online${when}: ${online.join(", ")}`, "info");
      return { clear: true };
    }
    case "help":
      view.notice(helpLines("page").join("\n"), "help");
      return { clear: true };
    case "ids":
    case "quit":
      // The table gives these to the terminal only; the page never receives them.
      return { clear: false };
  }
}
