// Every frame the server sends in the JSON framing, as a tagged union on `type`.

/** What the room tells each JSON client so that it can pace itself. */
export interface RoomLimits {
  messageBytes: number;
  burst: number;
  perSecond: number;
}

/** A room's moderation settings. */
export interface RoomSettings {
  /** Seconds each non-moderator must wait between messages; 0 for off. */
  slowMode: number;
  /** Only moderators may post. */
  readOnly: boolean;
}

/** A verified session's standing in a room. */
export type Role = "member" | "moderator";

/** One stored chat message, as every client receives it. */
export interface ChatMessage {
  type: "message";
  /** The room's sequence number: 1, 2, 3 … (messages and delete events share it). */
  id: number;
  name: string;
  /** Empty for a deleted message's tombstone. */
  text: string;
  /** Server time, epoch milliseconds. */
  at: number;
  ref?: string;
  /** The verified author's user id; absent for guests. */
  user?: string;
  /** The message was deleted: it stays in history as this tombstone. */
  deleted?: true;
}

/** A message was deleted; takes the room's next id, and is stored and replayed like messages. */
export interface DeleteEvent {
  type: "delete";
  id: number;
  /** The deleted message's id. */
  target: number;
  /** Who deleted it. */
  name: string;
  user?: string;
  at: number;
}

/** What a room stores and replays, in one sequence of ids. */
export type StoredEvent = ChatMessage | DeleteEvent;

/** Always the first frame of a JSON session. */
export interface WelcomeMessage {
  type: "welcome";
  room: string;
  you: string;
  /** Each name in the room once (at most PRESENCE_LIMIT of them). */
  online: string[];
  /** Sessions in the room. */
  onlineCount: number;
  history: StoredEvent[];
  truncated: boolean;
  limits: RoomLimits;
  /** The newest id the room has given (0 before its first event). */
  lastMessageId: number;
  settings: RoomSettings;
  /** Present for a verified session. */
  user?: string;
  role?: Role;
}

/** Someone joined; `online` counts sessions after the change. */
export interface JoinMessage {
  type: "join";
  name: string;
  at: number;
  online: number;
  user?: string;
}

/** Someone left; `online` counts sessions after the change. */
export interface LeaveMessage {
  type: "leave";
  name: string;
  at: number;
  online: number;
  user?: string;
  /** Present when another session with this name is still in the room. */
  stillOnline?: true;
}

/** In rooms over PRESENCE_LIMIT: who came and went since the last one, at most once a second. */
export interface PresenceMessage {
  type: "presence";
  online: number;
  joined: string[];
  left: string[];
  joinedCount: number;
  leftCount: number;
}

/** Someone is typing; never stored. */
export interface TypingMessage {
  type: "typing";
  name: string;
  user?: string;
}

/** A moderator changed the room's settings. */
export interface SettingsMessage extends RoomSettings {
  type: "settings";
  /** Who changed them. */
  name: string;
}

/** Why a frame was refused. */
export type ErrorCode =
  | "too_long"
  | "empty"
  | "rate_limited"
  | "bad_frame"
  | "binary_not_supported"
  | "forbidden"
  | "not_found"
  | "read_only"
  | "slow_mode";

/** A refusal, sent only to the session that caused it; the socket stays open. */
export interface ErrorMessage {
  type: "error";
  code: ErrorCode;
  message: string;
  ref?: string;
}

/** A refused frame, before it is addressed to anyone: an error message without its tag. */
export type Refusal = Omit<ErrorMessage, "type">;

/** The runtime's heartbeat answer. */
export interface PongMessage {
  type: "pong";
}

/** Every frame the server sends in the JSON framing. */
export type ServerMessage =
  | WelcomeMessage
  | ChatMessage
  | DeleteEvent
  | JoinMessage
  | LeaveMessage
  | PresenceMessage
  | TypingMessage
  | SettingsMessage
  | ErrorMessage
  | PongMessage;

/** What a frame of the JSON framing holds: one server message, or (with `batch=1`) several. */
export type ServerFrame = ServerMessage | ServerMessage[];
