// The checks that a JSON frame and an HTTP body share (moderation requests, posts): what each
// accepts, what it normalises, and the words it refuses with.

import { describe, expect, test } from "vitest";
import { MAX_BAN_SECONDS, MAX_SLOW_MODE_SECONDS, REF_MAX_LENGTH } from "../../../src/shared/protocol.ts";
import {
  BAN_REASON_MAX_LENGTH,
  USER_MAX_LENGTH,
  checkBanTerms,
  checkMessageId,
  checkRef,
  checkSettingsChange,
  checkTarget,
  describe as describeValue,
  parseObject,
} from "../../../src/shared/requests.ts";

describe("parseObject", () => {
  test("reads a JSON object into its fields", () => {
    expect(parseObject('{"type":"kick","name":"bob"}')).toEqual({ ok: true, value: { type: "kick", name: "bob" } });
  });

  test.each([
    ["kick bob", "expected a JSON object, got text that is not JSON"],
    ["[1,2]", "expected a JSON object, got an array"],
    ["null", "expected a JSON object, got null"],
    ['"hi"', 'expected a JSON object, got the string "hi"'],
    ["42", "expected a JSON object, got the number 42"],
  ])("refuses %s, saying what it was", (text, error) => {
    expect(parseObject(text)).toEqual({ ok: false, error });
  });
});

describe("checkRef", () => {
  test("leaves a missing ref out and keeps one of 1 to 64 characters", () => {
    expect(checkRef(undefined)).toEqual({ ok: true, value: undefined });
    expect(checkRef("a")).toEqual({ ok: true, value: "a" });
    expect(checkRef("r".repeat(REF_MAX_LENGTH))).toEqual({ ok: true, value: "r".repeat(REF_MAX_LENGTH) });
  });

  test.each([[""], ["r".repeat(REF_MAX_LENGTH + 1)], [7], [null]])("refuses %j", (ref) => {
    const checked = checkRef(ref);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toMatch(/^expected "ref" to be a string of 1–64 characters, got /);
  });
});

describe("checkTarget", () => {
  test("takes a name, normalised as a display name, or a user id", () => {
    expect(checkTarget({ name: "  Bob  " })).toEqual({ ok: true, value: { name: "Bob" } });
    expect(checkTarget({ name: "Zoe\u0308" })).toEqual({ ok: true, value: { name: "Zoë" } });
    expect(checkTarget({ user: "user-42" })).toEqual({ ok: true, value: { user: "user-42" } });
  });

  test("wants exactly one of name and user", () => {
    const error = 'expected exactly one of "name" or "user"';
    expect(checkTarget({})).toEqual({ ok: false, error });
    expect(checkTarget({ name: "bob", user: "u1" })).toEqual({ ok: false, error });
  });

  test("refuses a user id that is empty, too long or not a string", () => {
    for (const user of ["", "u".repeat(USER_MAX_LENGTH + 1), 12]) {
      const checked = checkTarget({ user });
      expect(checked).toMatchObject({ ok: false });
      if (!checked.ok) expect(checked.error).toContain(`expected "user" to be a string of 1–${USER_MAX_LENGTH}`);
    }
    expect(checkTarget({ user: "u".repeat(USER_MAX_LENGTH) }).ok).toBe(true);
  });

  test("refuses a name that is not a string, is empty, or breaks the name rules", () => {
    expect(checkTarget({ name: 5 })).toEqual({ ok: false, error: 'expected "name" to be a string, got the number 5' });
    expect(checkTarget({ name: "" })).toEqual({ ok: false, error: '"name" is empty' });
    const bad = checkTarget({ name: "bob<script>" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^name may hold letters/);
  });
});

describe("checkBanTerms", () => {
  test("takes whole seconds from 1 to the maximum, and a trimmed reason", () => {
    expect(checkBanTerms({ seconds: 1 })).toEqual({ ok: true, value: { seconds: 1 } });
    expect(checkBanTerms({ seconds: MAX_BAN_SECONDS, reason: "  spam  " })).toEqual({
      ok: true,
      value: { seconds: MAX_BAN_SECONDS, reason: "spam" },
    });
  });

  test("drops a reason that is only spaces", () => {
    expect(checkBanTerms({ seconds: 60, reason: "   " })).toEqual({ ok: true, value: { seconds: 60 } });
  });

  test.each([[0], [1.5], [MAX_BAN_SECONDS + 1], ["60"], [undefined]])("refuses seconds %j", (seconds) => {
    const checked = checkBanTerms({ seconds });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toContain(`"seconds" to be a whole number from 1 to ${MAX_BAN_SECONDS}`);
  });

  test("refuses a reason that is not a string or is too long", () => {
    for (const reason of [3, "r".repeat(BAN_REASON_MAX_LENGTH + 1)]) {
      const checked = checkBanTerms({ seconds: 60, reason });
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.error).toContain(`"reason" to be a string of at most ${BAN_REASON_MAX_LENGTH}`);
    }
    expect(checkBanTerms({ seconds: 60, reason: "r".repeat(BAN_REASON_MAX_LENGTH) }).ok).toBe(true);
  });
});

