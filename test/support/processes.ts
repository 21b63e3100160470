// CPU time and memory of a server's process tree, read from /proc (Linux only): wrangler runs
// workerd as a descendant, and the benchmark charges both to the contender they serve; the
// fault tests and the soak watch workerd's memory.

import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { DevServer } from "./dev-server.ts";

const TICKS_PER_SECOND = 100; // USER_HZ, which Linux fixes at 100 for /proc/<pid>/stat.

/** `pid` and every process below it. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat === null) continue;
    const list = parents.get(stat.ppid) ?? [];
    list.push(Number(entry));
    parents.set(stat.ppid, list);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]!) ?? []));
  return tree;
}

/**
 * What `pid` is, for the CPU split: wrangler dev runs two workerd processes, one serving the
 * dev port through wrangler's proxy Worker, and one running the Worker itself on a port that
 * miniflare picks (`entry=127.0.0.1:0`).
 */
export function roleOf(pid: number): string {
  const comm = readStat(pid)?.comm ?? "?";
  if (comm !== "workerd") return comm;
  return commandLine(pid).includes("--socket-addr=entry=127.0.0.1:0") ? "workerd" : "workerd-proxy";
}

/** The TCP ports `pid` listens on, from its socket inodes and /proc/net/tcp. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of safeList(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match !== null) inodes.add(match[1]!);
    } catch {}
  }
  const ports: number[] = [];
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    // Field 3 is the state (0A: listening), field 9 the socket's inode.
    if (fields[3] === "0A" && inodes.has(fields[9]!)) ports.push(parseInt(fields[1]!.split(":")[1]!, 16));
  }
  return ports;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** User plus system CPU seconds `pid` has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  const stat = readStat(pid);
  return stat === null ? 0 : (stat.utime + stat.stime) / TICKS_PER_SECOND;
}

/** Resident memory of `pid`, in bytes (0 once it is gone). */
export function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Resident memory, in KiB, of the workerd processes below a dev server's wrangler: it runs two,
 * a front proxy on the public port and the runtime that hosts the Worker and its Durable
 * Objects, and either may be the one that buffers.
 */
export function workerdRssKiB(server: Pick<DevServer, "process">): number {
  const rootPid = server.process.pid!;
  const workerds = processTree(rootPid).filter((pid) => readStat(pid)?.comm.startsWith("workerd"));
  if (workerds.length === 0) throw new Error(`no workerd process below pid ${rootPid}`);
  return workerds.reduce((sum, pid) => sum + rssBytes(pid), 0) / 1024;
}

function readStat(pid: number): { comm: string; ppid: number; utime: number; stime: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name is in parentheses and may itself hold spaces or parentheses.
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  return {
    comm: text.slice(text.indexOf("(") + 1, close),
    ppid: Number(fields[1]),
    utime: Number(fields[11]),
    stime: Number(fields[12]),
  };
}
