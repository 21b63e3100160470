import { describe, expect, test } from "vitest";
import { Outbox } from "../../../src/client/outbox.ts";

/** An outbox holding `texts`, each under the ref `r<text>`. */
function outboxOf(...texts: string[]): Outbox {
  const outbox = new Outbox();
  for (const text of texts) outbox.add(`r${text}`, text);
  return outbox;
}

/** Sends whatever the outbox offers next, as the connection does; returns its text or null. */
function sendNext(outbox: Outbox): string | null {
  const next = outbox.next();
  if (next === null) return null;
  outbox.sent(next.ref);
  return next.text;
}

describe("the outbox", () => {
  test("offers messages in the order they were added", () => {
    const outbox = outboxOf("a", "b");
    expect(outbox.next()).toEqual({ ref: "ra", text: "a" });
    expect(outbox.pending).toEqual([
      { ref: "ra", text: "a" },
      { ref: "rb", text: "b" },
    ]);
  });

  test("keeps one message in flight: the next goes only once the previous is acknowledged", () => {
    const outbox = outboxOf("a", "b", "c");
    expect(sendNext(outbox)).toBe("a");
    expect(outbox.next()).toBeNull();
    expect(outbox.settle("ra")).toBe(true);
    expect(sendNext(outbox)).toBe("b");
    expect(outbox.next()).toBeNull();
    outbox.settle("rb");
    expect(sendNext(outbox)).toBe("c");
    outbox.settle("rc");
    expect(outbox.next()).toBeNull();
    expect(outbox.pending).toEqual([]);
  });

  test("keeps a sent message pending until it is acknowledged", () => {
    const outbox = outboxOf("a");
    sendNext(outbox);
    expect(outbox.has("ra")).toBe(true);
    expect(outbox.pending).toEqual([{ ref: "ra", text: "a" }]);
    outbox.settle("ra");
    expect(outbox.has("ra")).toBe(false);
  });

  test("settling a ref it does not hold says so and changes nothing", () => {
    const outbox = outboxOf("a");
    expect(outbox.settle("elsewhere")).toBe(false);
    expect(outbox.pending).toHaveLength(1);
  });

  test.each([
    ["after a reconnect every unacknowledged message goes again, oldest first", (outbox: Outbox) => outbox.resendAll()],
    ["a message refused for pace goes again in its place, before later ones", (outbox: Outbox) => outbox.retry("ra")],
  ])("%s", (_name, sendAgain) => {
    const outbox = outboxOf("a", "b");
    sendNext(outbox);
    sendAgain(outbox);
    expect(sendNext(outbox)).toBe("a");
    outbox.settle("ra");
    expect(sendNext(outbox)).toBe("b");
  });

  test("a queued message acknowledged before it went (a copy from an earlier connection) is never offered", () => {
    // After a reconnect both go again; the room's replay may acknowledge the first before it is sent.
    const outbox = outboxOf("a", "b");
    sendNext(outbox);
    outbox.resendAll();
    outbox.settle("ra");
    expect(outbox.next()).toEqual({ ref: "rb", text: "b" });
  });

  test("a message added while another is in flight waits its turn", () => {
    const outbox = outboxOf("a");
    sendNext(outbox);
    outbox.add("rb", "b");
    expect(outbox.next()).toBeNull();
    outbox.settle("ra");
    expect(outbox.next()).toEqual({ ref: "rb", text: "b" });
  });

  test("a message refused for good is dropped and the next goes", () => {
    const outbox = outboxOf("a", "b");
    sendNext(outbox);
    outbox.settle("ra");
    expect(sendNext(outbox)).toBe("b");
  });

  test("retrying a ref it does not hold offers nothing new", () => {
    const outbox = outboxOf("a");
    sendNext(outbox);
    outbox.retry("unknown");
    expect(outbox.next()).toBeNull();
  });
});
