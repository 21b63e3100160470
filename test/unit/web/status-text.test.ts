import { describe, expect, test } from "vitest";
import type { ConnectionState } from "../../../src/client/chat-connection.ts";
import { statusLine } from "../../../src/web/status-text.ts";

const now = 1_000_000;
const states: ConnectionState[] = [
  { kind: "connecting", attempt: 0 },
  { kind: "connecting", attempt: 3 },
  { kind: "connected" },
  { kind: "waiting", retryAt: now + 2_500, attempt: 0, code: 1006, reason: "" },
  { kind: "waiting", retryAt: now + 9_000, attempt: 1, code: 1013, reason: "room is full" },
  { kind: "closed", code: 1000, reason: "bye" },
  { kind: "closed", code: 4400, reason: "name may hold letters only" },
  { kind: "closed", code: 4404, reason: "" },
];

describe("statusLine", () => {
  test("says connected, with the room's name for this session, only when connected", () => {
    expect(statusLine({ kind: "connected" }, "alice", now)).toEqual({ text: "connected as alice", tone: "ok" });
    expect(statusLine({ kind: "connected" }, "", now)).toEqual({ text: "connected", tone: "ok" });
    for (const state of states.filter((state) => state.kind !== "connected")) {
      expect(statusLine(state, "alice", now).text, state.kind).not.toMatch(/connected/i);
    }
  });

  test("tells a first connection from a retry", () => {
    expect(statusLine({ kind: "connecting", attempt: 0 }, "", now)).toEqual({ text: "connecting…", tone: "busy" });
    expect(statusLine({ kind: "connecting", attempt: 3 }, "", now).text).toBe("reconnecting…");
  });

  test("counts down the seconds to the next attempt", () => {
    const state = states[3]!;
    expect(statusLine(state, "", now)).toEqual({ text: "offline · reconnecting in 3 s", tone: "down" });
    expect(statusLine(state, "", now + 1_600).text).toBe("offline · reconnecting in 1 s");
  });

  test("names the reason of a close that asks for patience, and hides the platform's own", () => {
    expect(statusLine(states[4]!, "", now).text).toBe("offline (room is full) · reconnecting in 9 s");
    const restart: ConnectionState = { ...(states[3] as ConnectionState & { kind: "waiting" }), reason: "restart" };
    expect(statusLine(restart, "", now).text).not.toContain("restart");
  });

  test("a normal close is plain offline; a refusal says why", () => {
    expect(statusLine(states[5]!, "alice", now)).toEqual({ text: "offline", tone: "stopped" });
    expect(statusLine(states[6]!, "", now).text).toBe("offline: name may hold letters only");
    expect(statusLine(states[7]!, "", now).text).toBe("offline: closed with code 4404");
  });
});
