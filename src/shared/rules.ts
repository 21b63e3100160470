// The rules every side checks input against: message text, display names, room names and
// count parameters. The room enforces them; the page and the terminal client check the same
// rules before sending, so that a user hears about a mistake before the server refuses it.

import type { Checked } from "./checked.ts";
import { DEFAULT_ROOM, NAME_MAX_CODE_POINTS, ROOM_NAME_PATTERN, type Refusal } from "./protocol.ts";

/** Checks a chat message's text against the room's rules: not blank, not over `maxBytes` UTF-8 bytes, well-formed. */
export function checkText(text: string, maxBytes: number, ref?: string): Refusal | null {
  if (text.trim() === "") return { code: "empty", message: "message is empty", ...(ref && { ref }) };
  const bytes = utf8Length(text, maxBytes);
  if (bytes > maxBytes) {
    return { code: "too_long", message: `message is over ${maxBytes} bytes of UTF-8`, ...(ref && { ref }) };
  }
  if (!text.isWellFormed()) {
    return {
      code: "bad_frame",
      message: "message holds a lone surrogate, which is not Unicode text",
      ...(ref && { ref }),
    };
  }
  return null;
}

/**
 * UTF-8 length of `text`, counted only as far as needed to know whether it passes `limit`:
 * every UTF-16 unit is 1–3 bytes, so most texts are decided from their length alone.
 */
export function utf8Length(text: string, limit = Infinity): number {
  if (text.length * 3 <= limit) return limit === Infinity ? countUtf8(text) : text.length;
  if (text.length > limit) return text.length;
  return countUtf8(text);
}

function countUtf8(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

const NAME_CHARACTER = /^[\p{L}\p{M}\p{Nd} _.-]$/u;

/**
 * Normalises and checks a display name: NFC, trimmed, 1–32 code points of letters, marks,
 * decimal digits, space, `_`, `-` or `.`. Empty input is `ok` with an empty value: the caller
 * then picks a guest name.
 */
export function checkName(raw: string): Checked<string> {
  const name = raw.normalize("NFC").trim();
  if (name === "" && raw !== "") {
    return { ok: false, error: "name is only spaces: give 1–32 characters, or none for a guest name" };
  }
  const codePoints = [...name];
  if (codePoints.length > NAME_MAX_CODE_POINTS) {
    return {
      ok: false,
      error: `name is ${codePoints.length} characters long, at most ${NAME_MAX_CODE_POINTS} are allowed`,
    };
  }
  const bad = codePoints.find((c) => !NAME_CHARACTER.test(c));
  if (bad !== undefined) {
    return { ok: false, error: `name may hold letters, digits, spaces, _ - and . only, not ${describeCharacter(bad)}` };
  }
  return { ok: true, value: name };
}

/** Whether `room` is a valid room name. */
export function isRoomName(room: string): boolean {
  return ROOM_NAME_PATTERN.test(room);
}

/** Parses a count parameter such as `history`, `since` or `limit`: decimal digits only. */
export function parseCount(raw: string, label: string): Checked<number> {
  if (!/^[0-9]+$/.test(raw)) {
    return {
      ok: false,
      error: `${label} must be a whole number written in digits, got ${JSON.stringify(raw.slice(0, 40))}`,
    };
  }
  // Beyond any id a room will reach, so clamping changes nothing a client can observe.
  return { ok: true, value: Math.min(Number(raw), Number.MAX_SAFE_INTEGER) };
}

/** The room a `/chat` or `/chat/<room>` path names, or null for any other path. */
export function roomOfPath(path: string): string | null {
  if (path === "/chat") return DEFAULT_ROOM;
  if (!path.startsWith("/chat/")) return null;
  const room = path.slice("/chat/".length);
  return isRoomName(room) ? room : null;
}

function describeCharacter(c: string): string {
  const hex = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return /\p{C}|\p{Z}/u.test(c) ? `U+${hex}` : `"${c}" (U+${hex})`;
}
