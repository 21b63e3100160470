// The command line of `npm run token`: options, defaults and `--help`, read strictly (see
// command-line.ts).

import { checkRoomPattern, checkUserId } from "../shared/access.ts";
import { checkName } from "../shared/rules.ts";
import { readOptions, type CommandLine } from "./command-line.ts";

/** How long a token lasts when `--ttl` is not given, in seconds. */
export const DEFAULT_TTL_SECONDS = 60 * 60;

/** What to sign. */
export interface TokenOptions {
  /** Normalised. */
  name: string;
  sub: string;
  /** Undefined: every room. */
  rooms: string[] | undefined;
  moderator: boolean;
  ttlSeconds: number;
}

/** The outcome of reading the command line. */
export type ParsedTokenCommandLine = CommandLine<TokenOptions>;

/** The text `--help` prints. */
export function tokenHelpText(): string {
  return `Usage: npm run -s token -- --name NAME [--sub ID] [--rooms 'a,team-*'] [--moderator] [--ttl 1h]

Prints one signed token (a JWT, HS256) on standard output and nothing else, for
the edge-chat page (/?room=R#token=TOKEN) or the terminal client (--token TOKEN).

Options:
  --name NAME     the display name the token signs in as (required): 1-32 letters,
                  digits, spaces, _ - or .
  --sub ID        the stable user id, 1-64 characters; default the name in lower case
  --rooms LIST    comma-separated rooms the token admits: room names, prefix* (every
                  room starting with prefix) or *; default every room
  --moderator     make the session a moderator of every room the token admits
  --ttl DURATION  how long the token is valid: a number and s, m, h or d (90s, 15m,
                  2h, 1d); default 1h
  -h, --help      show this help

The secret is AUTH_SECRET from the environment or, failing that, from .dev.vars in
the current directory (the project folder under npm run); see .dev.vars.example.

Exit status: 0 printed a token; 2 bad options, or no AUTH_SECRET to sign with.
`;
}

const TTL = /^([0-9]{1,9})([smhd])$/;
const TTL_UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 60 * 60, d: 24 * 60 * 60 };

/** Parses a duration such as `90s`, `15m`, `2h` or `1d` into seconds: at least one second. */
export function parseTtl(raw: string): { ok: true; value: number } | { ok: false; error: string } {
  const match = TTL.exec(raw.trim());
  const seconds = match ? Number(match[1]) * TTL_UNIT_SECONDS[match[2]!]! : 0;
  if (seconds < 1) {
    return {
      ok: false,
      error: `expected --ttl to be a number and a unit, s, m, h or d (90s, 15m, 2h, 1d), got ${JSON.stringify(raw)}`,
    };
  }
  return { ok: true, value: seconds };
}

/** Parses `--rooms`: comma-separated room names, `prefix*` patterns or `*`, spaces around each ignored. */
export function parseRooms(raw: string): { ok: true; value: string[] } | { ok: false; error: string } {
  const entries = raw.split(",").map((entry) => entry.trim());
  if (entries.some((entry) => entry === "")) {
    return {
      ok: false,
      error: `expected --rooms to list rooms separated by commas, got an empty entry in ${JSON.stringify(raw)}`,
    };
  }
  for (const entry of entries) {
    if (!checkRoomPattern(entry).ok) {
      return {
        ok: false,
        error: `--rooms holds ${JSON.stringify(entry)}, which is no room name (1-64 of A-Z a-z 0-9 _ -), no such name followed by *, and not *`,
      };
    }
  }
  return { ok: true, value: entries };
}

/** Reads `argv` (without node and the script) into what to sign. */
export function parseTokenCommandLine(argv: readonly string[]): ParsedTokenCommandLine {
  const read = readOptions(argv, {
    name: { type: "string" },
    sub: { type: "string" },
    rooms: { type: "string" },
    moderator: { type: "boolean", default: false },
    ttl: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  });
  if (read.kind === "usage-error") return read;
  const { values } = read;
  if (values.help) return { kind: "help", text: tokenHelpText() };

  if (values.name === undefined) return { kind: "usage-error", message: "--name is required: the name to sign in as" };
  const name = checkName(values.name);
  if (!name.ok) return { kind: "usage-error", message: `--name: ${name.error}` };
  if (name.value === "")
    return { kind: "usage-error", message: "--name is empty: a token needs a name of 1–32 characters" };

  // Lower case, so that `--name Alice` and `--name alice` sign in the same user by default.
  const sub = checkUserId(values.sub ?? name.value.toLowerCase());
  if (!sub.ok) return { kind: "usage-error", message: `--sub: ${sub.error}` };

  let rooms: string[] | undefined;
  if (values.rooms !== undefined) {
    const parsed = parseRooms(values.rooms);
    if (!parsed.ok) return { kind: "usage-error", message: parsed.error };
    rooms = parsed.value;
  }

  let ttlSeconds = DEFAULT_TTL_SECONDS;
  if (values.ttl !== undefined) {
    const parsed = parseTtl(values.ttl);
    if (!parsed.ok) return { kind: "usage-error", message: parsed.error };
    ttlSeconds = parsed.value;
  }

  return { kind: "run", options: { name: name.value, sub: sub.value, rooms, moderator: values.moderator, ttlSeconds } };
}
