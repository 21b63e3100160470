// Every frame a client may send in the JSON framing, as a tagged union on `type`.

import type { RoomSettings } from "./server-messages.ts";

/** A chat message a client sends. */
export interface SendMessage {
  type: "message";
  text: string;
  /** Chosen at random by the client; a resend with the same ref is never stored twice. */
  ref?: string;
}

/** The heartbeat. */
export interface PingMessage {
  type: "ping";
}

/** The sender is typing. */
export interface TypingRequest {
  type: "typing";
}

/** Whom a kick, ban or unban is aimed at: a name, or a verified user id. */
export type Target = { name: string; user?: undefined } | { user: string; name?: undefined };

/** Deletes a message (moderators, or its verified author). */
export interface DeleteRequest {
  type: "delete";
  target: number;
}

/** Closes every session of a name or user (moderators). */
export type KickRequest = { type: "kick" } & Target;

/** Kicks, then refuses joins of a name or user for `seconds` (moderators). */
export type BanRequest = { type: "ban"; seconds: number; reason?: string } & Target;

/** Lifts a ban (moderators). */
export type UnbanRequest = { type: "unban" } & Target;

/** Changes the room's settings (moderators). */
export type SettingsRequest = { type: "settings" } & Partial<RoomSettings>;

/** Every frame a client may send in the JSON framing. */
export type ClientMessage =
  SendMessage | PingMessage | TypingRequest | DeleteRequest | KickRequest | BanRequest | UnbanRequest | SettingsRequest;
