import { describe, expect, test } from "vitest";
import {
  CloseCode,
  FINAL_CLOSE_CODES,
  PATIENCE_CLOSE_CODES,
  PING_FRAME,
  PONG_FRAME,
  REQUEST_CLOSE_CODES,
} from "../../../src/shared/protocol.ts";

// SPEC.md's close-code table, as the clients act on it.
describe("close codes", () => {
  test("a client stops after a normal close, a refused request, a refused token and a moderator's removal", () => {
    expect([...FINAL_CLOSE_CODES].sort()).toEqual(
      [CloseCode.normal, CloseCode.badRequest, CloseCode.unauthorized, CloseCode.forbidden, CloseCode.notFound].sort(),
    );
  });

  test("a client reconnects and resumes after a restart, a server failure or an idle close", () => {
    for (const code of [CloseCode.goingAway, CloseCode.serverError, CloseCode.idle, 1006]) {
      expect(FINAL_CLOSE_CODES.has(code), String(code)).toBe(false);
    }
  });

  test("a full room and a flood close ask for patience, and are not final", () => {
    expect([...PATIENCE_CLOSE_CODES].sort()).toEqual([CloseCode.policyViolation, CloseCode.tryAgainLater].sort());
    for (const code of PATIENCE_CLOSE_CODES) expect(FINAL_CLOSE_CODES.has(code)).toBe(false);
  });

  test("the request codes are final, and the normal close is not one of them", () => {
    for (const code of REQUEST_CLOSE_CODES) expect(FINAL_CLOSE_CODES.has(code)).toBe(true);
    expect(REQUEST_CLOSE_CODES.has(CloseCode.normal)).toBe(false);
  });

  test("application codes lie in 4000–4999, as RFC 6455 reserves them", () => {
    for (const code of [CloseCode.badRequest, CloseCode.notFound, CloseCode.idle]) {
      expect(code >= 4000 && code <= 4999).toBe(true);
    }
  });
});

describe("the heartbeat", () => {
  test("is the exact frames the runtime's auto-response matches", () => {
    expect(JSON.parse(PING_FRAME)).toEqual({ type: "ping" });
    expect(PING_FRAME).toBe('{"type":"ping"}');
    expect(PONG_FRAME).toBe('{"type":"pong"}');
  });
});
