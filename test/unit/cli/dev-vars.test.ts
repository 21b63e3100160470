import { describe, expect, it } from "vitest";
import { parseDotEnv } from "../../../src/cli/dev-vars.ts";

describe("reading .dev.vars as wrangler does", () => {
  it("reads KEY=VALUE lines, skipping comments and blank lines", () => {
    const values = parseDotEnv("# a comment\n\nA=1\n  B = two words  \nexport C=3\n");
    expect(Object.fromEntries(values)).toEqual({ A: "1", B: "two words", C: "3" });
  });

  it("ends an unquoted value at #", () => {
    expect(parseDotEnv("A=abc # note\nB=x#y\n").get("A")).toBe("abc");
    expect(parseDotEnv("B=x#y\n").get("B")).toBe("x");
  });

  it("keeps quoted values as written, # and spaces included", () => {
    const values = parseDotEnv(`A="a # b "  # comment\nB='c "d"'\nC=\`e\`\n`);
    expect(Object.fromEntries(values)).toEqual({ A: "a # b ", B: 'c "d"', C: "e" });
  });

  it("turns \\n into a line break in double quotes only", () => {
    const values = parseDotEnv("A=\"one\\ntwo\"\nB='one\\ntwo'\n");
    expect(values.get("A")).toBe("one\ntwo");
    expect(values.get("B")).toBe("one\\ntwo");
  });

  it("reads a quoted value over several lines", () => {
    expect(parseDotEnv('A="line 1\nline 2"\nB=after\n')).toEqual(
      new Map([
        ["A", "line 1\nline 2"],
        ["B", "after"],
      ]),
    );
  });

  it("reads Windows line ends, empty values, and lets a later line win", () => {
    const values = parseDotEnv("A=\r\nB=1\r\nB=2\r\n");
    expect(Object.fromEntries(values)).toEqual({ A: "", B: "2" });
  });

  it("ignores lines that are no assignment", () => {
    expect(parseDotEnv("just words\n=value\nA B=1\n").size).toBe(0);
  });
});
