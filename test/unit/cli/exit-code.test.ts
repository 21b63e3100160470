import { describe, expect, test } from "vitest";
import { closeOutcome, ExitCode } from "../../../src/cli/exit-code.ts";
import { CloseCode } from "../../../src/shared/protocol.ts";

describe("closeOutcome", () => {
  test("a refused request (4400, 4404) exits 2 with the server's reason", () => {
    expect(closeOutcome(CloseCode.badRequest, "name may hold letters only")).toEqual({
      status: ExitCode.usage,
      message: "name may hold letters only",
    });
    expect(closeOutcome(CloseCode.notFound, "path not found: /chat/a/b")).toEqual({
      status: 2,
      message: "path not found: /chat/a/b",
    });
  });

  test("any other close that ends the session exits 1", () => {
    for (const code of [CloseCode.normal, CloseCode.serverError, CloseCode.policyViolation, 1006, 4999]) {
      expect(closeOutcome(code, "why").status, String(code)).toBe(ExitCode.failed);
    }
  });

  test("a close without a reason is described by its code", () => {
    expect(closeOutcome(4404, "").message).toBe("the server closed the connection with code 4404");
    expect(closeOutcome(1011, "")).toEqual({ status: 1, message: "the server closed the connection with code 1011" });
  });

  test("the statuses are the documented 0, 1 and 2", () => {
    expect(ExitCode).toEqual({ ok: 0, failed: 1, usage: 2 });
  });
});
