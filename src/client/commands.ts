// The one table of slash commands that the page's Message field and the terminal's prompt both
// understand (SPEC.md "Clients"): what each command is called, where it works, how its
// arguments read and what it asks for. It knows no DOM and no Node API; each client carries
// out the action it returns. A name with spaces goes in double quotes: /kick "Anna Lee".

import { MAX_BAN_SECONDS, MAX_SLOW_MODE_SECONDS } from "../shared/protocol.ts";
import { BAN_REASON_MAX_LENGTH } from "../shared/requests.ts";
import { checkName } from "../shared/rules.ts";
import type { ModerationRequest } from "./sender.ts";

/** Which client reads the input. */
export type CommandClient = "page" | "terminal";

/** What an entered line asks for. */
export type CommandAction =
  | { kind: "blank" }
  | { kind: "send"; text: string }
  /** `done` says in words what was asked, for the client to confirm. */
  | { kind: "moderate"; request: ModerationRequest; done: string }
  | { kind: "who" }
  | { kind: "help" }
  | { kind: "quit" }
  | { kind: "ids"; on: boolean }
  /** Nothing is sent: `message` is a sentence saying what was wrong. */
  | { kind: "problem"; message: string };

/** One slash command. */
export interface Command {
  /** `/kick`, lower case. */
  name: string;
  aliases?: readonly string[];
  /** How to type it: `/kick NAME`. */
  usage: string;
  summary: string;
  /** Only for moderators (the room refuses it from anyone else). */
  moderator?: true;
  clients: readonly CommandClient[];
  /** Reads the words after the command. */
  parse(words: string[]): CommandAction;
}

/** How long `/ban NAME` bans for when no minutes are given. */
export const DEFAULT_BAN_MINUTES = 60;

const BOTH: readonly CommandClient[] = ["page", "terminal"];
const TERMINAL: readonly CommandClient[] = ["terminal"];

/** Every command, in the order `/help` lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: "/who",
    usage: "/who",
    summary: "who is in the room",
    clients: BOTH,
    parse: () => ({ kind: "who" }),
  },
  {
    name: "/help",
    aliases: ["/?"],
    usage: "/help",
    summary: "this list",
    clients: BOTH,
    parse: () => ({ kind: "help" }),
  },
  nameCommand(
    "kick",
    "remove everyone of that name from the room (they may come back)",
    (name) => `asked to remove ${name}`,
  ),
  {
    name: "/ban",
    usage: `/ban NAME [minutes] [reason]`,
    summary: `remove and keep out that name (${DEFAULT_BAN_MINUTES} minutes unless told)`,
    moderator: true,
    clients: BOTH,
    parse(words) {
      const usage = "/ban NAME [minutes] [reason]";
      const [target, second, ...rest] = words;
      const name = nameArgument(usage, target === undefined ? [] : [target], 1);
      if (!name.ok) return name.problem;
      let minutes = DEFAULT_BAN_MINUTES;
      let reasonWords = second === undefined ? [] : [second, ...rest];
      if (second !== undefined && /^[0-9]+$/.test(second)) {
        minutes = Number(second);
        reasonWords = rest;
        const most = MAX_BAN_SECONDS / 60;
        if (minutes < 1 || minutes > most) {
          return problem(`A ban lasts from 1 to ${most} minutes (30 days), not ${second}.`);
        }
      }
      const reason = reasonWords.join(" ").trim();
      if (reason.length > BAN_REASON_MAX_LENGTH) {
        return problem(`A ban's reason is at most ${BAN_REASON_MAX_LENGTH} characters; this one has ${reason.length}.`);
      }
      const seconds = minutes * 60;
      const request: ModerationRequest =
        reason === "" ? { type: "ban", name: name.value, seconds } : { type: "ban", name: name.value, seconds, reason };
      return { kind: "moderate", request, done: `asked to ban ${name.value} for ${minutesText(minutes)}` };
    },
  },
  nameCommand("unban", "lift the ban of that name", (name) => `asked to lift the ban of ${name}`),
  {
    name: "/slow",
    usage: "/slow SECONDS",
    summary: "one message per person every SECONDS (0 turns slow mode off)",
    moderator: true,
    clients: BOTH,
    parse(words) {
      const [seconds, extra] = words;
      if (seconds === undefined || extra !== undefined || !/^[0-9]+$/.test(seconds)) {
        return problem("Use /slow SECONDS, for example /slow 30; /slow 0 turns slow mode off.");
      }
      const value = Number(seconds);
      if (value > MAX_SLOW_MODE_SECONDS) {
        return problem(`Slow mode is at most ${MAX_SLOW_MODE_SECONDS} seconds (an hour), not ${seconds}.`);
      }
      const done = value === 0 ? "asked to turn slow mode off" : `asked for slow mode of ${value} s`;
      return { kind: "moderate", request: { type: "settings", slowMode: value }, done };
    },
  },
  {
    name: "/readonly",
    usage: "/readonly on|off",
    summary: "let only moderators post, or everyone again",
    moderator: true,
    clients: BOTH,
    parse(words) {
      const on = onOff(words);
      if (on === null) return problem("Use /readonly on or /readonly off.");
      const done = on ? "asked to make the room read-only" : "asked to let everyone post again";
      return { kind: "moderate", request: { type: "settings", readOnly: on }, done };
    },
  },
  {
    name: "/delete",
    usage: "/delete ID",
    summary: "delete message ID (moderators: any; verified authors: their own)",
    clients: TERMINAL,
    parse(words) {
      const [id, extra] = words;
      if (id === undefined || extra !== undefined || !/^[0-9]+$/.test(id) || Number(id) < 1) {
        return problem("Use /delete ID, with the message's number (/ids on shows them).");
      }
      return {
        kind: "moderate",
        request: { type: "delete", target: Number(id) },
        done: `asked to delete message ${id}`,
      };
    },
  },
  {
    name: "/ids",
    usage: "/ids on|off",
    summary: "show message numbers (for /delete)",
    clients: TERMINAL,
    parse(words) {
      const on = onOff(words);
      return on === null ? problem("Use /ids on or /ids off.") : { kind: "ids", on };
    },
  },
  {
    name: "/quit",
    aliases: ["/exit"],
    usage: "/quit",
    summary: "leave (Ctrl-D and Ctrl-C too)",
    clients: TERMINAL,
    parse: () => ({ kind: "quit" }),
  },
];

/**
 * Reads one entered line for `client`: `//text` sends `/text`, `/word …` is a command, anything
 * else that is not blank is a message, sent as typed.
 */
