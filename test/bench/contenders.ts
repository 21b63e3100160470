// Starts the three contenders: the product's ChatRoom under `wrangler dev`, the bare Durable
// Object relay under a second `wrangler dev`, and the plain Node relay as its own process.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort, startDevServer } from "../support/dev-server.ts";
import type { Contender } from "./load.ts";
import { listeningPorts, processTree, roleOf } from "../support/processes.ts";

/** A started contender. */
export interface Running {
  contender: Contender;
  stop(): Promise<void>;
  /** Whether wrangler rebuilt the Worker (a source file changed) since it started, spoiling the run. */
  reloaded(): boolean;
}

/** The ChatRoom at `url`, or under a new `wrangler dev` with `vars` when no URL is given; `direct`: see {@link wranglerContender}. */
export async function startChatRoom(
  url: string | undefined,
  vars: Record<string, string | number>,
  direct: boolean,
): Promise<Running> {
  // Without a process to watch, CPU and memory figures come out as NaN.
  if (url !== undefined)
    return {
      contender: { name: "chatroom", url, json: true, cpuPids: [], memoryPid: 0 },
      stop: async () => {},
      reloaded: () => false,
    };
  const server = await startDevServer({ vars });
  return {
    contender: await wranglerContender("chatroom", server.url, server.process.pid!, true, direct),
    stop: () => server.stop(),
    reloaded: () => server.output().includes("Reloading local server"),
  };
}

/** The bare relay of bare-relay/worker.ts under its own `wrangler dev`. */
export async function startBareRelay(direct: boolean): Promise<Running> {
  const server = await startDevServer({ config: fileURLToPath(new URL("bare-relay/wrangler.toml", import.meta.url)) });
  return {
    contender: await wranglerContender("bare", server.url, server.process.pid!, false, direct),
    stop: () => server.stop(),
    reloaded: () => server.output().includes("Reloading local server"),
  };
}

/** The Node relay of node-relay.ts, in a process of its own. */
export async function startNodeRelay(): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [fileURLToPath(new URL("node-relay.ts", import.meta.url)), String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the Node relay exited with code ${code} before listening`)));
    child.stdout!.once("data", () => resolve());
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    contender: {
      name: "node",
      url: `http://127.0.0.1:${port}`,
      json: false,
      cpuPids: [child.pid!],
      memoryPid: child.pid!,
    },
    async stop() {
      child.kill();
      await exited;
    },
    reloaded: () => false,
  };
}

/**
 * A contender under `wrangler dev`. With `direct`, clients connect straight to the workerd that
 * runs the Worker, skipping the proxy Worker that wrangler puts in front of it on the dev port.
 */
async function wranglerContender(
  name: string,
  url: string,
  pid: number,
  json: boolean,
  direct: boolean,
): Promise<Contender> {
  const cpuPids = processTree(pid);
  const workerd = cpuPids.find((p) => roleOf(p) === "workerd");
  if (workerd === undefined) throw new Error(`no workerd process found below wrangler (pid ${pid})`);
  if (!direct) return { name, url, json, cpuPids, memoryPid: workerd };
  for (const port of listeningPorts(workerd)) {
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
    if (answer?.ok && (await answer.text()) === "ok") {
      return { name, url: `http://127.0.0.1:${port}`, json, cpuPids, memoryPid: workerd };
    }
  }
  throw new Error(`none of the ports workerd (pid ${pid}) listens on answers /healthz`);
}
