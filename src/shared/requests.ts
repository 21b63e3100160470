// Checks for the fields of client requests that arrive both as JSON frames and as HTTP bodies
// (moderation and posts), so that a socket and the API refuse the same input with the same words.

import type { Checked } from "./checked.ts";
import type { RoomSettings, Target } from "./protocol.ts";
import { MAX_BAN_SECONDS, MAX_SLOW_MODE_SECONDS, REF_MAX_LENGTH } from "./protocol.ts";
import { checkName } from "./rules.ts";

/** Longest ban reason, in characters. */
export const BAN_REASON_MAX_LENGTH = 200;
/** Longest user id (a token's `sub`), in characters. */
export const USER_MAX_LENGTH = 64;

/** Fields of an untrusted JSON object. */
export type Fields = Record<string, unknown>;

/** Reads a JSON text into an object's fields, or says what it was instead. */
export function parseObject(text: string): Checked<Fields> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: "expected a JSON object, got text that is not JSON" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, error: `expected a JSON object, got ${describe(data)}` };
  }
  return { ok: true, value: data as Fields };
}

/** An optional `ref`: 1–64 characters. */
export function checkRef(ref: unknown): Checked<string | undefined> {
  if (ref === undefined) return { ok: true, value: undefined };
  if (typeof ref === "string" && ref.length >= 1 && ref.length <= REF_MAX_LENGTH) return { ok: true, value: ref };
  return { ok: false, error: `expected "ref" to be a string of 1–${REF_MAX_LENGTH} characters, got ${describe(ref)}` };
}

/** Exactly one of `name` (a valid display name) or `user` (a user id). */
export function checkTarget(fields: Fields): Checked<Target> {
  const { name, user } = fields;
  if ((name === undefined) === (user === undefined)) {
    return { ok: false, error: 'expected exactly one of "name" or "user"' };
  }
  if (user !== undefined) {
    if (typeof user === "string" && user.length >= 1 && user.length <= USER_MAX_LENGTH)
      return { ok: true, value: { user } };
    return {
      ok: false,
      error: `expected "user" to be a string of 1–${USER_MAX_LENGTH} characters, got ${describe(user)}`,
    };
  }
  if (typeof name !== "string") return { ok: false, error: `expected "name" to be a string, got ${describe(name)}` };
  const checked = checkName(name);
  if (!checked.ok) return checked;
  if (checked.value === "") return { ok: false, error: '"name" is empty' };
  return { ok: true, value: { name: checked.value } };
}

/** A ban's length and optional reason. */
export function checkBanTerms(fields: Fields): Checked<{ seconds: number; reason?: string }> {
  const { seconds, reason } = fields;
  if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_BAN_SECONDS) {
    return {
      ok: false,
      error: `expected "seconds" to be a whole number from 1 to ${MAX_BAN_SECONDS}, got ${describe(seconds)}`,
    };
  }
  if (reason === undefined) return { ok: true, value: { seconds } };
  if (typeof reason !== "string" || reason.length > BAN_REASON_MAX_LENGTH) {
    return {
      ok: false,
      error: `expected "reason" to be a string of at most ${BAN_REASON_MAX_LENGTH} characters, got ${describe(reason)}`,
    };
  }
  const trimmed = reason.trim();
  return { ok: true, value: trimmed === "" ? { seconds } : { seconds, reason: trimmed } };
}

/** A settings change: `slowMode` seconds and/or `readOnly`, at least one of them. */
export function checkSettingsChange(fields: Fields): Checked<Partial<RoomSettings>> {
  const { slowMode, readOnly } = fields;
  if (slowMode === undefined && readOnly === undefined) {
    return { ok: false, error: 'expected "slowMode" or "readOnly"' };
  }
  const change: Partial<RoomSettings> = {};
  if (slowMode !== undefined) {
    if (
      typeof slowMode !== "number" ||
      !Number.isInteger(slowMode) ||
      slowMode < 0 ||
      slowMode > MAX_SLOW_MODE_SECONDS
    ) {
      return {
        ok: false,
        error: `expected "slowMode" to be a whole number of seconds from 0 to ${MAX_SLOW_MODE_SECONDS}, got ${describe(slowMode)}`,
      };
    }
    change.slowMode = slowMode;
  }
  if (readOnly !== undefined) {
    if (typeof readOnly !== "boolean")
      return { ok: false, error: `expected "readOnly" to be true or false, got ${describe(readOnly)}` };
    change.readOnly = readOnly;
  }
  return { ok: true, value: change };
}

/** A message id: a positive whole number. */
export function checkMessageId(value: unknown, label: string): Checked<number> {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 1) return { ok: true, value };
  return { ok: false, error: `expected "${label}" to be a message id (a whole number from 1), got ${describe(value)}` };
}

/** How an untrusted value reads in an error message. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") return "an object";
  if (value === undefined) return "nothing";
  return `the ${typeof value} ${String(value)}`;
}
