// Reading frames off the wire and writing the text framing's lines: client frames as the room
// checks them, server frames (single or batched) as clients read them.

import type { Checked } from "./checked.ts";
import { REF_MAX_LENGTH, type ClientMessage, type ErrorCode, type Refusal, type ServerMessage } from "./protocol.ts";

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
