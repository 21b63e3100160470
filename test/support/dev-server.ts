// Starts a real `wrangler dev` on free local ports for end-to-end tests, the benchmark and the
// soak, and stops it again. Every caller talks to the same thing a user gets from `npm start`.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TEST_ADMIN_TOKEN, TEST_SECRET } from "./tokens.ts";

/** The project's root folder. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WRANGLER = join(PROJECT_ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/**
 * The auth settings every test server starts with, whatever the developer's .dev.vars holds:
 * open mode, the test secret (tokens from tokens.ts verify) and the test admin token.
 */
export const TEST_AUTH_VARS: Readonly<Record<string, string>> = {
  AUTH_MODE: "open",
  AUTH_SECRET: TEST_SECRET,
  AUTH_SECRET_PREVIOUS: "",
  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
};

/** A running `wrangler dev`. */
export interface DevServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The state folder given to `--persist-to`, reusable by the next start. */
  readonly persistTo: string;
  readonly process: ChildProcess;
  /** Everything wrangler and the Worker printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Options for {@link startDevServer}. */
export interface DevServerOptions {
  /** Reuse a state folder (to test restarts); a new temporary one by default. */
  persistTo?: string;
  /** `[vars]` overrides, passed as `--var KEY:VALUE`; those of {@link TEST_AUTH_VARS} replace its values. */
  vars?: Record<string, string | number>;
  /** Listen on this port instead of a free one (a restart that clients reconnect to). */
  port?: number;
  timeoutMs?: number;
  /** A wrangler config other than the project's wrangler.toml (the benchmark's bare relay). */
  config?: string;
}

/** Asks the OS for a port nobody listens on. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Starts `wrangler dev` and resolves once `/healthz` answers. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  // A free port can be taken by another process between the OS naming it and wrangler binding it
  // (test files start their servers in parallel): fresh ports then, unless the port was asked for.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      const taken = error instanceof Error && error.message.includes("Address already in use");
      if (!taken || options.port !== undefined || attempt === 3) throw error;
    }
  }
}

async function startOnce(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const inspectorPort = await freePort();
  const persistTo = options.persistTo ?? mkdtempSync(join(tmpdir(), "edge-chat-state-"));
  const given = Object.entries(options.vars ?? {});
  const vars = given
    .filter(([key]) => !(key in TEST_AUTH_VARS))
    .flatMap(([key, value]) => ["--var", `${key}:${value}`]);
  const envFile = writeAuthEnvFile({
    ...TEST_AUTH_VARS,
    ...Object.fromEntries(given.filter(([key]) => key in TEST_AUTH_VARS)),
  });
  const child = spawn(
    process.execPath,
    [
      WRANGLER,
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      persistTo,
      "--show-interactive-dev-session=false",
      "--live-reload=false",
      ...(options.config === undefined ? [] : ["--config", options.config]),
      // An env file of its own means wrangler reads no .dev.vars, and its entries count as
      // secrets, which wrangler's bindings table shows as "(hidden)" where a --var shows its value.
      "--env-file",
      envFile,
      ...vars,
    ],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        CI: "true",
        FORCE_COLOR: "0",
        // Only the env file counts: not a .env, nor an AUTH_SECRET exported in the shell.
        CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true",
        CLOUDFLARE_INCLUDE_PROCESS_ENV: "false",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const server: DevServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    persistTo,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // wrangler starts workerd as a child: signal the whole group so nothing is left listening.
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        return;
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {}
      }, 5_000);
      await exited;
      clearTimeout(killer);
      await waitUntilClosed(port);
    },
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`wrangler dev exited with code ${child.exitCode} before serving:\n${output}`);
    }
    try {
      const response = await fetch(`${server.url}/healthz`);
      if (response.ok) return server;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await server.stop();
  throw new Error(`wrangler dev did not answer /healthz on port ${port} in time:\n${output}`);
}

/** Throws when the dev server's output shows an uncaught exception from the Worker or a room. */
export function assertNoUncaught(server: DevServer): void {
  const output = server.output();
  const line = output.split("\n").find((text) => /uncaught|unhandled/i.test(text));
  if (line !== undefined) {
    throw new Error(`wrangler dev logged an uncaught error: ${line}\n---\n${output.slice(-4000)}`);
  }
}

async function waitUntilClosed(port: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Writes the auth settings as a dotenv file in a new temporary folder; returns its path. */
function writeAuthEnvFile(values: Record<string, string | number>): string {
  const path = join(mkdtempSync(join(tmpdir(), "edge-chat-env-")), "test.env");
  const lines = Object.entries(values).map(([key, value]) => `${key}=${JSON.stringify(String(value))}`);
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
  return path;
}
