import { describe, expect, test } from "vitest";
import { reconnectDelay, secondsUntil } from "../../../src/client/backoff.ts";

describe("reconnectDelay", () => {
  test("grows with each attempt, from about half a second", () => {
    const middle = () => 0.5;
    const delays = [0, 1, 2, 3, 4].map((attempt) => reconnectDelay(attempt, middle));
    expect(delays).toEqual([375, 750, 1500, 3000, 6000]);
  });

  test("is capped at 30 s however many attempts failed", () => {
    for (const attempt of [6, 10, 50, 10_000]) {
      expect(reconnectDelay(attempt, () => 1)).toBe(30_000);
      expect(reconnectDelay(attempt, () => 0)).toBe(15_000);
    }
  });

  test("spreads clients out: the jitter spans the upper half of each ceiling", () => {
    expect(reconnectDelay(3, () => 0)).toBe(2_000);
    expect(reconnectDelay(3, () => 0.999_999)).toBe(4_000);
    // Real randomness gives different delays to different clients.
    const delays = new Set(Array.from({ length: 50 }, () => reconnectDelay(5)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(8_000);
  });

  test("never goes below a floor the caller asks for (a full room asks for patience)", () => {
    expect(reconnectDelay(0, () => 0, 5_000)).toBe(5_000);
    expect(reconnectDelay(6, () => 1, 5_000)).toBe(30_000);
  });
});

describe("secondsUntil", () => {
  test("rounds up to whole seconds", () => {
    expect(secondsUntil(10_000, 7_001)).toBe(3);
    expect(secondsUntil(10_000, 7_000)).toBe(3);
    expect(secondsUntil(10_000, 6_999)).toBe(4);
  });

  test("says at least 1, even when the moment has passed", () => {
    expect(secondsUntil(10_000, 9_999)).toBe(1);
    expect(secondsUntil(10_000, 20_000)).toBe(1);
  });
});
