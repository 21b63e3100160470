// The edge-chat wire protocol: every shape, limit and close code that crosses a socket or the
// HTTP API. The Worker, the browser page and the terminal client all import it, so it stays free
// of anything runtime-specific (no Workers, Node or DOM APIs).

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

/** A refused frame, before it is addressed to anyone: an error message without its tag. */
export type Refusal = Omit<ErrorMessage, "type">;

/** `GET /api/rooms/<room>`: who is in a room and how far its history goes. */
export interface RoomInfo {
  room: string;
  /** Sessions in the room. */
  online: number;
  /** Each name in the room once. */
  names: string[];
  /** 0 for a room that never spoke. */
  lastMessageId: number;
  /** Durable Objects holding the room's sessions now. */
  shards: number;
}

/** `GET /api/rooms/<room>/messages`: stored events, oldest first. */
export interface MessagesPage {
  room: string;
  messages: ChatMessage[];
  /** Whether some of the events asked for are no longer stored. */
  truncated: boolean;
}

/** The body of every refused API request. */
export interface ApiError {
  error: string;
  /** The refusal's code, for a refused post. */
  code?: ErrorCode;
}

/** What the messages API asks a room for: after `since`, or without it the latest `limit`. */
export interface MessagesQuery {
  since: number | null;
  limit: number;
}
