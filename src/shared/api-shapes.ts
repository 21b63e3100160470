// The HTTP API's request and response bodies under /api/rooms/<room>.

import type { ErrorCode, RoomSettings, StoredEvent } from "./server-messages.ts";

/** `GET /api/rooms/<room>`: who is in a room and how far its history goes. */
export interface RoomInfo {
  room: string;
  /** Sessions in the room. */
  online: number;
  /** Each name in the room once (at most PRESENCE_LIMIT of them). */
  names: string[];
  /** 0 for a room that never spoke. */
  lastMessageId: number;
  /** Durable Objects holding the room's sessions now. */
  shards: number;
  settings: RoomSettings;
}

/** `GET /api/rooms/<room>/messages`: stored events, oldest first. */
export interface MessagesPage {
  room: string;
  messages: StoredEvent[];
  /** Whether some of the events asked for are no longer stored. */
  truncated: boolean;
}

/** What the messages API asks a room for: after `since`, or without it the latest `limit`. */
export interface MessagesQuery {
  since: number | null;
  limit: number;
}

/** A ban, as `GET …/bans` lists it. */
export interface Ban {
  name?: string;
  user?: string;
  /** Epoch milliseconds. */
  until: number;
  reason?: string;
}

/** `GET /api/rooms/<room>/bans`. */
export interface BansPage {
  bans: Ban[];
}

/** `POST /api/rooms/<room>/kick`. */
export interface KickResult {
  kicked: number;
}

/** The body of every refused API request. */
export interface ApiError {
  error: string;
  /** The refusal's code, for a refused post or moderation call; `banned` only over HTTP. */
  code?: ErrorCode | "banned";
}
