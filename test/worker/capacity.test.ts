import { describe, expect, it } from "vitest";
import { Capacity } from "../../src/worker/room/capacity.ts";

/** Runs `flushes` flushes `everyMs` apart of `deliveries` each, back to back and all of them behind (lag 100 ms). */
function saturate(capacity: Capacity, start: number, flushes: number, deliveries: number, everyMs: number): number {
  let now = start;
  for (let i = 0; i < flushes; i++) {
    capacity.accepted(deliveries, now);
    now += everyMs;
    capacity.flushed(
      { deliveries, messageDeliveries: deliveries, acceptedAt: now - everyMs, oldestAt: now - 100 },
      now,
    );
  }
  return now;
}

describe("the room's capacity", () => {
  it("refuses nothing before it has ever been behind", () => {
    const capacity = new Capacity(2_000);
    expect(capacity.admits(1_000_000, 0)).toBe(true);
    expect(capacity.costMs).toBeNull();
  });

  it("refuses nothing ever with MAX_BACKLOG_MS 0, however late its probes and long its backlog", () => {
    const capacity = new Capacity(0);
    const now = saturate(capacity, 0, 20, 10_000, 500);
    for (let i = 0; i < 10; i++) capacity.probed(1_000, now + i * 50);
    capacity.accepted(1_000_000, now + 500);
    expect(capacity.admits(1_000_000, now + 500)).toBe(true);
  });

  it("measures the cost of a delivery from flushes that were behind, not from idle gaps", () => {
    const capacity = new Capacity(2_000);
    capacity.accepted(100, 0);
    capacity.flushed({ deliveries: 100, messageDeliveries: 100, acceptedAt: 0, oldestAt: 0 }, 1); // keeping up
    capacity.accepted(5_000, 9_000);
    capacity.flushed({ deliveries: 5_000, messageDeliveries: 5_000, acceptedAt: 9_000, oldestAt: 9_000 }, 10_000); // behind after an idle spell: no sample
    expect(capacity.costMs).toBeNull();
    saturate(capacity, 10_000, 5, 10_000, 500);
    expect(capacity.costMs).toBeCloseTo(0.05, 5);
  });

  it("takes two bursts seconds apart as two bursts: the quiet between them is no work and no saturated spell", () => {
    const capacity = new Capacity(2_000);
    let now = saturate(capacity, 0, 2, 10_000, 500); // 0.05 ms a delivery
    const burst = (at: number) => {
      const admitted = Array.from({ length: 150 }, () => capacity.admits(200, at)).filter(Boolean).length;
      capacity.accepted(admitted * 200, at);
      // Behind from its first flush: 30 000 deliveries arrived at once and go out 1.5 s later.
      capacity.flushed(
        { deliveries: admitted * 200, messageDeliveries: admitted * 200, acceptedAt: at, oldestAt: at },
        at + 1_500,
      );
      return admitted;
    };
    now += 10_000;
    expect(burst(now)).toBe(150);
    now += 10_000;
    expect(burst(now)).toBe(150);
    expect(capacity.costMs).toBeCloseTo(0.05, 5);
  });

  it("takes being behind for less than MAX_BACKLOG_MS as a burst, not a saturated spell", () => {
    const capacity = new Capacity(2_000);
    // 1.5 s behind without a break, at 0.05 ms a delivery: a burst cleared within the limit.
    const now = saturate(capacity, 0, 3, 10_000, 500) + 3_000;
    // The next burst, 30 000 deliveries after 3 s of quiet, goes through whole.
    expect(Array.from({ length: 150 }, () => capacity.admits(200, now)).every(Boolean)).toBe(true);
  });

  it("admits a burst that clears within MAX_BACKLOG_MS whole, and refuses a sustained excess", () => {
    const capacity = new Capacity(2_000);
    // 0.05 ms a delivery: 40 000 deliveries are 2 s of work.
    let now = saturate(capacity, 0, 3, 10_000, 500);
    now += 10_000; // a quiet spell refills the bucket
    capacity.accepted(1, now);
    capacity.flushed({ deliveries: 1, messageDeliveries: 1, acceptedAt: now, oldestAt: now }, now);
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
      capacity.accepted(5_000, now);
      capacity.flushed({ deliveries: 5_000, messageDeliveries: 100, acceptedAt: now - 500, oldestAt: now - 100 }, now);
      now += 500;
      capacity.accepted(500, now);
      capacity.flushed({ deliveries: 500, messageDeliveries: 500, acceptedAt: now - 500, oldestAt: now - 100 }, now);
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
      capacity.accepted(10, now);
      capacity.flushed({ deliveries: 10, messageDeliveries: 10, acceptedAt: now - 1, oldestAt: now - 1 }, now);
    }
    while (capacity.admits(100, now)) {}
    const recovered = admittedIn(1_000);
    expect(recovered).toBeGreaterThan(low * 4);
  });
});

