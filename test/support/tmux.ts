// A real pseudo-terminal for end-to-end tests of interactive programs: each session runs on a
// tmux server of its own (`-L`), so tests never see or touch anyone else's tmux. Keys go in
// with `send-keys`, the screen comes back with `capture-pane`.

import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { promisify } from "node:util";
import { waitUntil } from "./wait.ts";

const run = promisify(execFile);

/** Options for {@link startTmux}. */
export interface TmuxOptions {
  columns?: number;
  rows?: number;
  env?: Record<string, string>;
  cwd?: string;
}

/** One tmux session running one command. */
export interface TmuxSession {
  /** Types `text` literally (no key names are interpreted). */
  type(text: string): Promise<void>;
  /** Presses named keys: `Enter`, `C-c`, `C-a` … */
  press(...keys: string[]): Promise<void>;
  /** Types `text` and presses Enter, as a person sends a line or a command. */
  typeLine(text: string): Promise<void>;
  /** The visible screen, one string per row, trailing blank rows dropped; `withEscapes` keeps colours as SGR sequences. */
  screen(withEscapes?: boolean): Promise<string[]>;
  /** Waits until `ready(screen)` is true; fails with the last screen after `timeoutMs`. */
  waitForScreen(what: string, ready: (rows: string[]) => boolean, timeoutMs?: number): Promise<string[]>;
  /** Ends the session and its tmux server. */
  kill(): Promise<void>;
}

/** Quotes `word` for the POSIX shell that tmux runs the command with. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Starts `command` in a detached tmux session of the given size. When the command ends, the
 * pane prints `[exited CODE]` and stays, so a test can read the exit status on screen.
 */
export async function startTmux(command: readonly string[], options: TmuxOptions = {}): Promise<TmuxSession> {
  const socket = `edge-chat-test-${crypto.randomUUID().slice(0, 8)}`;
  const tmux = (...args: string[]) =>
    run("tmux", ["-u", "-L", socket, "-f", "/dev/null", ...args], { timeout: 10_000 });
  const shell = `${command.map(shellQuote).join(" ")}; echo "[exited $?]"; sleep 3600`;
  await run(
    "tmux",
    [
      // UTF-8 whatever the locale, so names like zoë read back as typed.
      "-u",
      "-L",
      socket,
      "-f",
      "/dev/null",
      "new-session",
      "-d",
      "-s",
      "test",
      "-x",
      String(options.columns ?? 100),
      "-y",
      String(options.rows ?? 30),
      shell,
    ],
    { env: { ...process.env, ...options.env }, cwd: options.cwd, timeout: 10_000 },
  );

  // kill-server leaves the socket file behind; it is removed by path after the server ends.
  const { stdout: socketPath } = await tmux("display-message", "-p", "-t", "test", "#{socket_path}");

  const session: TmuxSession = {
    async type(text) {
      await tmux("send-keys", "-t", "test", "-l", text);
    },
    async press(...keys) {
      await tmux("send-keys", "-t", "test", ...keys);
    },
    async typeLine(text) {
      await session.type(text);
      await session.press("Enter");
    },
    async screen(withEscapes = false) {
      const { stdout } = await tmux("capture-pane", "-p", ...(withEscapes ? ["-e"] : []), "-t", "test");
      const rows = stdout.split("\n");
      while (rows.length > 0 && rows[rows.length - 1]!.trim() === "") rows.pop();
      return rows;
    },
    async waitForScreen(what, ready, timeoutMs = 10_000) {
      let rows: string[] = [];
      const check = async () => {
        rows = await session.screen();
        return ready(rows) || `the screen:\n${rows.join("\n")}`;
      };
      await waitUntil(`the terminal to show ${what}`, check, timeoutMs);
      return rows;
    },
    async kill() {
      await tmux("kill-server").catch(() => {});
      rmSync(socketPath.trim(), { force: true });
    },
  };
  return session;
}
