// `--echo`: talks to the service's /echo route, which sends every frame back unchanged. In a
// terminal each typed line is sent and its echo printed; from a pipe every input line is sent
// and the process ends once each has come back. It is a probe, so it does not reconnect.

import { createInterface } from "node:readline";
import type WebSocket from "ws";
import { parseInput } from "../client/commands.ts";
import { socketUrl } from "../client/socket-url.ts";
import { closeOutcome, ExitCode, type ExitStatus } from "./exit-code.ts";
import { paint, printable } from "./format.ts";
import type { Io } from "./io.ts";
import { NodeSocketOpener } from "./node-socket.ts";
import { PromptScreen } from "./prompt-screen.ts";

/** Runs the echo client; resolves with the exit status. */
export function runEcho(baseUrl: string, interactive: boolean, io: Io): Promise<ExitStatus> {
  return new Promise((resolve) => {
    const sockets = new NodeSocketOpener();
    const url = socketUrl(baseUrl, "/echo");
    const socket: WebSocket = sockets.open(url.href);
    const show = io.output.isTTY ? printable : (text: string) => text;
    let opened = false;
    let finished = false;
    let inputEnded = false;
    let outstanding = 0;
    let screen: PromptScreen | null = null;
    let rl: ReturnType<typeof createInterface> | null = null;

    socket.on("open", () => {
      opened = true;
      rl = createInterface({ input: io.input, output: interactive ? io.output : undefined, terminal: interactive });
      if (interactive) {
        screen = new PromptScreen(rl, io.output);
        screen.setPrompt(`${paint("echo", 1, io.output.hasColors?.() ?? false)}> `);
        screen.print(`-- connected to ${url.href}; every line comes back as sent (/quit leaves)`);
        screen.show();
      }
      rl.on("line", (line) => {
        if (finished) return;
        if (interactive) {
          screen!.eraseEntered(line);
          const entry = parseInput(line, "terminal");
          if (entry.kind === "quit") return finish(ExitCode.ok);
          if (entry.kind === "help")
            screen!.print("-- every line you type is sent to /echo and printed when it comes back; /quit leaves");
          else if (entry.kind !== "blank") send(entry.kind === "send" ? entry.text : line);
          screen!.show();
        } else {
          send(line);
        }
      });
      rl.on("close", () => {
        inputEnded = true;
        if (interactive || outstanding === 0) finish(ExitCode.ok);
      });
    });

    socket.on("message", (data, isBinary) => {
      const text = isBinary ? `(${(data as Buffer).length} binary bytes)` : String(data);
      outstanding--;
      if (screen) screen.print(show(text));
      else io.output.write(`${show(text)}\n`);
      if (inputEnded && outstanding === 0) finish(ExitCode.ok);
    });

    socket.on("close", (code, reason) => {
      if (finished) return;
      if (!opened) return fail(ExitCode.failed, `cannot reach ${baseUrl}: ${sockets.lastError ?? "no answer"}`);
      const outcome = closeOutcome(code, String(reason));
      fail(outcome.status, outcome.message);
    });

    function send(text: string): void {
      outstanding++;
      socket.send(text);
    }

    function fail(status: ExitStatus, message: string): void {
      screen?.hide();
      io.errors.write(`edge-chat: ${message}\n`);
      finish(status);
    }

    function finish(code: ExitStatus): void {
      if (finished) return;
      finished = true;
      screen?.hide();
      rl?.close();
      socket.close(1000, "bye");
      resolve(code);
    }
  });
}