describe("the room's probe timer", () => {
  it("refuses everything after three late probes in a row, not after the one or two a burst makes", () => {
    const capacity = new Capacity(2_000);
    capacity.probed(400, 0); // a burst, read at once
    capacity.probed(150, 50); // now and then a second
    expect(capacity.admits(100, 60)).toBe(true);
    capacity.probed(150, 100);
    expect(capacity.admits(100, 110)).toBe(false);
    capacity.probed(10, 150); // on time again
    expect(capacity.admits(100, 160)).toBe(true);
  });

  it("takes probes late for PROBE_SATURATED_MS, three or more, as a saturated spell; a burst's two are none", () => {
    const capacity = new Capacity(2_000);
    capacity.accepted(10_000, 0);
    capacity.probed(300, 400);
    capacity.probed(150, 600); // 200 ms of late probes, but only two: a burst
    capacity.probed(3, 653);
    expect(capacity.admits(100, 653)).toBe(true);
    // A sustained offer: late after late for 200 ms. A room never measured starts an allowance
    // from what it was taking, with nothing saved up.
    for (let t = 700; t <= 900; t += 50) capacity.probed(150, t);
    capacity.probed(3, 903);
    expect(capacity.admits(100, 903)).toBe(false);
    expect(capacity.admits(100, 1_300)).toBe(true);
  });

  it("starts an unmeasured room's allowance from what it was taking when it was found saturated", () => {
    const capacity = new Capacity(2_000);
    let now = 0;
    // 18 000 deliveries a second, in flushes too small to measure a cost by, probes late all along.
    for (; now < 3_000; now += 50) {
      capacity.accepted(900, now);
      capacity.flushed({ deliveries: 900, messageDeliveries: 900, acceptedAt: now - 100, oldestAt: now - 100 }, now);
      capacity.probed(120, now);
    }
    expect(capacity.costMs).toBeNull();
    // On time again: it admits some of what it was taking, not everything offered.
    capacity.probed(0, now);
    let admitted = 0;
    for (let t = 0; t < 1_000; t += 10) {
      // Each admitted message delivered at once: the room keeps up.
      while (capacity.admits(100, now + t)) {
        capacity.accepted(100, now + t);
        capacity.flushed({ deliveries: 100, messageDeliveries: 100, acceptedAt: now + t, oldestAt: now + t }, now + t);
        admitted += 100;
      }
    }
    expect(admitted).toBeGreaterThan(1_000);
    expect(admitted).toBeLessThan(40_000);
  });

  it("grows the allowance back while its probes fire on time", () => {
    const capacity = new Capacity(2_000);
    let now = 0;
    for (; now < 3_000; now += 50) {
      capacity.accepted(2_500, now);
      capacity.probed(120, now);
    }
    const admittedIn = (ms: number) => {
      let count = 0;
      for (let t = 0; t < ms; t += 10) {
        capacity.probed(0, now + t);
        while (capacity.admits(100, now + t)) count += 100;
      }
      now += ms;
      return count;
    };
    const first = admittedIn(1_000);
    admittedIn(5_000);
    expect(admittedIn(1_000)).toBeGreaterThan(first * 1.5);
  });
});

describe("the room's backlog", () => {
  it("refuses while what it holds would take longer than MAX_BACKLOG_MS to clear, and saves up nothing meanwhile", () => {
    const capacity = new Capacity(2_000);
    // 0.05 ms a delivery: MAX_BACKLOG_MS is 40 000 deliveries.
    let now = saturate(capacity, 0, 3, 10_000, 500);
    now += 10_000;
    capacity.accepted(1, now);
    capacity.flushed({ deliveries: 1, messageDeliveries: 1, acceptedAt: now, oldestAt: now }, now);
    let admitted = 0;
    while (capacity.admits(1_000, now)) {
      capacity.accepted(1_000, now);
      admitted += 1_000;
    }
    expect(admitted).toBeLessThanOrEqual(40_000);
    // Five seconds later, with all of it still undelivered: nothing more, and no bucket refilled.
    now += 5_000;
    expect(capacity.admits(1_000, now)).toBe(false);
    capacity.flushed(
      { deliveries: admitted, messageDeliveries: admitted, acceptedAt: now - 1_900, oldestAt: now - 1_900 },
      now,
    );
    let after = 0;
    while (capacity.admits(1_000, now)) {
      capacity.accepted(1_000, now);
      after += 1_000;
    }
    expect(after).toBeLessThan(5_000);
  });
});
