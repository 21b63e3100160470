import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { secondsUntil } from "../../../src/client/backoff.ts";
import { Countdown, COUNTDOWN_TICK_MS } from "../../../src/web/countdown.ts";

beforeEach(() => {
  vi.useFakeTimers({ now: 100_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("Countdown", () => {
  test("draws at once, then a few times a second, marking only the first draw", () => {
    const draws: [number, boolean][] = [];
    const countdown = new Countdown();
    countdown.start((now, first) => draws.push([now, first]));
    expect(draws).toEqual([[100_000, true]]);
    vi.advanceTimersByTime(3 * COUNTDOWN_TICK_MS);
    expect(draws.map(([, first]) => first)).toEqual([true, false, false, false]);
    expect(draws.map(([now]) => now - 100_000)).toEqual([0, 250, 500, 750]);
    countdown.stop();
  });

  test("counts a 3-second wait down to the second it ends", () => {
    const retryAt = Date.now() + 3_000;
    const shown: number[] = [];
    const countdown = new Countdown();
    countdown.start((now) => shown.push(secondsUntil(retryAt, now)));
    vi.advanceTimersByTime(3_000);
    countdown.stop();
    expect([...new Set(shown)]).toEqual([3, 2, 1]);
  });

  test("stops drawing once stopped, and a new start replaces the running one", () => {
    const first: number[] = [];
    const second: number[] = [];
    const countdown = new Countdown();
    countdown.start((now) => first.push(now));
    countdown.start((now) => second.push(now));
    vi.advanceTimersByTime(COUNTDOWN_TICK_MS);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);
    countdown.stop();
    countdown.stop();
    vi.advanceTimersByTime(10 * COUNTDOWN_TICK_MS);
    expect(second).toHaveLength(2);
  });
});
