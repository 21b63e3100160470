import { describe, expect, it } from "vitest";
import { openWorkerdSocket } from "../support/workerd-socket.ts";

describe("WebSocket /echo", () => {
  it("sends every text and binary frame back unchanged, in order", async () => {
    const socket = await openWorkerdSocket("/echo");
    const sent: (string | Uint8Array)[] = [];
    for (let i = 0; i < 50; i++) {
      const frame = i % 3 === 0 ? new Uint8Array([i, 0, 255, i]) : `message ${i} ✓ ${"é".repeat(i)}`;
      sent.push(frame);
      socket.send(frame instanceof Uint8Array ? frame.slice().buffer : frame);
    }
    for (const expected of sent) {
      const received = await socket.next();
      if (expected instanceof Uint8Array) expect(new Uint8Array(received as ArrayBuffer)).toEqual(expected);
      else expect(received).toBe(expected);
    }
  });
});
