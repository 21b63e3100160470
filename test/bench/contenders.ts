// Starts the three contenders: the product's ChatRoom under `wrangler dev`, the bare Durable
// Object relay under a second `wrangler dev`, and the plain Node relay as its own process.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort, startDevServer } from "../support/dev-server.ts";
import type { Contender } from "./load.ts";
import { commandOf, processTree } from "./processes.ts";

/** A started contender. */
export interface Running {
  contender: Contender;
  stop(): Promise<void>;
}

/** The ChatRoom at `url`, or under a new `wrangler dev` with `vars` when no URL is given. */
export async function startChatRoom(url: string | undefined, vars: Record<string, string | number>): Promise<Running> {
  // Without a process to watch, CPU and memory figures come out as NaN.
  if (url !== undefined)
    return { contender: { name: "chatroom", url, json: true, cpuPids: [], memoryPid: 0 }, stop: async () => {} };
  const server = await startDevServer({ vars });
  return { contender: wranglerContender("chatroom", server.url, server.process.pid!, true), stop: () => server.stop() };
}

/** The bare relay of bare-relay/worker.ts under its own `wrangler dev`. */
export async function startBareRelay(): Promise<Running> {
  const server = await startDevServer({ config: fileURLToPath(new URL("bare-relay/wrangler.toml", import.meta.url)) });
  return { contender: wranglerContender("bare", server.url, server.process.pid!, false), stop: () => server.stop() };
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
  };
}

function wranglerContender(name: string, url: string, pid: number, json: boolean): Contender {
  const cpuPids = processTree(pid);
  const workerd = cpuPids.find((p) => commandOf(p) === "workerd");
  if (workerd === undefined) throw new Error(`no workerd process found below wrangler (pid ${pid})`);
  return { name, url, json, cpuPids, memoryPid: workerd };
}
