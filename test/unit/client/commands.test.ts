import { describe, expect, test } from "vitest";
import {
  COMMANDS,
  DEFAULT_BAN_MINUTES,
  helpLines,
  isMessageDraft,
  parseInput,
  splitWords,
} from "../../../src/client/commands.ts";

const onPage = (input: string) => parseInput(input, "page");
const inTerminal = (input: string) => parseInput(input, "terminal");

/** The sentence of a refused line, failing if the line was not refused. */
function problemOf(input: string, client: "page" | "terminal" = "page"): string {
  const action = parseInput(input, client);
  if (action.kind !== "problem") throw new Error(`expected ${JSON.stringify(input)} to be refused, got ${action.kind}`);
  return action.message;
}

describe("lines that are not commands", () => {
  test("a line that does not start with / is a message, sent as typed", () => {
    for (const client of ["page", "terminal"] as const) {
      expect(parseInput("hello", client)).toEqual({ kind: "send", text: "hello" });
      expect(parseInput("  spaced  ", client)).toEqual({ kind: "send", text: "  spaced  " });
      expect(parseInput("a/b", client)).toEqual({ kind: "send", text: "a/b" });
      expect(parseInput(" /kick bob", client)).toEqual({ kind: "send", text: " /kick bob" });
    }
  });

  test("a blank line is nothing", () => {
    for (const line of ["", "   ", "\t", "\n"]) expect(onPage(line)).toEqual({ kind: "blank" });
  });

  test("// sends the line with one slash less", () => {
    expect(onPage("//kick bob")).toEqual({ kind: "send", text: "/kick bob" });
    expect(inTerminal("///")).toEqual({ kind: "send", text: "//" });
  });
});

describe("commands both clients take", () => {
  test("/who and /help, in any case, with their aliases", () => {
    expect(onPage("/who")).toEqual({ kind: "who" });
    expect(inTerminal("/WHO")).toEqual({ kind: "who" });
    expect(onPage("/help")).toEqual({ kind: "help" });
    expect(onPage("/?")).toEqual({ kind: "help" });
  });

  test("/kick NAME asks the room to kick that name", () => {
    expect(onPage("/kick bob")).toEqual({
      kind: "moderate",
      request: { type: "kick", name: "bob" },
      done: "asked to remove bob",
    });
  });

  test("a name with spaces goes in double quotes, and an unquoted one is refused with a hint", () => {
    expect(onPage('/kick "Anna Lee"')).toMatchObject({ request: { type: "kick", name: "Anna Lee" } });
    expect(problemOf("/kick Anna Lee")).toMatch(/double quotes/);
    expect(problemOf('/kick "Anna Lee')).toMatch(/quote is missing/);
  });

  test("a name that nobody can have is refused before anything is sent", () => {
    expect(problemOf("/kick <script>")).toMatch(/not a name anyone can have/);
    expect(problemOf('/kick ""')).toMatch(/empty/);
    expect(problemOf("/kick")).toBe("Use /kick NAME.");
  });

  test(`/ban NAME bans for ${DEFAULT_BAN_MINUTES} minutes; minutes and a reason may follow`, () => {
    expect(onPage("/ban bob")).toEqual({
      kind: "moderate",
      request: { type: "ban", name: "bob", seconds: DEFAULT_BAN_MINUTES * 60 },
      done: "asked to ban bob for 1 hour",
    });
    expect(onPage("/ban bob 10 spamming   links")).toEqual({
      kind: "moderate",
      request: { type: "ban", name: "bob", seconds: 600, reason: "spamming links" },
      done: "asked to ban bob for 10 minutes",
    });
    expect(onPage('/ban "Anna Lee" being rude')).toMatchObject({
      request: { type: "ban", name: "Anna Lee", seconds: 3600, reason: "being rude" },
    });
    expect(onPage("/ban bob 2880")).toMatchObject({ done: "asked to ban bob for 2 days" });
  });

  test("/ban refuses lengths outside 1 minute to 30 days, and over-long reasons", () => {
    expect(problemOf("/ban bob 0")).toMatch(/from 1 to 43200 minutes/);
    expect(problemOf("/ban bob 43201")).toMatch(/30 days/);
    expect(onPage("/ban bob 43200")).toMatchObject({ request: { seconds: 30 * 24 * 3600 } });
    expect(problemOf(`/ban bob 5 ${"x".repeat(201)}`)).toMatch(/at most 200 characters/);
  });

  test("/unban NAME lifts a ban", () => {
    expect(onPage("/unban bob")).toMatchObject({ request: { type: "unban", name: "bob" } });
  });

  test("/slow SECONDS sets slow mode, 0 turns it off, and anything else is refused", () => {
    expect(onPage("/slow 30")).toEqual({
      kind: "moderate",
      request: { type: "settings", slowMode: 30 },
      done: "asked for slow mode of 30 s",
    });
    expect(onPage("/slow 0")).toMatchObject({ request: { slowMode: 0 }, done: "asked to turn slow mode off" });
    for (const bad of ["/slow", "/slow fast", "/slow -1", "/slow 1.5", "/slow 3 4"]) {
      expect(problemOf(bad)).toMatch(/Use \/slow SECONDS/);
    }
    expect(problemOf("/slow 3601")).toMatch(/at most 3600 seconds/);
  });

  test("/readonly on|off", () => {
    expect(onPage("/readonly on")).toMatchObject({ request: { type: "settings", readOnly: true } });
    expect(onPage("/readonly OFF")).toMatchObject({ request: { type: "settings", readOnly: false } });
    expect(problemOf("/readonly")).toBe("Use /readonly on or /readonly off.");
    expect(problemOf("/readonly yes")).toBe("Use /readonly on or /readonly off.");
  });

  test("an unknown command is named in a sentence, not sent", () => {
    expect(problemOf("/shrug ok")).toMatch(/^\/shrug is not a command; \/help lists them/);
    expect(problemOf("/")).toMatch(/^\/ is not a command/);
  });
});

