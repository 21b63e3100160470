// The edge-chat wire protocol: every constant and close code that crosses a socket or the HTTP
// API, and (re-exported from the files beside it) every message shape. The Worker, the browser
// page and the terminal client all import it, so it stays free of anything runtime-specific.

/** The `Sec-WebSocket-Protocol` a client names to speak the JSON framing. */
export const JSON_SUBPROTOCOL = "chat.v1.json";

/** Close codes the server uses; 4xxx mirror the HTTP status they stand for. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  serverError: 1011,
  tryAgainLater: 1013,
  badRequest: 4400,
  /** No token, or a token that is invalid or expired. */
  unauthorized: 4401,
  /** Not allowed in this room, removed by a moderator, or banned. */
  forbidden: 4403,
  notFound: 4404,
  idle: 4408,
} as const;

/** Close codes after which a client must not reconnect on its own: the request itself is wrong. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.normal,
  CloseCode.badRequest,
  CloseCode.unauthorized,
  CloseCode.forbidden,
  CloseCode.notFound,
]);

/** Close codes that ask a client to wait longer before it comes back: a full room, a flood. */
export const PATIENCE_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.tryAgainLater, CloseCode.policyViolation]);

/** Close codes that say the request itself was wrong: show the reason, do not retry. */
export const REQUEST_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.badRequest,
  CloseCode.unauthorized,
  CloseCode.forbidden,
  CloseCode.notFound,
]);

/** The room `/chat` joins. */
export const DEFAULT_ROOM = "main";
/** Room names: 1–64 of `A-Z a-z 0-9 _ -`. */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Longest display name, in Unicode code points. */
export const NAME_MAX_CODE_POINTS = 32;
/** Longest client-chosen message `ref`, in characters. */
export const REF_MAX_LENGTH = 64;
/** Replayed on join when the client names no `history`. */
export const DEFAULT_HISTORY = 50;
/** `limit` of the messages API when none is given, and its largest value. */
export const DEFAULT_API_LIMIT = 100;
export const MAX_API_LIMIT = 1000;

/** The exact heartbeat frame; the runtime answers it with {@link PONG_FRAME} without waking the room. */
export const PING_FRAME = '{"type":"ping"}';
/** The runtime's automatic answer to {@link PING_FRAME}. */
export const PONG_FRAME = '{"type":"pong"}';
/** How often the page and the terminal client send {@link PING_FRAME}. */
export const HEARTBEAT_INTERVAL_MS = 20_000;
/** A JSON session silent for this long is closed with 4408 `idle`. */
export const IDLE_TIMEOUT_MS = 60_000;
/** At most one typing frame per session is relayed in this many milliseconds; clients send no more often. */
export const TYPING_INTERVAL_MS = 2_000;
/** How long a client shows "NAME is typing…" after the last typing frame. */
export const TYPING_SHOWN_MS = 5_000;
/** The longest ban, in seconds (30 days). */
export const MAX_BAN_SECONDS = 30 * 24 * 3600;
/** The longest slow mode, in seconds. */
export const MAX_SLOW_MODE_SECONDS = 3600;
/** Most names a presence event lists each way. */
export const PRESENCE_NAMES = 20;

export type * from "./server-messages.ts";
export type * from "./client-messages.ts";
export type * from "./api-shapes.ts";

/**
 * A JSON session that joined with `batch=1` may receive, instead of single frames, one frame
 * holding a JSON array of the server messages that were queued for it, oldest first.
 */
export const BATCH_PARAM = "batch";
