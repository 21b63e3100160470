import { describe, expect, test } from "vitest";
import { displayRows, displayWidth } from "../../../src/cli/display-width.ts";

describe("displayWidth", () => {
  test("counts one column per ordinary character", () => {
    expect(displayWidth("")).toBe(0);
    expect(displayWidth("main> hello")).toBe(11);
    expect(displayWidth("Zoë")).toBe(3);
  });

  test("counts two columns for wide East Asian characters and emoji", () => {
    expect(displayWidth("李小龙")).toBe(6);
    expect(displayWidth("한국어")).toBe(6);
    expect(displayWidth("ｈｉ")).toBe(4);
    expect(displayWidth("ok 😀")).toBe(5);
  });

  test("counts nothing for escape sequences, control characters and combining marks", () => {
    expect(displayWidth("\x1b[1;31malice\x1b[0m")).toBe(5);
    expect(displayWidth("a\u0301")).toBe(1);
    expect(displayWidth("a\u200bb")).toBe(2);
    expect(displayWidth("\x07\x7f\x85")).toBe(0);
  });
});

describe("displayRows", () => {
  test("says how many rows a text fills once it wraps, at least one", () => {
    expect(displayRows("", 80)).toBe(1);
    expect(displayRows("x".repeat(80), 80)).toBe(1);
    expect(displayRows("x".repeat(81), 80)).toBe(2);
    expect(displayRows("李".repeat(41), 80)).toBe(2);
  });

  test("survives a terminal that reports no width", () => {
    expect(displayRows("abc", 0)).toBe(3);
  });
});
