import { describe, expect, test } from "vitest";
import { parseEntry, TERMINAL_HELP } from "../../../src/cli/terminal-commands.ts";

describe("parseEntry", () => {
  test("a line that is not a command is a message, sent as typed", () => {
    expect(parseEntry("hello")).toEqual({ kind: "send", text: "hello" });
    expect(parseEntry("  spaced  ")).toEqual({ kind: "send", text: "  spaced  " });
    expect(parseEntry("a/b")).toEqual({ kind: "send", text: "a/b" });
  });

  test("a blank line is nothing", () => {
    for (const line of ["", "   ", "\t"]) expect(parseEntry(line)).toEqual({ kind: "blank" });
  });

  test("knows /who, /help, /quit and their aliases, in any case and with trailing words", () => {
    expect(parseEntry("/who")).toEqual({ kind: "who" });
    expect(parseEntry("/WHO")).toEqual({ kind: "who" });
    expect(parseEntry("/help")).toEqual({ kind: "help" });
    expect(parseEntry("/?")).toEqual({ kind: "help" });
    expect(parseEntry("/quit now")).toEqual({ kind: "quit" });
    expect(parseEntry("/exit")).toEqual({ kind: "quit" });
  });

  test("// sends the line with one slash less", () => {
    expect(parseEntry("//who")).toEqual({ kind: "send", text: "/who" });
    expect(parseEntry("///")).toEqual({ kind: "send", text: "//" });
  });

  test("an unknown command is named, not sent", () => {
    expect(parseEntry("/shrug ok")).toEqual({ kind: "unknown", command: "/shrug" });
    expect(parseEntry("/")).toEqual({ kind: "unknown", command: "/" });
  });

  test("the help names every command", () => {
    for (const command of ["/who", "/help", "/quit", "//"]) expect(TERMINAL_HELP).toContain(command);
  });
});