describe("checkSettingsChange", () => {
  test("takes slow mode, read-only or both, and only what was given", () => {
    expect(checkSettingsChange({ slowMode: 0 })).toEqual({ ok: true, value: { slowMode: 0 } });
    expect(checkSettingsChange({ readOnly: true })).toEqual({ ok: true, value: { readOnly: true } });
    expect(checkSettingsChange({ slowMode: MAX_SLOW_MODE_SECONDS, readOnly: false })).toEqual({
      ok: true,
      value: { slowMode: MAX_SLOW_MODE_SECONDS, readOnly: false },
    });
  });

  test("wants at least one of them", () => {
    expect(checkSettingsChange({ type: "settings" })).toEqual({
      ok: false,
      error: 'expected "slowMode" or "readOnly"',
    });
  });

  test.each([[-1], [2.5], [MAX_SLOW_MODE_SECONDS + 1], ["10"]])("refuses slowMode %j", (slowMode) => {
    const checked = checkSettingsChange({ slowMode });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toContain(`from 0 to ${MAX_SLOW_MODE_SECONDS}`);
  });

  test("refuses a readOnly that is not a boolean, even beside a good slowMode", () => {
    expect(checkSettingsChange({ slowMode: 5, readOnly: "yes" })).toEqual({
      ok: false,
      error: 'expected "readOnly" to be true or false, got the string "yes"',
    });
  });
});

describe("checkMessageId", () => {
  test("takes a safe whole number from 1", () => {
    expect(checkMessageId(1, "target")).toEqual({ ok: true, value: 1 });
    expect(checkMessageId(Number.MAX_SAFE_INTEGER, "target")).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
  });

  test.each([[0], [-3], [1.5], [Number.MAX_SAFE_INTEGER + 1], ["3"]])("refuses %j, naming the field", (value) => {
    const checked = checkMessageId(value, "after");
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toMatch(/^expected "after" to be a message id/);
  });
});

describe("describe", () => {
  test("words each kind of value for an error message", () => {
    expect(describeValue(null)).toBe("null");
    expect(describeValue(undefined)).toBe("nothing");
    expect(describeValue([1])).toBe("an array");
    expect(describeValue({})).toBe("an object");
    expect(describeValue(true)).toBe("the boolean true");
    expect(describeValue(2.5)).toBe("the number 2.5");
    expect(describeValue('say "hi"')).toBe('the string "say \\"hi\\""');
  });

  test("cuts a long string at 40 characters", () => {
    expect(describeValue("x".repeat(100))).toBe(`the string "${"x".repeat(40)}…"`);
    expect(describeValue("x".repeat(40))).toBe(`the string "${"x".repeat(40)}"`);
  });
});
