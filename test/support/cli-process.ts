// Runs the terminal client (src/cli/chat.ts) as a real child process for the end-to-end tests:
// standard input from a string or a pipe the test writes to, everything printed kept, and
// waits that fail loudly with what the process printed so far.

import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "./dev-server.ts";

/** The client's entry point. */
export const CLI_ENTRY = join(PROJECT_ROOT, "src", "cli", "chat.ts");

/** How a client process ended and what it printed. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  elapsedMs: number;
}

/** A running client process. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has exited; rejects (and kills it) after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<CliResult>;
  /** Stops the process if it still runs. */
  kill(): void;
}

/** Options for {@link spawnCli}. */
export interface SpawnCliOptions {
  /** Written to standard input, which is then closed; leave out to write to `child.stdin` yourself. */
  input?: string;
  env?: Record<string, string>;
  /** Run another command line instead of `node chat.ts` (e.g. `npm run -s chat --`), followed by `args`. */
  command?: readonly string[];
}

/** Starts the client with `args`, its standard input a pipe (so it runs in pipe mode). */
export function spawnCli(args: readonly string[], options: SpawnCliOptions = {}): CliProcess {
  const [program, ...prefix] = options.command ?? [process.execPath, CLI_ENTRY];
  const started = performance.now();
  const child = spawn(program!, [...prefix, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  // The client may exit before reading all its input; that is its business, not a test crash.
  child.stdin!.on("error", () => {});
  if (options.input !== undefined) child.stdin!.end(options.input);

  const exit = new Promise<CliResult>((resolve) => {
    child.once("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - started }),
    );
  });

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited(timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(
            new Error(
              `the client (${args.join(" ")}) did not exit within ${timeoutMs} ms\n--- stdout\n${stdout.slice(-2000)}\n--- stderr\n${stderr.slice(-2000)}`,
            ),
          );
        }, timeoutMs);
        void exit.then((result) => {
          clearTimeout(timer);
          resolve(result);
        });
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** Runs the client to its end with `input` on standard input. */
export async function runCli(
  args: readonly string[],
  input: string,
  options: Omit<SpawnCliOptions, "input"> & { timeoutMs?: number } = {},
): Promise<CliResult> {
  const cli = spawnCli(args, { ...options, input });
  try {
    return await cli.exited(options.timeoutMs);
  } finally {
    cli.kill();
  }
}
