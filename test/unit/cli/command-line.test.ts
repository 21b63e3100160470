// The strict option reading every command line shares: known options read, unknown, malformed
// or positional arguments refused in one line.

import { describe, expect, test } from "vitest";
import { readOptions } from "../../../src/cli/command-line.ts";

const options = {
  room: { type: "string" },
  echo: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

describe("readOptions", () => {
  test("reads long, short and --opt=value forms, with defaults for what is not given", () => {
    expect(readOptions(["--room", "lobby", "-h"], options)).toEqual({
      kind: "values",
      values: { room: "lobby", echo: false, help: true },
    });
    expect(readOptions(["--room=a=b"], options)).toEqual({
      kind: "values",
      values: { room: "a=b", echo: false, help: false },
    });
    expect(readOptions([], options)).toEqual({ kind: "values", values: { echo: false, help: false } });
  });

  test("does not change the argv it is given", () => {
    const argv = ["--echo"];
    readOptions(argv, options);
    expect(argv).toEqual(["--echo"]);
  });

  test("refuses an unknown option, naming it", () => {
    const read = readOptions(["--rooom", "x"], options);
    expect(read.kind).toBe("usage-error");
    if (read.kind === "usage-error") expect(read.message).toContain("--rooom");
  });

  test("refuses a positional argument", () => {
    const read = readOptions(["lobby"], options);
    expect(read.kind).toBe("usage-error");
    if (read.kind === "usage-error") expect(read.message).toContain("lobby");
  });

  test("refuses a string option without its value, and a value given to a boolean", () => {
    expect(readOptions(["--room"], options).kind).toBe("usage-error");
    expect(readOptions(["--echo=yes"], options).kind).toBe("usage-error");
  });

  test("reports every usage error on one line", () => {
    for (const argv of [["--rooom"], ["lobby"], ["--room"], ["--echo=yes"], ["-x"]]) {
      const read = readOptions(argv, options);
      expect(read.kind).toBe("usage-error");
      if (read.kind === "usage-error") {
        expect(read.message).not.toMatch(/\n/);
        expect(read.message.length).toBeGreaterThan(0);
      }
    }
  });
});
