// `npm run bench`: measures how many deliveries one chat room fans out, at what latency and
// CPU cost, against two baselines run on the same machine in the same run (a bare Durable
// Object relay and a plain Node relay), interleaved and repeated so that figures are ratios.
// Options: see USAGE below. Results go to stdout, and as JSON to bench-results/.

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../support/dev-server.ts";
import { writeChart } from "./chart.ts";
import { startBareRelay, startChatRoom, startNodeRelay, type Running } from "./contenders.ts";
import { openRoom, type FillResult, type RunResult } from "./load.ts";
import { spread } from "../support/stats.ts";

const USAGE = `npm run bench -- [options]
  --clients 10,100,500,1000   room sizes measured at each fixed load
  --load 5000                 offered deliveries/s (messages/s x clients), comma-separated
  --senders 10                clients that send
  --seconds 5                 sending time per measurement
  --repeat 3                  rounds; contenders are interleaved within each round
  --contenders chatroom,bare,node   (also: chatroom-batch, clients opted into batched frames)
  --find-max                  also step the load up at --max-clients to find the highest
                              deliveries/s with p99 <= 100 ms and nothing lost
  --max-clients 100  --start-rate 4000  --step 1.2
  --url URL                   measure a ChatRoom already running there (no CPU/memory figures)
  --connect-rate 100          connects per second; 0: as fast as joins complete, --connect-concurrency at a time
  --connect-concurrency 50    joins in flight at once with --connect-rate 0
  --join-only                 only fill each room and report what joining cost (time to the last
                              welcome, join p50/p99, frames, CPU and memory per session), no messages
  --shard-sessions N          the ChatRoom's SHARD_SESSIONS (sessions per Durable Object; shipped 1000)
  --presence-limit N          the ChatRoom's PRESENCE_LIMIT (past it, presence summaries; shipped 100)
  --history 50                messages in the room before the clients join
  --no-matrix                 skip the fixed loads (with --find-max)
  --room-budget 0             the ChatRoom's optional fixed ROOM_DELIVERIES_PER_SEC cap (0: none, as shipped)
  --direct                    connect straight to the Worker's workerd, not through wrangler's proxy
  --recovery 0                after each fixed load, this many 1-second measurements in the same
                              room at 2 messages a second: how soon it is normal again after an overload`;

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "10,100,500,1000" },
    load: { type: "string", default: "5000" },
    senders: { type: "string", default: "10" },
    seconds: { type: "string", default: "5" },
    repeat: { type: "string", default: "3" },
    contenders: { type: "string", default: "chatroom,bare,node" },
    "find-max": { type: "boolean", default: false },
    "max-clients": { type: "string", default: "100" },
    "start-rate": { type: "string", default: "4000" },
    step: { type: "string", default: "1.2" },
    url: { type: "string" },
    "connect-rate": { type: "string", default: "100" },
    "connect-concurrency": { type: "string", default: "50" },
    "join-only": { type: "boolean", default: false },
    "shard-sessions": { type: "string" },
    "presence-limit": { type: "string" },
    history: { type: "string", default: "50" },
    "no-matrix": { type: "boolean", default: false },
    direct: { type: "boolean", default: false },
    "room-budget": { type: "string", default: "0" },
    recovery: { type: "string", default: "0" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const numbers = (list: string): number[] => list.split(",").map(Number);
const senders = Number(args.senders);
const seconds = Number(args.seconds);
const repeat = Number(args.repeat);
const P99_BUDGET_MS = 100;

// Only the per-session limit is lifted, so that a few senders can offer the load; the room's own
// admission (MAX_BACKLOG_MS) stays as shipped, and the optional fixed cap is off unless asked for.
const CHATROOM_VARS = {
  RATE_BURST: 1_000_000,
  RATE_PER_SEC: 1_000_000,
  ROOM_DELIVERIES_PER_SEC: Number(args["room-budget"]),
  ...(args["shard-sessions"] !== undefined && { SHARD_SESSIONS: Number(args["shard-sessions"]) }),
  ...(args["presence-limit"] !== undefined && { PRESENCE_LIMIT: Number(args["presence-limit"]) }),
};

const log = (line: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const starters: Record<string, () => Promise<Running>> = {
  chatroom: () => startChatRoom(args.url, CHATROOM_VARS, args.direct),
  // The same ChatRoom, its clients opted into batched frames.
  "chatroom-batch": async () => {
    const started = await startChatRoom(args.url, CHATROOM_VARS, args.direct);
    return { ...started, contender: { ...started.contender, name: "chatroom-batch", batch: true } };
  },
  bare: () => startBareRelay(args.direct),
  node: startNodeRelay,
};
const names = args.contenders.split(",");
const running: Running[] = [];
for (const name of names) {
  const start = starters[name];
  if (start === undefined)
    throw new Error(`unknown contender ${JSON.stringify(name)}: expected chatroom, chatroom-batch, bare or node`);
  log(`starting ${name}`);
  running.push(await start());
}

// Stop the servers on Ctrl-C too: wrangler runs in its own process group and would outlive us.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void Promise.all(running.map(({ stop }) => stop())).then(() => process.exit(130)));
}

const runs: RunResult[] = [];
const fills: (FillResult & { contender: string; clients: number; round: number; load1: number })[] = [];
const maxSteps: RunResult[] = [];
const maxima: { contender: string; round: number; deliveredPerSec: number }[] = [];
/** A measurement after a load, and when it ended. */
type Recovery = RunResult & { endedSecondsAfterLoad: number };
const recoveries: { contender: string; clients: number; load: number; round: number; seconds: Recovery[] }[] = [];
try {
  for (let round = 0; round < repeat; round++) {
    // Each round starts with a different contender, so that none always runs on a warmer machine.
    const order = running.map((_, i) => running[(i + round) % running.length]!);
    if (args["join-only"]) {
      for (const clients of numbers(args.clients)) {
        for (const { contender } of order) {
          log(`round ${round + 1}/${repeat}: ${contender.name}, ${clients} clients joining (load ${loadLine()})`);
          const room = await openRoom(contender, roomOptions(clients), log);
          fills.push({ ...room.fill, contender: contender.name, clients, round, load1: loadavg()[0]! });
          log(fillLine(contender.name, clients, room.fill));
          await room.close();
        }
      }
    } else if (!args["no-matrix"]) {
      for (const clients of numbers(args.clients)) {
        for (const load of numbers(args.load)) {
          for (const { contender } of order) {
            log(
              `round ${round + 1}/${repeat}: ${contender.name}, ${clients} clients, ${load} deliveries/s (load ${loadLine()})`,
            );
            const room = await openRoom(contender, roomOptions(clients), log);
            const result = await room.measure(load, seconds);
            log(summaryLine(result));
            const after: Recovery[] = [];
            const loadEnd = performance.now();
            for (let second = 0; second < Number(args.recovery); second++) {
              const measured = await room.measure(2 * clients, 1);
              after.push({ ...measured, endedSecondsAfterLoad: (performance.now() - loadEnd) / 1000 });
              log(`  then ${summaryLine(measured)}`);
            }
            await room.close();
            log(fillLine(contender.name, clients, result.fill));
            runs.push({ ...result, load1: loadavg()[0]! });
            if (after.length > 0) {
              recoveries.push({ contender: contender.name, clients, load, round, seconds: after });
              log(`${contender.name}: normal ${normalAfter(after)} after the load`);
            }
          }
        }
      }
    }
    if (args["find-max"]) {
      for (const { contender } of order) {
        log(`round ${round + 1}/${repeat}: finding ${contender.name}'s maximum at ${args["max-clients"]} clients`);
        const room = await openRoom(contender, roomOptions(Number(args["max-clients"])), log);
        // Stops after two failed steps in a row: on a shared machine one step can fail from noise.
        let best = 0;
        let failures = 0;
        for (let rate = Number(args["start-rate"]); failures < 2; rate = Math.round(rate * Number(args.step))) {
          const result = await room.measure(rate, seconds);
          log(summaryLine(result));
          maxSteps.push(result);
          if (result.latencyMs.p99 > P99_BUDGET_MS || result.lost > 0 || result.refused > 0) failures++;
          else [failures, best] = [0, Math.max(best, result.deliveredPerSec)];
        }
        await room.close();
        maxima.push({ contender: contender.name, round, deliveredPerSec: best });
        log(`${contender.name}: highest ${Math.round(best)} deliveries/s with p99 <= ${P99_BUDGET_MS} ms`);
      }
    }
  }
} finally {
  for (const { stop } of running) await stop();
}

const reloaded = running.filter((r) => r.reloaded()).map((r) => r.contender.name);
if (reloaded.length > 0)
  log(`WARNING: wrangler reloaded ${reloaded.join(", ")} during the run (a source file changed): discard it`);
const summary = summarise(runs);
const maxSummary = names.map((name) => ({
  contender: name,
  deliveredPerSec: spread(maxima.filter((m) => m.contender === name).map((m) => m.deliveredPerSec)),
}));
const machine = {
  cpus: cpus().length,
  model: cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = join(PROJECT_ROOT, "bench-results");
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `bench-${stamp}.json`);
writeFileSync(
  outFile,
  JSON.stringify(
    { date: new Date().toISOString(), machine, args, summary, maxSummary, runs, maxSteps, maxima, fills, recoveries },
    null,
    2,
  ),
);
if (maxSteps.length > 0) {
  const chartFile = join(outDir, `bench-${stamp}-p99.svg`);
  writeFileSync(chartFile, writeChart(maxSteps, Number(args["max-clients"]), P99_BUDGET_MS));
  log(`chart: ${chartFile}`);
}

console.log(
  `\n${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}; medians of ${repeat} [min–max]\n`,
);
if (runs.length > 0) console.log(table(summary));
if (fills.length > 0) console.log(fillTable());
if (maxima.length > 0) {
  console.log(
    `\nhighest deliveries/s at ${args["max-clients"]} clients with p99 <= ${P99_BUDGET_MS} ms and nothing lost:`,
  );
  for (const { contender, deliveredPerSec: d } of maxSummary) console.log(`  ${contender.padEnd(9)} ${range(d, 0)}`);
}
console.log(`\nresults: ${outFile}`);

/**
 * When the measurements after a load were normal again for good (p99 within the budget, nothing
 * lost or refused): by the end of the first of them, in seconds after the load ended.
 */
function normalAfter(after: Recovery[]): string {
  const normal = (r: Recovery) => r.latencyMs.p99 <= P99_BUDGET_MS && r.lost === 0 && r.refused === 0;
  const first = after.findIndex((_, i) => after.slice(i).every(normal));
  const last = after.at(-1)!.endedSecondsAfterLoad.toFixed(1);
  return first === -1 ? `not within ${last} s` : `within ${after[first]!.endedSecondsAfterLoad.toFixed(1)} s`;
}

function roomOptions(clients: number) {
  return {
    clients,
    senders,
    connectsPerSec: Number(args["connect-rate"]),
    connectConcurrency: Number(args["connect-concurrency"]),
    history: Number(args.history),
  };
}

/** The 1, 5 and 15 minute load averages, as `uptime` shows them. */
function loadLine(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
}

function fillLine(name: string, clients: number, f: FillResult): string {
  const by = Object.entries(f.cpuMicrosPerClientByProcess)
    .map(([role, us]) => `${role} ${Math.round(us)}`)
    .join(", ");
  return (
    `${name} ${clients} clients joined in ${f.connectSeconds.toFixed(2)} s (settled ${f.settledSeconds.toFixed(2)} s), ` +
    `${f.framesPerClient.toFixed(1)} frames/client, ${Math.round(f.cpuMicrosPerClient)} µs CPU/client (${by}), ` +
    `${(f.rssBytesPerConnection / 1024).toFixed(1)} KiB RSS/client, load ${loadLine()}`
  );
}

/** Medians and ranges of what filling each room cost, per contender and room size. */
function fillTable(): string {
  const groups = Map.groupBy(fills, (f) => `${f.contender}|${f.clients}`);
  const head = [
    "contender",
    "clients",
    "to last welcome s",
    "settled s",
    "join p50 ms",
    "join p99 ms",
    "frames/client",
    "CPU µs/client",
    "Worker µs/client",
    "proxy µs/client",
    "RSS KiB/client",
    "load (1 min)",
  ];
  const lines = [...groups.values()].map((group) => {
    const of = (pick: (f: (typeof fills)[number]) => number, digits: number) => range(spread(group.map(pick)), digits);
    return [
      group[0]!.contender,
      String(group[0]!.clients),
      of((f) => f.connectSeconds, 2),
      of((f) => f.settledSeconds, 2),
      of((f) => f.joinMs.p50, 0),
      of((f) => f.joinMs.p99, 0),
      of((f) => f.framesPerClient, 1),
      of((f) => f.cpuMicrosPerClient, 0),
      of((f) => f.cpuMicrosPerClientByProcess.workerd ?? NaN, 0),
      of((f) => f.cpuMicrosPerClientByProcess["workerd-proxy"] ?? NaN, 0),
      of((f) => f.rssBytesPerConnection / 1024, 1),
      of((f) => f.load1, 2),
    ];
  });
  return [head, head.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

function summaryLine(r: RunResult): string {
  return (
    `${r.contender} ${r.clients} clients: offered ${Math.round(r.offeredPerSec)}/s, delivered ${Math.round(r.deliveredPerSec)}/s, ` +
    `p50 ${r.latencyMs.p50.toFixed(1)} p99 ${r.latencyMs.p99.toFixed(1)} max ${r.latencyMs.max.toFixed(1)} ms, ` +
    `lost ${r.lost}, late ${r.late}, dup ${r.duplicated}, refused ${r.refused}, ${r.cpuMicrosPerDelivery.toFixed(2)} µs CPU/delivery` +
    (Object.keys(r.closedByServer).length > 0 ? `, closed by the server: ${JSON.stringify(r.closedByServer)}` : "")
  );
}

/** Medians and ranges of every figure, per contender, room size and offered load. */
function summarise(results: RunResult[]) {
  const groups = Map.groupBy(results, (r) => `${r.contender}|${r.clients}|${r.offeredPerSec}`);
  return [...groups.values()].map((group) => {
    const of = (pick: (r: RunResult) => number) => spread(group.map(pick));
    return {
      contender: group[0]!.contender,
      clients: group[0]!.clients,
      offeredPerSec: group[0]!.offeredPerSec,
      connectSeconds: of((r) => r.connectSeconds),
      joinP50Ms: of((r) => r.joinMs.p50),
      joinP99Ms: of((r) => r.joinMs.p99),
      deliveredPerSec: of((r) => r.deliveredPerSec),
      lost: of((r) => r.lost),
      late: of((r) => r.late),
      duplicated: of((r) => r.duplicated),
      refused: of((r) => r.refused),
      p50Ms: of((r) => r.latencyMs.p50),
      p90Ms: of((r) => r.latencyMs.p90),
      p99Ms: of((r) => r.latencyMs.p99),
      maxMs: of((r) => r.latencyMs.max),
      deliveriesPerFrame: of((r) => r.deliveriesPerFrame),
      cpuMicrosPerDelivery: of((r) => r.cpuMicrosPerDelivery),
      workerdCpuMicrosPerDelivery: of((r) => r.cpuMicrosByProcess.workerd ?? NaN),
      proxyCpuMicrosPerDelivery: of((r) => r.cpuMicrosByProcess["workerd-proxy"] ?? NaN),
      rssKiBPerConnection: of((r) => r.rssBytesPerConnection / 1024),
    };
  });
}

function table(rows: ReturnType<typeof summarise>): string {
  const head = [
    "contender",
    "clients",
    "offered/s",
    "delivered/s",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "max ms",
    "lost",
    "late",
    "dup",
    "deliv/frame",
    "CPU µs/deliv",
    "Worker µs/deliv",
    "proxy µs/deliv",
    "RSS KiB/conn",
    "join p50 ms",
    "connect s",
  ];
  const lines = rows.map((r) => [
    r.contender,
    String(r.clients),
    String(r.offeredPerSec),
    range(r.deliveredPerSec, 0),
    range(r.p50Ms, 1),
    range(r.p90Ms, 1),
    range(r.p99Ms, 1),
    range(r.maxMs, 1),
    range(r.lost, 0),
    range(r.late, 0),
    range(r.duplicated, 0),
    range(r.deliveriesPerFrame, 2),
    range(r.cpuMicrosPerDelivery, 2),
    range(r.workerdCpuMicrosPerDelivery, 2),
    range(r.proxyCpuMicrosPerDelivery, 2),
    range(r.rssKiBPerConnection, 0),
    range(r.joinP50Ms, 1),
    range(r.connectSeconds, 1),
  ]);
  return [head, head.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

function range(s: { median: number; min: number; max: number }, digits: number): string {
  if (Number.isNaN(s.median)) return "–";
  const f = (n: number) => n.toFixed(digits);
  return s.min === s.max ? f(s.median) : `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;
}
