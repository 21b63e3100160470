// The connection's timers: each runs once after its delay, and clearing cancels every pending one.

import { describe, expect, test } from "vitest";
import { Timers } from "../../../src/client/timers.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Timers", () => {
  test("runs each callback once, after its delay, in order of due time", async () => {
    const timers = new Timers();
    const ran: string[] = [];
    timers.later(30, () => ran.push("late"));
    timers.later(5, () => ran.push("soon"));
    expect(ran).toEqual([]);
    await sleep(60);
    expect(ran).toEqual(["soon", "late"]);
    await sleep(20);
    expect(ran).toEqual(["soon", "late"]);
  });

  test("clear cancels every timeout still pending, and leaves those that ran", async () => {
    const timers = new Timers();
    const ran: string[] = [];
    timers.later(1, () => ran.push("ran"));
    await sleep(20);
    timers.later(20, () => ran.push("a"));
    timers.later(25, () => ran.push("b"));
    timers.clear();
    await sleep(50);
    expect(ran).toEqual(["ran"]);
  });

  test("can be used again after clear", async () => {
    const timers = new Timers();
    const ran: string[] = [];
    timers.later(10, () => ran.push("old"));
    timers.clear();
    timers.later(1, () => ran.push("new"));
    await sleep(30);
    expect(ran).toEqual(["new"]);
  });

  test("a callback may set the next timeout, and clear reaches it too", async () => {
    const timers = new Timers();
    const ran: string[] = [];
    timers.later(1, () => {
      ran.push("first");
      timers.later(30, () => ran.push("second"));
    });
    await sleep(15);
    timers.clear();
    await sleep(40);
    expect(ran).toEqual(["first"]);
  });
});
