import { describe, expect, test } from "vitest";
import { clock, nameColour, paint, printable } from "../../../src/cli/format.ts";

describe("printable", () => {
  test("turns escape and other control characters into visible stand-ins", () => {
    expect(printable("\x1b[2J\x1b[Hgotcha")).toBe("^[[2J^[[Hgotcha");
    expect(printable("bell\x07 del\x7f")).toBe("bell^G del^?");
    expect(printable("c1\x9b")).toBe("c1<U+009B>");
  });

  test("keeps newlines, tabs and every printable character", () => {
    expect(printable("one\n\ttwo · 李 😀")).toBe("one\n\ttwo · 李 😀");
  });
});

describe("paint", () => {
  test("wraps text in SGR codes only when colour is on", () => {
    expect(paint("hi", 31, true)).toBe("\x1b[31mhi\x1b[0m");
    expect(paint("hi", "1;34", true)).toBe("\x1b[1;34mhi\x1b[0m");
    expect(paint("hi", 31, false)).toBe("hi");
  });
});

describe("nameColour", () => {
  test("gives a name the same colour every time, from a palette without yellow, white or grey", () => {
    expect(nameColour("alice")).toBe(nameColour("alice"));
    const colours = new Set(["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"].map(nameColour));
    expect(colours.size).toBeGreaterThan(3);
    for (const colour of colours) expect([33, 37, 90, 93, 97]).not.toContain(colour);
  });
});

describe("clock", () => {
  test("is HH:MM in local time, zero-padded", () => {
    const at = new Date(2024, 0, 2, 7, 5, 59).getTime();
    expect(clock(at)).toBe("07:05");
    expect(clock(new Date(2024, 0, 2, 23, 59).getTime())).toBe("23:59");
  });
});
