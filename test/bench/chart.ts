// Draws the benchmark's chart: p99 latency against offered deliveries/s, one line per
// contender, from the --find-max steps (median p99 of the rounds at each offered load).
// Plain SVG text, so the benchmark needs no plotting library.

import type { RunResult } from "./load.ts";
import { spread } from "../support/stats.ts";

const COLOURS: Record<string, string> = {
  chatroom: "#d9480f",
  "chatroom-batch": "#9c36b5",
  bare: "#1971c2",
  node: "#2f9e44",
};
const WIDTH = 720;
const HEIGHT = 420;
const PAD = { left: 64, right: 130, top: 36, bottom: 52 };

/** The SVG document for `steps` measured at `clients` clients; a dashed line marks `budgetMs`. */
export function writeChart(steps: RunResult[], clients: number, budgetMs: number): string {
  const byContender = Map.groupBy(steps, (r) => r.contender);
  const series = [...byContender].map(([name, results]) => ({
    name,
    points: [...Map.groupBy(results, (r) => r.offeredPerSec)]
      .map(([offered, rs]) => ({ x: offered, y: spread(rs.map((r) => r.latencyMs.p99)).median }))
      .sort((a, b) => a.x - b.x),
  }));
  const xMax = Math.max(...steps.map((r) => r.offeredPerSec)) * 1.05;
  const yMax = budgetMs * 4; // beyond a few times the budget the shape no longer matters
  const px = (x: number) => round(PAD.left + (x / xMax) * (WIDTH - PAD.left - PAD.right));
  const py = (y: number) => round(HEIGHT - PAD.bottom - (Math.min(y, yMax) / yMax) * (HEIGHT - PAD.top - PAD.bottom));
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = (yMax / 4) * i;
    parts.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`);
    parts.push(`<text x="${PAD.left - 8}" y="${py(y) + 4}" text-anchor="end">${y}</text>`);
  }
  const xTick = niceStep(xMax / 6);
  for (let x = 0; x <= xMax; x += xTick) {
    parts.push(`<text x="${px(x)}" y="${HEIGHT - PAD.bottom + 18}" text-anchor="middle">${x / 1000}k</text>`);
  }
  parts.push(
    `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${py(budgetMs)}" y2="${py(budgetMs)}" stroke="#888" stroke-dasharray="6 4"/>`,
    `<text x="${WIDTH - PAD.right + 6}" y="${py(budgetMs) + 4}" fill="#888">${budgetMs} ms</text>`,
  );
  series.forEach(({ name, points }, i) => {
    const colour = COLOURS[name] ?? "#000";
    const path = points.map((p) => `${px(p.x)},${py(p.y)}`).join(" ");
    parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of points) parts.push(`<circle cx="${px(p.x)}" cy="${py(p.y)}" r="3" fill="${colour}"/>`);
    parts.push(`<text x="${WIDTH - PAD.right + 6}" y="${PAD.top + 16 + i * 18}" fill="${colour}">${name}</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${PAD.left}" y="20" font-size="14">p99 send-to-recipient latency (ms) vs offered deliveries/s, one room of ${clients} clients</text>`,
    ...parts,
    `<text x="${(PAD.left + WIDTH - PAD.right) / 2}" y="${HEIGHT - 12}" text-anchor="middle">offered deliveries/s (messages/s × clients); p99 capped at ${yMax} ms</text>`,
    `</svg>`,
    "",
  ].join("\n");
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw)!;
}
