// The terminal client's entry point as a real process (node src/cli/chat.ts): it reads the
// command line and the environment, picks the mode from its standard streams (pipes here), and
// exits with the mode's status. The room and the echo route are scripted on local ports.

import { describe, expect, test } from "vitest";
import { helpText } from "../../../src/cli/args.ts";
import { runCli } from "../../support/cli-process.ts";
import { playRoom, scriptedRooms } from "../../support/scripted-room.ts";

const server = scriptedRooms();

/** No URL or token from the environment the tests run in. */
const CLEAN_ENV = { CHAT_URL: "", CHAT_TOKEN: "" };

describe("edge-chat", () => {
  test("--help prints the help and exits 0", async () => {
    const result = await runCli(["--help"], "", { env: CLEAN_ENV });
    expect(result).toMatchObject({ code: 0, stdout: helpText(), stderr: "" });
  });

  test("a bad command line is named in one line on standard error, pointing at --help, with exit 2", async () => {
    const result = await runCli(["--history", "lots"], "", { env: CLEAN_ENV });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'edge-chat: --history must be a whole number written in digits, got "lots" (see --help)\n',
    );
  });

  test("with standard input a pipe it sends the lines to the room from $CHAT_URL and prints what comes back", async () => {
    const room = await server((visit) => playRoom(visit, "robot"));
    const result = await runCli(["--room", "lobby", "--name", "robot"], "ping\npong\n", {
      env: { ...CLEAN_ENV, CHAT_URL: room.url },
    });
    expect(result).toMatchObject({
      code: 0,
      stdout: "robot joined the chat!\nfrom robot: ping\nfrom robot: pong\n",
      stderr: "",
    });
    expect(room.visits[0]!.path).toBe("/chat/lobby");
    expect(room.visits[0]!.params.get("name")).toBe("robot");
  });

  test("a token goes in the Authorization header, never in the URL", async () => {
    const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl";
    const room = await server((visit) => playRoom(visit, "u1"));
    const result = await runCli(["--url", room.url], "", { env: { ...CLEAN_ENV, CHAT_TOKEN: token } });
    expect(result.code).toBe(0);
    const [visit] = room.visits;
    expect(visit!.headers.authorization).toBe(`Bearer ${token}`);
    expect([...visit!.params.values()]).not.toContain(token);
  });

  test("--echo sends each line to /echo and prints it as it comes back", async () => {
    const echo = await server((visit) => visit.socket.on("message", (data) => visit.socket.send(String(data))));
    const result = await runCli(["--echo", "--url", echo.url], "hello\nworld\n", { env: CLEAN_ENV });
    expect(result).toMatchObject({ code: 0, stdout: "hello\nworld\n", stderr: "" });
    expect(echo.visits[0]!.path).toBe("/echo");
  });
});
