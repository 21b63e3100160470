// The terminal client's command line: options, defaults and `--help`, read strictly (see
// command-line.ts).

import { DEFAULT_HISTORY, DEFAULT_ROOM } from "../shared/protocol.ts";
import { parseCount } from "../shared/rules.ts";
import { readChatToken } from "./chat-token.ts";
import { readOptions, type CommandLine } from "./command-line.ts";

/** The service a client talks to when neither `--url` nor `$CHAT_URL` names one (`npm start`). */
export const DEFAULT_URL = "http://localhost:8787";

/** What the user asked for. */
export interface CliOptions {
  /** The service's base URL as given: http(s) or ws(s). */
  url: string;
  room: string;
  /** Empty: the server picks a guest name. */
  name: string;
  /** Stored messages to replay on joining; undefined leaves the server's default. */
  history: number | undefined;
  /** A signed token for the Authorization header; empty: join unsigned. */
  token: string;
  echo: boolean;
}

/** The outcome of reading the command line. */
export type ParsedCommandLine = CommandLine<CliOptions>;

/** The text `--help` prints. */
export function helpText(program = "edge-chat"): string {
  return `Usage: ${program} [--url URL] [--room ROOM] [--name NAME] [--history N] [--token JWT]
       ${program} --echo [--url URL]
       (from the project folder: npm run chat -- [options])

Chat in an edge-chat room from a terminal, or pipe lines into one from a script.

Options:
  --url URL     the service, http(s) or ws(s); default $CHAT_URL, else ${DEFAULT_URL}
  --room ROOM   the room to join: 1-64 of A-Z a-z 0-9 _ -; default ${DEFAULT_ROOM}
  --name NAME   your display name; default a guest name the server picks
  --history N   earlier messages to show on joining; default ${DEFAULT_HISTORY}, 0 for none
  --token JWT   sign in with a token (\`npm run token\` or your app signs one); default
                $CHAT_TOKEN. Sent as an Authorization header, never shown. The room then
                shows the token's name, and --name is ignored
  --echo        talk to /echo instead of a room: every line comes back as sent
  -h, --help    show this help

In a terminal, type a line and press Enter to send it; a line starting with // sends
one starting with /. Commands: /who (who is online), /help, /quit (or Ctrl-D).
The client reconnects by itself and resumes where it left off.

When standard input or output is not a terminal (a pipe, a file), every non-blank
line of input is sent, paced to the room's rate limit; what the room relays is printed
as plain lines ("from NAME: TEXT", "NAME joined the chat!"), and the client exits once
input has ended and every line has come back from the room.

Exit status: 0 done; 1 the service could not be reached, the connection ended for good,
or the room refused a line; 2 bad options, or the server refused the request (4400/4401/4403/4404: a missing,
invalid or expired token, a room the token does not admit, a kick or a ban).
`;
}

/** Reads `argv` (without node and the script) and the environment into options. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCommandLine {
  const read = readOptions(argv, {
    url: { type: "string" },
    room: { type: "string" },
    name: { type: "string" },
    history: { type: "string" },
    token: { type: "string" },
    echo: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (read.kind === "usage-error") return read;
  const { values } = read;
  if (values.help) return { kind: "help", text: helpText() };

  const url = values.url ?? (env.CHAT_URL || DEFAULT_URL);
  const urlProblem = checkServiceUrl(url);
  if (urlProblem) return { kind: "usage-error", message: urlProblem };

  if (values.echo) {
    const roomOnly = (["room", "name", "history", "token"] as const).filter((key) => values[key] !== undefined);
    if (roomOnly.length > 0) {
      return {
        kind: "usage-error",
        message: `--echo talks to /echo, not to a room, so it takes no ${roomOnly.map((key) => `--${key}`).join(", ")}`,
      };
    }
  }

  let history: number | undefined;
  if (values.history !== undefined) {
    const checked = parseCount(values.history, "--history");
    if (!checked.ok) return { kind: "usage-error", message: checked.error };
    history = checked.value;
  }

  const token = values.echo ? { ok: true as const, value: "" } : readChatToken(values.token, env);
  if (!token.ok) return { kind: "usage-error", message: token.error };

  return {
    kind: "run",
    options: {
      url,
      room: values.room ?? DEFAULT_ROOM,
      name: values.name ?? "",
      history,
      token: token.value,
      echo: values.echo,
    },
  };
}

/** Why `url` cannot name the service, or null when it can. */
function checkServiceUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `expected --url (or $CHAT_URL) to be a URL such as ${DEFAULT_URL}, got ${JSON.stringify(url)}`;
  }
  if (!["http:", "https:", "ws:", "wss:"].includes(parsed.protocol)) {
    return `expected --url (or $CHAT_URL) to start with http, https, ws or wss, got ${JSON.stringify(url)}`;
  }
  return null;
}
