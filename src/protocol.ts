// The edge-chat wire protocol: every shape, limit, close code and text line that crosses a
// socket. The Worker, the browser page and the terminal client all import this one file, so
// it must stay free of anything runtime-specific (no Workers, Node or DOM APIs).

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
  notFound: 4404,
  idle: 4408,
} as const;

/** Close codes after which a client must not reconnect on its own: the request itself is wrong. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.normal,
  CloseCode.badRequest,
  CloseCode.notFound,
]);

/** Close codes that ask a client to wait longer before it comes back: a full room, a flood. */
export const PATIENCE_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.tryAgainLater, CloseCode.policyViolation]);

/** Close codes that say the request itself was wrong: show the reason, do not retry. */
export const REQUEST_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.badRequest, CloseCode.notFound]);

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

/** What the room tells each JSON client so that it can pace itself. */
export interface RoomLimits {
  messageBytes: number;
  burst: number;
  perSecond: number;
}

/** One stored chat message, as every client receives it. */
export interface ChatMessage {
  type: "message";
  /** The room's sequence number: 1, 2, 3 … */
  id: number;
  name: string;
  text: string;
  /** Server time, epoch milliseconds. */
  at: number;
  ref?: string;
}

/** Always the first frame of a JSON session. */
export interface WelcomeMessage {
  type: "welcome";
  room: string;
  you: string;
  online: string[];
  history: ChatMessage[];
  truncated: boolean;
  limits: RoomLimits;
  /**
   * The newest id the room has given (0 before its first message): where a client that saw no
   * message resumes from, and how it notices a room whose storage was reset. An addition to SPEC.md.
   */
  lastMessageId: number;
}

/** Someone joined; `online` counts sessions after the change. */
export interface JoinMessage {
  type: "join";
  name: string;
  at: number;
  online: number;
}

/** Someone left; `online` counts sessions after the change. */
export interface LeaveMessage {
  type: "leave";
  name: string;
  at: number;
  online: number;
  /** Present when another session with this name is still in the room. An addition to SPEC.md. */
  stillOnline?: true;
}

/** Why a frame was refused. */
export type ErrorCode = "too_long" | "empty" | "rate_limited" | "bad_frame" | "binary_not_supported";

/** A refusal, sent only to the session that caused it; the socket stays open. */
export interface ErrorMessage {
  type: "error";
  code: ErrorCode;
  message: string;
  ref?: string;
}

/**
 * A JSON session that joined with `batch=1` may receive, instead of single frames, one frame
 * holding a JSON array of the server messages that were queued for it, oldest first: the room
 * packs several messages into one frame under load, and sends single frames when idle.
 */
export const BATCH_PARAM = "batch";

/** What a frame of the JSON framing holds: one server message, or (with `batch=1`) several. */
export type ServerFrame = ServerMessage | ServerMessage[];

/** The runtime's heartbeat answer. */
export interface PongMessage {
  type: "pong";
}

/** Every frame the server sends in the JSON framing. */
export type ServerMessage = WelcomeMessage | ChatMessage | JoinMessage | LeaveMessage | ErrorMessage | PongMessage;

/** A chat message a client sends. */
export interface SendMessage {
  type: "message";
  text: string;
  ref?: string;
}

/** The heartbeat. */
export interface PingMessage {
  type: "ping";
}

/** Every frame a client may send in the JSON framing. */
export type ClientMessage = SendMessage | PingMessage;

/** The outcome of checking untrusted input: the value, or a sentence saying what is wrong. */
export type Checked<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

/** A refused frame, before it is addressed to anyone. */
export interface Refusal {
  code: ErrorCode;
  message: string;
  ref?: string;
}

/** Parses one JSON-framing text frame from a client; never throws. */
export function parseClientFrame(frame: string): Checked<ClientMessage, Refusal> {
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    return refuse("bad_frame", "expected a JSON object, got text that is not JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return refuse("bad_frame", `expected a JSON object, got ${describe(data)}`);
  }
  const fields = data as Record<string, unknown>;
  if (fields.type === "ping") return { ok: true, value: { type: "ping" } };
  if (fields.type !== "message") {
    return refuse("bad_frame", `expected "type" to be "message" or "ping", got ${describe(fields.type)}`);
  }
  const { text, ref } = fields;
  if (ref !== undefined) {
    if (typeof ref !== "string" || ref.length < 1 || ref.length > REF_MAX_LENGTH) {
      return refuse(
        "bad_frame",
        `expected "ref" to be a string of 1–${REF_MAX_LENGTH} characters, got ${describe(ref)}`,
      );
    }
  }
  if (typeof text !== "string") {
    return refuse("bad_frame", `expected "text" to be a string, got ${describe(text)}`, ref);
  }
  return { ok: true, value: ref === undefined ? { type: "message", text } : { type: "message", text, ref } };
}

/** The note a text-framing client gets when messages it asked for are no longer stored. */
export const TRUNCATED_NOTE = "note: older messages are no longer kept";

const SERVER_MESSAGE_TYPES: ReadonlySet<string> = new Set(["welcome", "message", "join", "leave", "error", "pong"]);

/**
 * Reads one JSON-framing frame from the server: a message object of a known type, or null for
 * anything else, which a client skips (a newer server may send types this client does not know).
 */
export function parseServerFrame(frame: string): ServerMessage | null {
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const type = (data as { type?: unknown }).type;
  return typeof type === "string" && SERVER_MESSAGE_TYPES.has(type) ? (data as ServerMessage) : null;
}

/** The text framing's line for a server message, or null for frames it has no line for. */
export function toTextLine(message: ServerMessage): string | null {
  switch (message.type) {
    case "message":
      return `from ${message.name}: ${message.text}`;
    case "join":
      return `${message.name} joined the chat!`;
    case "leave":
      return `${message.name} left the chat!`;
    case "error":
      return `error: ${message.message}`;
    case "welcome":
    case "pong":
      return null;
  }
}

/** The WebSocket URL of `path` on a service, from a base URL whose http(s) scheme becomes ws(s). */
export function socketUrl(base: string, path: string): URL {
  const url = new URL(base);
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  url.pathname = path;
  url.search = "";
  url.hash = "";
  return url;
}

/** The WebSocket URL of a room, with the join parameters that are set. */
export function roomSocketUrl(
  base: string,
  room: string,
  params: Record<string, string | number | undefined> = {},
): URL {
  const url = socketUrl(base, room === DEFAULT_ROOM ? "/chat" : `/chat/${room}`);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") url.searchParams.set(key, String(value));
  }
  return url;
}

function refuse(code: ErrorCode, message: string, ref?: unknown): { ok: false; error: Refusal } {
  return { ok: false, error: typeof ref === "string" ? { code, message, ref } : { code, message } };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") return "an object";
  if (value === undefined) return "nothing";
  return `the ${typeof value} ${String(value)}`;
}
