// What a line typed at the interactive prompt means: a message, or one of the slash commands.

/** A line entered at the prompt, understood. */
export type Entry =
  | { kind: "blank" }
  | { kind: "send"; text: string }
  | { kind: "who" }
  | { kind: "help" }
  | { kind: "quit" }
  | { kind: "unknown"; command: string };

/** The text `/help` prints. */
export const TERMINAL_HELP = `Type a message and press Enter to send it.
  /who    who is in the room
  /help   this help
  /quit   leave (Ctrl-D and Ctrl-C too)
A line starting with // sends the same line with one / less.`;

/** Reads one entered line: `//text` sends `/text`, `/word` is a command, anything not blank is a message. */
export function parseEntry(line: string): Entry {
  if (line.trim() === "") return { kind: "blank" };
  if (line.startsWith("//")) return { kind: "send", text: line.slice(1) };
  if (!line.startsWith("/")) return { kind: "send", text: line };
  const command = line.trim().split(/\s+/, 1)[0]!.toLowerCase();
  switch (command) {
    case "/who":
      return { kind: "who" };
    case "/help":
    case "/?":
      return { kind: "help" };
    case "/quit":
    case "/exit":
      return { kind: "quit" };
    default:
      return { kind: "unknown", command };
  }
}
