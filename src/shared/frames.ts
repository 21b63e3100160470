// Reading frames off the wire and writing the text framing's lines: client frames as the room
// checks them, server frames (single or batched) as clients read them.

import type { Checked } from "./checked.ts";
import type { ClientMessage, Refusal, ServerMessage } from "./protocol.ts";
import {
  checkBanTerms,
  checkMessageId,
  checkRef,
  checkSettingsChange,
  checkTarget,
  describe,
  parseObject,
  type Fields,
} from "./requests.ts";

const CLIENT_TYPES = '"message", "ping", "typing", "delete", "kick", "ban", "unban" or "settings"';

/** Parses one JSON-framing text frame from a client; never throws. */
export function parseClientFrame(frame: string): Checked<ClientMessage, Refusal> {
  const object = parseObject(frame);
  if (!object.ok) return refuse(object.error);
  const fields = object.value;
  const ref = checkRef(fields.ref);
  if (!ref.ok) return refuse(ref.error);
  const checked = readClientMessage(fields, ref.value);
  return checked.ok ? checked : refuse(checked.error, ref.value);
}

function readClientMessage(fields: Fields, ref: string | undefined): Checked<ClientMessage> {
  switch (fields.type) {
    case "message": {
      const { text } = fields;
      if (typeof text !== "string")
        return { ok: false, error: `expected "text" to be a string, got ${describe(text)}` };
      return { ok: true, value: ref === undefined ? { type: "message", text } : { type: "message", text, ref } };
    }
    case "ping":
    case "typing":
      return { ok: true, value: { type: fields.type } };
    case "delete": {
      const target = checkMessageId(fields.target, "target");
      return target.ok ? { ok: true, value: { type: "delete", target: target.value } } : target;
    }
    case "kick":
    case "unban": {
      const target = checkTarget(fields);
      return target.ok ? { ok: true, value: { type: fields.type, ...target.value } } : target;
    }
    case "ban": {
      const target = checkTarget(fields);
      if (!target.ok) return target;
      const terms = checkBanTerms(fields);
      return terms.ok ? { ok: true, value: { type: "ban", ...target.value, ...terms.value } } : terms;
    }
    case "settings": {
      const change = checkSettingsChange(fields);
      return change.ok ? { ok: true, value: { type: "settings", ...change.value } } : change;
    }
    default:
      return { ok: false, error: `expected "type" to be ${CLIENT_TYPES}, got ${describe(fields.type)}` };
  }
}

/** The note a text-framing client gets when messages it asked for are no longer stored. */
export const TRUNCATED_NOTE = "note: older messages are no longer kept";

const SERVER_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  "welcome",
  "message",
  "delete",
  "join",
  "leave",
  "presence",
  "typing",
  "settings",
  "error",
  "pong",
]);

/**
 * Reads one JSON-framing frame from the server: a message object, or (with `batch=1`) an array of
 * them, oldest first. Anything that is not a message of a known type is left out, so that a
 * client skips what a newer server may send that it does not know.
 */
export function parseServerFrame(frame: string): ServerMessage[] {
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    return [];
  }
  const items: unknown[] = Array.isArray(data) ? data : [data];
  return items.filter(isServerMessage);
}

function isServerMessage(item: unknown): item is ServerMessage {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return false;
  const type = (item as { type?: unknown }).type;
  return typeof type === "string" && SERVER_MESSAGE_TYPES.has(type);
}

/**
 * The text framing's lines for a server message: none for frames it has no line for. A delete
 * and a settings change read better with what only the room knows (whose message, what
 * changed), so the room words those itself (see the room's moderation).
 */
export function toTextLines(message: ServerMessage): string[] {
  switch (message.type) {
    case "message":
      return message.deleted ? [] : [`from ${message.name}: ${message.text}`];
    case "join":
      return [`${message.name} joined the chat!`];
    case "leave":
      return [`${message.name} left the chat!`];
    case "presence":
      return [
        ...(message.joinedCount > 0 ? [`${nameList(message.joined, message.joinedCount)} joined the chat!`] : []),
        ...(message.leftCount > 0 ? [`${nameList(message.left, message.leftCount)} left the chat!`] : []),
      ];
    case "error":
      return [`error: ${message.message}`];
    case "settings":
      return [`note: ${describeSettings(message)} (set by ${message.name})`];
    case "delete":
    case "typing":
    case "welcome":
    case "pong":
      return [];
  }
}

/** `alice`, `alice and bob`, `alice, bob and 3 others`: names listed, then the rest counted. */
export function nameList(names: readonly string[], count: number): string {
  const others = count - names.length;
  if (others > 0) return `${names.join(", ")} and ${others} other${others === 1 ? "" : "s"}`;
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** The room's settings in words: `slow mode 30 s, read-only`. */
export function describeSettings({ slowMode, readOnly }: { slowMode: number; readOnly: boolean }): string {
  const slow = slowMode > 0 ? `slow mode is ${slowMode} s` : "slow mode is off";
  return `${slow}, ${readOnly ? "only moderators may post" : "everyone may post"}`;
}

function refuse(message: string, ref?: string): { ok: false; error: Refusal } {
  return { ok: false, error: ref === undefined ? { code: "bad_frame", message } : { code: "bad_frame", message, ref } };
}
