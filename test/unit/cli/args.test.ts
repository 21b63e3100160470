import { describe, expect, test } from "vitest";
import { DEFAULT_URL, helpText, parseCommandLine, type ParsedCommandLine } from "../../../src/cli/args.ts";

/** The options a command line runs with; fails the test when it does not run. */
function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseCommandLine(argv, env);
  if (parsed.kind !== "run") throw new Error(`expected options, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

function usageError(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const parsed: ParsedCommandLine = parseCommandLine(argv, env);
  if (parsed.kind !== "usage-error") throw new Error(`expected a usage error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe("parseCommandLine", () => {
  test("with nothing given: the local service, room main, a guest name, the server's history", () => {
    expect(run([])).toEqual({ url: DEFAULT_URL, room: "main", name: "", history: undefined, echo: false, token: "" });
    expect(DEFAULT_URL).toBe("http://localhost:8787");
  });

  test("takes every option", () => {
    expect(run(["--url", "https://chat.example.dev", "--room", "lobby", "--name", "Zoë", "--history", "20"])).toEqual({
      url: "https://chat.example.dev",
      room: "lobby",
      name: "Zoë",
      history: 20,
      echo: false,
      token: "",
    });
    expect(run(["--url=wss://a.test", "--history=0"])).toMatchObject({ url: "wss://a.test", history: 0 });
  });

  test("$CHAT_URL is the default URL, and --url wins over it; an empty $CHAT_URL counts as unset", () => {
    expect(run([], { CHAT_URL: "https://from-env.test" }).url).toBe("https://from-env.test");
    expect(run(["--url", "http://flag.test"], { CHAT_URL: "https://from-env.test" }).url).toBe("http://flag.test");
    expect(run([], { CHAT_URL: "" }).url).toBe(DEFAULT_URL);
  });

  test("--token, else $CHAT_TOKEN, is the token; the flag wins", () => {
    expect(run(["--token", "a.b.c"]).token).toBe("a.b.c");
    expect(run([], { CHAT_TOKEN: "x.y.z" }).token).toBe("x.y.z");
    expect(run(["--token", "a.b.c"], { CHAT_TOKEN: "x.y.z" }).token).toBe("a.b.c");
  });

  test("--help and -h ask for the help text", () => {
    for (const flag of ["--help", "-h"]) {
      const parsed = parseCommandLine([flag], {});
      expect(parsed.kind).toBe("help");
      if (parsed.kind === "help") expect(parsed.text).toBe(helpText());
    }
  });

  test("refuses unknown options and stray arguments, on one line", () => {
    for (const argv of [["--colour"], ["lobby"], ["--room"]]) {
      const message = usageError(argv);
      expect(message).not.toContain("\n");
      expect(message.length).toBeGreaterThan(0);
    }
  });

  test("refuses a URL that is not one, or not http(s) or ws(s), quoting it", () => {
    expect(usageError(["--url", "localhost:8787"])).toContain('"localhost:8787"');
    expect(usageError(["--url", "not a url"])).toContain("to be a URL");
    expect(usageError([], { CHAT_URL: "ftp://a.test" })).toContain("http, https, ws or wss");
  });

  test("refuses a --history that is not a whole number", () => {
    for (const history of ["-1", "lots", "1.5"]) expect(usageError(["--history", history])).toContain("--history");
  });

  test("--echo talks to /echo, so it refuses the room's options, naming them", () => {
    expect(run(["--echo"]).echo).toBe(true);
    const message = usageError(["--echo", "--room", "lobby", "--name", "bob"]);
    expect(message).toContain("--room");
    expect(message).toContain("--name");
    expect(message).not.toContain("--history");
  });
});

describe("helpText", () => {
  test("names every option and the exit statuses", () => {
    const text = helpText();
    for (const option of ["--url", "--room", "--name", "--history", "--echo", "--help", "Exit status"]) {
      expect(text).toContain(option);
    }
  });
});