export function parseInput(input: string, client: CommandClient): CommandAction {
  if (input.trim() === "") return { kind: "blank" };
  if (input.startsWith("//")) return { kind: "send", text: input.slice(1) };
  if (!input.startsWith("/")) return { kind: "send", text: input };
  const words = splitWords(input);
  if (!words.ok) return problem(words.error);
  const [typed = "/", ...args] = words.value;
  const name = typed.toLowerCase();
  const command = COMMANDS.find((each) => each.name === name || each.aliases?.includes(name));
  if (command === undefined) {
    return problem(`${typed} is not a command; /help lists them (start with // to send a line that begins with /).`);
  }
  if (!command.clients.includes(client)) {
    const instead = command.name === "/delete" ? " use the message's Delete button" : " it is for the terminal client";
    return problem(`${command.name} does not work here:${instead}.`);
  }
  return command.parse(args);
}

/** The lines `/help` shows for `client`. */
export function helpLines(client: CommandClient): string[] {
  const commands = COMMANDS.filter((command) => command.clients.includes(client));
  const width = Math.max(...commands.map((command) => command.usage.length));
  return [
    "Type a message and press Enter to send it. Commands:",
    ...commands.map(
      (command) => `  ${command.usage.padEnd(width)}  ${command.summary}${command.moderator ? " (moderators)" : ""}`,
    ),
    'A name with spaces goes in double quotes: /kick "Anna Lee". A line starting with // sends the same line with one / less.',
  ];
}

/**
 * Splits a command line into words at white space; a word in double quotes may hold spaces
 * (names may: "Anna Lee"). Quotes cannot be nested or escaped, as no name holds a quote.
 */
export function splitWords(input: string): { ok: true; value: string[] } | { ok: false; error: string } {
  const words: string[] = [];
  const pattern = /"([^"]*)"|(\S+)/g;
  for (const match of input.trim().matchAll(pattern)) {
    const [whole, quoted, bare] = match;
    if (bare !== undefined && bare.includes('"')) {
      return {
        ok: false,
        error: `A quote is missing: put a name with spaces in a pair of double quotes, not ${whole}.`,
      };
    }
    words.push(quoted ?? bare ?? "");
  }
  return { ok: true, value: words };
}

/** A moderator's command that asks for `type` of the one NAME it takes: `/kick NAME`, `/unban NAME`. */
function nameCommand(type: "kick" | "unban", summary: string, done: (name: string) => string): Command {
  const usage = `/${type} NAME`;
  return {
    name: `/${type}`,
    usage,
    summary,
    moderator: true,
    clients: BOTH,
    parse(words) {
      const name = nameArgument(usage, words, 1);
      if (!name.ok) return name.problem;
      return { kind: "moderate", request: { type, name: name.value }, done: done(name.value) };
    },
  };
}

function nameArgument(
  usage: string,
  words: string[],
  count: number,
): { ok: true; value: string } | { ok: false; problem: CommandAction } {
  const [raw] = words;
  if (raw === undefined || words.length > count) {
    const hint = words.length > count ? ' (put a name with spaces in double quotes: "Anna Lee")' : "";
    return { ok: false, problem: problem(`Use ${usage}${hint}.`) };
  }
  const checked = checkName(raw);
  if (!checked.ok || checked.value === "") {
    const why = checked.ok ? "it is empty" : checked.error;
    return { ok: false, problem: problem(`${JSON.stringify(raw)} is not a name anyone can have: ${why}.`) };
  }
  return { ok: true, value: checked.value };
}

function onOff(words: string[]): boolean | null {
  if (words.length !== 1) return null;
  const word = words[0]!.toLowerCase();
  return word === "on" ? true : word === "off" ? false : null;
}

function minutesText(minutes: number): string {
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)} day${minutes === 24 * 60 ? "" : "s"}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? "" : "s"}`;
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function problem(message: string): CommandAction {
  return { kind: "problem", message };
}

/** Whether a half-typed `input` is a message (so the others may hear that this person types), not a command or nothing. */
export function isMessageDraft(input: string): boolean {
  return input.trim() !== "" && (!input.startsWith("/") || input.startsWith("//"));
}
