// What the client core reports and what it is given: its states, its callbacks and its options.

import type {
  ChatMessage,
  DeleteEvent,
  ErrorMessage,
  JoinMessage,
  LeaveMessage,
  PresenceMessage,
  SettingsMessage,
  TypingMessage,
  WelcomeMessage,
} from "../shared/protocol.ts";
import type { PendingMessage } from "./outbox.ts";
import type { SocketLike } from "./socket-like.ts";

/** Where the connection stands, for a status line. */
export type ConnectionState =
  | { kind: "connecting"; attempt: number }
  | { kind: "connected" }
  | { kind: "waiting"; retryAt: number; attempt: number; code: number; reason: string }
  | { kind: "closed"; code: number; reason: string };

/** What the connection reports; every callback is optional. */
export interface ChatConnectionEvents {
  state?(state: ConnectionState): void;
  welcome?(welcome: WelcomeMessage, resumed: boolean): void;
  /** The welcome's replay has been reported, and nothing live yet: where "you joined" belongs. */
  replayed?(welcome: WelcomeMessage, resumed: boolean): void;
  /** A message not seen before, in room order; `mine` when this client sent it. */
  message?(message: ChatMessage, mine: boolean): void;
  join?(join: JoinMessage): void;
  leave?(leave: LeaveMessage): void;
  error?(error: ErrorMessage): void;
  /** A message was deleted (live, or in a replay); its text is gone. */
  deleted?(event: DeleteEvent): void;
  /** A moderator changed the room's settings. */
  settings?(settings: SettingsMessage): void;
  /** Someone else is typing. */
  typing?(typing: TypingMessage): void;
  /** In big rooms: who came and went, in summary. */
  presence?(presence: PresenceMessage): void;
  /** The set of unacknowledged messages changed. */
  pending?(pending: readonly PendingMessage[]): void;
  /** The socket closed before it ever opened, with nothing said by the server (unreachable URL). */
  unreachable?(detail: string): void;
}

/** How to reach the room and how to open a socket. */
export interface ChatConnectionOptions {
  /** http(s) or ws(s) base URL of the service. */
  url: string;
  room: string;
  name?: string;
  /** How many stored messages to replay on the first join. */
  history?: number;
  /** A signed token (SPEC.md "Who is who"); the opener decides how it travels (header or `token` parameter). */
  token?: string;
  /** Opens a socket; `token`, when given, must reach the server with the upgrade request. */
  openSocket(url: string, protocol: string, token?: string): SocketLike;
  events?: ChatConnectionEvents;
  random?: () => number;
  /** Wait out the room's slow mode between own messages instead of having them refused. */
  paceSlowMode?: boolean;
}
