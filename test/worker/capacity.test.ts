import { describe, expect, it } from "vitest";
import { Capacity } from "../../src/worker/room/capacity.ts";

/** Runs `flushes` flushes `everyMs` apart of `deliveries` each, all of them behind (lag 100 ms). */
function saturate(capacity: Capacity, start: number, flushes: number, deliveries: number, everyMs: number): number {
  let now = start;
  for (let i = 0; i < flushes; i++) {
    capacity.accepted(deliveries);
    now += everyMs;
    capacity.flushed({ deliveries, messageDeliveries: deliveries, oldestAt: now - 100 }, now);
  }
  return now;
}

describe("the room's capacity", () => {
  it("refuses nothing before it has ever been behind", () => {
    const capacity = new Capacity(2_000);
    expect(capacity.admits(1_000_000, 0)).toBe(true);
    expect(capacity.costMs).toBeNull();
  });

  it("measures the cost of a delivery from flushes that were behind, not from idle gaps", () => {
    const capacity = new Capacity(2_000);
    capacity.accepted(100);
    capacity.flushed({ deliveries: 100, messageDeliveries: 100, oldestAt: 0 }, 1); // keeping up
    capacity.accepted(5_000);
    capacity.flushed({ deliveries: 5_000, messageDeliveries: 5_000, oldestAt: 9_000 }, 10_000); // behind after an idle spell: no sample
    expect(capacity.costMs).toBeNull();
    saturate(capacity, 10_000, 5, 10_000, 500);
    expect(capacity.costMs).toBeCloseTo(0.05, 5);
  });

  it("admits a burst that clears within MAX_BACKLOG_MS whole, and refuses a sustained excess", () => {
    const capacity = new Capacity(2_000);
    // 0.05 ms a delivery: 40 000 deliveries are 2 s of work.
    let now = saturate(capacity, 0, 3, 10_000, 500);
    now += 10_000; // a quiet spell refills the bucket
    capacity.accepted(1);
    capacity.flushed({ deliveries: 1, messageDeliveries: 1, oldestAt: now }, now);
    const burst = Array.from({ length: 150 }, () => capacity.admits(200, now)); // 30 000 deliveries
    expect(burst.every(Boolean)).toBe(true);
    // Then far more than the measured rate, for seconds: most is refused.
    let admitted = 0;
    let offered = 0;
    for (let t = 0; t < 5_000; t += 10) {
      for (let k = 0; k < 10; k++, offered++) if (capacity.admits(200, now + t)) admitted++;
    }
    expect(admitted).toBeLessThan(offered / 2);
  });

  it("takes no sample from small flushes or flushes of joins and welcomes", () => {
    const capacity = new Capacity(2_000);
    let now = 0;
    for (let i = 0; i < 10; i++) {
      now += 500;
      capacity.accepted(5_000);
      capacity.flushed({ deliveries: 5_000, messageDeliveries: 100, oldestAt: now - 100 }, now);
      now += 500;
      capacity.accepted(500);
      capacity.flushed({ deliveries: 500, messageDeliveries: 500, oldestAt: now - 100 }, now);
    }
    expect(capacity.costMs).toBeNull();
  });

  it("halves its allowance while it stays saturated and grows it back while it keeps up", () => {
    const capacity = new Capacity(2_000);
    let now = saturate(capacity, 0, 20, 10_000, 500); // 10 s saturated
    // Drained: the bucket is empty, so what it admits over the next second is its allowance.
    while (capacity.admits(100, now)) {}
    const admittedIn = (ms: number) => {
      let count = 0;
      for (let t = 0; t < ms; t += 10) while (capacity.admits(100, now + t)) count += 100;
      now += ms;
      return count;
    };
    const low = admittedIn(1_000);
    // Ten seconds of flushes that keep up.
    for (let i = 0; i < 100; i++) {
      now += 100;
      capacity.accepted(10);
      capacity.flushed({ deliveries: 10, messageDeliveries: 10, oldestAt: now - 1 }, now);
    }
    while (capacity.admits(100, now)) {}
    const recovered = admittedIn(1_000);
    expect(recovered).toBeGreaterThan(low * 4);
  });
});
