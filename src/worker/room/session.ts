// What the room knows about each connected socket. The durable part lives in the socket's
// attachment, which the runtime keeps across hibernation; the rest is rebuilt on waking.

import type { Role } from "../../shared/protocol.ts";
import type { Bucket } from "../../shared/token-bucket.ts";
import type { Framing } from "./framing.ts";

/** Per-session data kept in the WebSocket attachment (structured-cloned, so plain data only). */
export interface SessionAttachment {
  /** The session's id across the room's objects; absent in attachments from before shards. */
  key?: string;
  name: string;
  room: string;
  /** Whether the session speaks the JSON framing (`chat.v1.json`) rather than text lines. */
  json: boolean;
  /** Whether the JSON session opted into batched frames (`batch=1`); absent in older attachments. */
  batch?: boolean;
  ip: string;
  path: string;
  /** The per-session rate limit. */
  bucket: Bucket;
  /** When the session last sent anything the room saw (pings answered by the runtime are read separately). */
  lastSeen: number;
  /** When the latest refusals for rate happened (at most the flood limit + 1 of them, oldest first). */
  refusedAt: number[];
  /** The verified user id (a token's `sub`); absent for guests. */
  user?: string;
  /** A verified session's role; guests are members. */
  role?: Role;
  /** When the session's token expires, epoch seconds. */
  exp?: number;
  /** When the session last posted a message, for slow mode. */
  lastPostAt?: number;
  /** When the session's last typing frame was relayed. */
  lastTypingAt?: number;
}

/** Whether the session may moderate the room. */
export function isModerator(data: SessionAttachment): boolean {
  return data.role === "moderator";
}

/** A live session: its socket, its attachment, how it is spoken to, and in-memory bookkeeping. */
export interface Session {
  socket: WebSocket;
  data: SessionAttachment;
  framing: Framing;
  /**
   * Whether the room has told the others this session joined. A session dropped before its
   * welcome went out was never announced, so it must not be announced as left either.
   */
  announced: boolean;
  /** The newest stored id its welcome held: later deliveries of older ids skip it. */
  welcomedUpTo: number;
  /** The sequencer's last broadcast when its welcome was built: later deliveries of earlier ones skip it. */
  welcomedSeq: number;
  /** Refusals not yet logged, and when the last refusal line was written. */
  unloggedRefusals: number;
  lastRefusalLogAt: number;
}