describe("the terminal's own commands", () => {
  test("/delete ID, /ids on|off and /quit work in the terminal", () => {
    expect(inTerminal("/delete 42")).toEqual({
      kind: "moderate",
      request: { type: "delete", target: 42 },
      done: "asked to delete message 42",
    });
    expect(inTerminal("/ids on")).toEqual({ kind: "ids", on: true });
    expect(inTerminal("/ids off")).toEqual({ kind: "ids", on: false });
    expect(inTerminal("/quit now")).toEqual({ kind: "quit" });
    expect(inTerminal("/exit")).toEqual({ kind: "quit" });
    expect(problemOf("/delete 0", "terminal")).toMatch(/Use \/delete ID/);
    expect(problemOf("/delete x", "terminal")).toMatch(/Use \/delete ID/);
  });

  test("on the page they are refused, pointing to what works there", () => {
    expect(problemOf("/delete 3")).toBe("/delete does not work here: use the message's Delete button.");
    expect(problemOf("/ids on")).toMatch(/terminal client/);
    expect(problemOf("/quit")).toMatch(/terminal client/);
  });
});

describe("help and word splitting", () => {
  test("each client's help lists exactly its commands, moderators' ones marked", () => {
    const page = helpLines("page").join("\n");
    const terminal = helpLines("terminal").join("\n");
    for (const command of COMMANDS) {
      expect(terminal).toContain(command.usage);
      expect(page.includes(command.usage)).toBe(command.clients.includes("page"));
    }
    expect(page).toMatch(/\/kick NAME .*\(moderators\)/);
    expect(page).toContain("//");
  });

  test("splits at white space, keeping quoted words whole", () => {
    expect(splitWords('  /ban  "Anna  Lee"\t5 why ')).toEqual({ ok: true, value: ["/ban", "Anna  Lee", "5", "why"] });
  });
});

describe("isMessageDraft", () => {
  test("a half-typed message counts as typing; a command or a blank field does not", () => {
    expect(isMessageDraft("hel")).toBe(true);
    expect(isMessageDraft("//sla")).toBe(true);
    expect(isMessageDraft("/ki")).toBe(false);
    expect(isMessageDraft("   ")).toBe(false);
  });
});
