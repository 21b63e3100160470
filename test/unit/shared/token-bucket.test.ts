import { describe, expect, test } from "vitest";
import { fullBucket, takeTokens, waitForTokens } from "../../../src/shared/token-bucket.ts";

const rate = { capacity: 3, perSecond: 2 };

describe("the token bucket", () => {
  test("a full bucket lets a burst of its capacity through at once, and no more", () => {
    const bucket = fullBucket(rate.capacity, 0);
    expect([1, 2, 3, 4].map(() => takeTokens(bucket, 1, rate, 0))).toEqual([true, true, true, false]);
  });

  test("refills at its rate, never above its capacity", () => {
    const bucket = fullBucket(rate.capacity, 0);
    for (let i = 0; i < 3; i++) takeTokens(bucket, 1, rate, 0);
    // Half a second at 2 a second is one token.
    expect(takeTokens(bucket, 1, rate, 499)).toBe(false);
    expect(takeTokens(bucket, 1, rate, 500)).toBe(true);
    // A long pause refills only to the capacity.
    expect([1, 2, 3, 4].map(() => takeTokens(bucket, 1, rate, 60_000))).toEqual([true, true, true, false]);
  });

  test("says how long to wait for the next token, and takes nothing while it must wait", () => {
    const bucket = fullBucket(rate.capacity, 0);
    for (let i = 0; i < 3; i++) expect(waitForTokens(bucket, 1, rate, 0)).toBe(0);
    expect(waitForTokens(bucket, 1, rate, 0)).toBe(500);
    expect(waitForTokens(bucket, 1, rate, 200)).toBe(300);
    expect(waitForTokens(bucket, 1, rate, 500)).toBe(0);
    expect(waitForTokens(bucket, 1, rate, 500)).toBe(500);
  });

  test("paces a long run of sends to its rate after the first burst", () => {
    const pace = { capacity: 20, perSecond: 5 };
    const bucket = fullBucket(pace.capacity, 0);
    const sentAt: number[] = [];
    let now = 0;
    while (sentAt.length < 30) {
      const wait = waitForTokens(bucket, 1, pace, now);
      if (wait === 0) sentAt.push(now);
      else now += wait;
    }
    expect(sentAt.slice(0, 20).every((at) => at === 0)).toBe(true);
    // The ten after the burst go one every 200 ms.
    expect(sentAt.slice(20)).toEqual([200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000]);
  });

  test("a clock that steps back refills nothing", () => {
    const bucket = fullBucket(1, 1_000);
    expect(takeTokens(bucket, 1, { capacity: 1, perSecond: 1 }, 1_000)).toBe(true);
    expect(takeTokens(bucket, 1, { capacity: 1, perSecond: 1 }, 0)).toBe(false);
  });

  test("is plain data, so it survives structured cloning (the hibernation attachment)", () => {
    const bucket = fullBucket(rate.capacity, 0);
    takeTokens(bucket, 1, rate, 0);
    const copy = structuredClone(bucket);
    expect(copy).toEqual(bucket);
    expect(takeTokens(copy, 2, rate, 0)).toBe(true);
    expect(takeTokens(copy, 1, rate, 0)).toBe(false);
  });
});
