// Reconnect delays for every edge-chat client. A deploy drops every socket of a room at once;
// growing, capped and jittered delays keep the clients from all coming back in one instant.

/** How long to wait before reconnect attempt `attempt` (0 for the first retry), in milliseconds. */
export function reconnectDelay(attempt: number, random: () => number = Math.random, floorMs = 0): number {
  const baseMs = 500;
  const capMs = 30_000;
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  // "Equal jitter": at least half the ceiling, so retries still spread out but never hammer.
  return Math.max(floorMs, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}

/** Whole seconds left until `retryAt`, at least 1, for a "reconnecting in N s" line. */
export function secondsUntil(retryAt: number, now: number = Date.now()): number {
  return Math.max(1, Math.ceil((retryAt - now) / 1000));
}
