// Who a signed-in session is and which rooms its token admits: the claim rules of SPEC.md's
// "Who is who", checked the same way by the Worker (after it has verified the signature), the
// token tool (before it signs) and any page that wants to show who a token is for. Runtime-neutral:
// no Workers, Node or DOM API, and nothing here verifies a signature.

import type { Checked } from "./checked.ts";
import { ROOM_NAME_PATTERN } from "./protocol.ts";
import { checkName } from "./rules.ts";
import type { Role } from "./protocol.ts";

/** Close codes of a refused token: 4401 says "get a (new) token", 4403 "this token may not come here". */
export const AccessCloseCode = {
  unauthorized: 4401,
  forbidden: 4403,
} as const;

/** The close reasons (and HTTP `{ error }` texts) of a refused token, exactly as SPEC.md words them. */
export const AccessReason = {
  tokenRequired: "token required",
  invalidToken: "invalid token",
  tokenExpired: "token expired",
  notAllowed: "not allowed in this room",
  noSecret: "server misconfigured: AUTH_SECRET is not set",
} as const;

/** One of {@link AccessReason}'s texts. */
export type AccessReasonText = (typeof AccessReason)[keyof typeof AccessReason];

/** The query parameter that carries a token when no `Authorization: Bearer` header does. */
export const TOKEN_PARAM = "token";
/** A token longer than this (in UTF-8 bytes) is refused before it is parsed. */
export const TOKEN_MAX_BYTES = 8 * 1024;
/** Clock leeway on `exp` and `nbf`, in seconds. */
export const TOKEN_LEEWAY_SECONDS = 30;
/** Longest `sub` claim (the stable user id), in Unicode code points. */
export const USER_ID_MAX_CODE_POINTS = 64;
/** The `rooms` entry that admits every room. */
export const ALL_ROOMS = "*";

/** A verified session's identity, taken from its token and from nothing a client can set. */
export interface Identity {
  /** The token's `sub`: the stable user id that frames carry as `user`. */
  user: string;
  /** The token's `name`, normalised as every display name is. */
  name: string;
  role: Role;
  /** The token's `exp`, in seconds since the epoch: the session ends then. */
  exp: number;
}

/** The claims of a token, checked for shape (not for signature or time). */
export interface TokenClaims {
  sub: string;
  /** Normalised (NFC, trimmed). */
  name: string;
  exp: number;
  nbf?: number;
  /** Room names, `prefix*` patterns or `*`; undefined admits every room. */
  rooms?: string[];
  role: Role;
}

const CONTROL_CHARACTER = /\p{Cc}/u;
const ROOM_PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,63}\*$/;

/**
 * Checks a `sub` claim: 1–64 code points of well-formed Unicode, no control characters (it is
 * written into log lines as `user=`, where a line break would let a token forge a log line).
 */
export function checkUserId(sub: unknown): Checked<string> {
  if (typeof sub !== "string") return { ok: false, error: "a user id must be a string" };
  const length = [...sub].length;
  if (length < 1 || length > USER_ID_MAX_CODE_POINTS) {
    return { ok: false, error: `a user id must be 1–${USER_ID_MAX_CODE_POINTS} characters long` };
  }
  if (!sub.isWellFormed() || CONTROL_CHARACTER.test(sub)) {
    return { ok: false, error: "a user id may not hold control characters or lone surrogates" };
  }
  return { ok: true, value: sub };
}

/** Checks one entry of a `rooms` claim: a room name, `prefix*` (a room name's start, then `*`), or `*`. */
export function checkRoomPattern(pattern: unknown): Checked<string> {
  if (
    typeof pattern === "string" &&
    (pattern === ALL_ROOMS || ROOM_NAME_PATTERN.test(pattern) || ROOM_PREFIX_PATTERN.test(pattern))
  ) {
    return { ok: true, value: pattern };
  }
  return {
    ok: false,
    error: "each room must be a room name (1–64 of A-Z a-z 0-9 _ -), such a name's start followed by *, or * alone",
  };
}

/**
 * Whether a token's `rooms` admit `room`: undefined admits every room; `*` too; `prefix*` admits
 * every room whose name starts with `prefix` (`team-*` admits `team-` itself); a name admits
 * that room only. Room names are case-sensitive, so the match is too. An empty list admits none.
 */
export function roomsAdmit(rooms: readonly string[] | undefined, room: string): boolean {
  if (rooms === undefined) return true;
  return rooms.some((pattern) => (pattern.endsWith("*") ? room.startsWith(pattern.slice(0, -1)) : pattern === room));
}

/**
 * Checks a token's claims for shape, after its signature and times have been verified (or, in
 * the token tool, before it signs): `sub`, `name` and `exp` present and valid, `nbf` a number if
 * present, `rooms` absent or an array of valid entries, `role` absent or a string. A `role` other
 * than `"moderator"` makes a member; a `role` that is not a string makes the token invalid, since
 * a signer that put something else there meant something this server cannot know. The error
 * never quotes the token's values, so it can be logged.
 */
export function checkClaims(payload: unknown): Checked<TokenClaims> {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return { ok: false, error: "the token's claims are not a JSON object" };
  }
  const claims = payload as Record<string, unknown>;

  const sub = checkUserId(claims.sub);
  if (!sub.ok) return { ok: false, error: `the "sub" claim: ${sub.error}` };

  if (typeof claims.name !== "string") return { ok: false, error: 'the "name" claim must be a string' };
  const name = checkName(claims.name);
  if (!name.ok || name.value === "") {
    return { ok: false, error: 'the "name" claim is not a valid name: 1–32 letters, digits, spaces, _ - or .' };
  }

  const { exp, nbf } = claims;
  if (!isNumericDate(exp)) return { ok: false, error: 'the "exp" claim must be a number of seconds' };
  if (nbf !== undefined && !isNumericDate(nbf)) {
    return { ok: false, error: 'the "nbf" claim, when present, must be a number of seconds' };
  }

  let rooms: string[] | undefined;
  if (claims.rooms !== undefined) {
    if (!Array.isArray(claims.rooms)) return { ok: false, error: 'the "rooms" claim, when present, must be an array' };
    rooms = [];
    for (const entry of claims.rooms as unknown[]) {
      const pattern = checkRoomPattern(entry);
      if (!pattern.ok) return { ok: false, error: `in the "rooms" claim, ${pattern.error}` };
      rooms.push(pattern.value);
    }
  }

  if (claims.role !== undefined && typeof claims.role !== "string") {
    return { ok: false, error: 'the "role" claim, when present, must be a string' };
  }
  const role: Role = claims.role === "moderator" ? "moderator" : "member";

  return {
    ok: true,
    value: {
      sub: sub.value,
      name: name.value,
      exp,
      ...(nbf !== undefined && { nbf }),
      ...(rooms !== undefined && { rooms }),
      role,
    },
  };
}

/** The identity a session with these claims has. */
export function identityOf(claims: TokenClaims): Identity {
  return { user: claims.sub, name: claims.name, role: claims.role, exp: claims.exp };
}

function isNumericDate(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
