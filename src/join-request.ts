// Reading a join request's room and query (`name`, `history`, `since`, `batch`) into checked values.

import { BATCH_PARAM, checkName, parseCount, type Checked } from "./protocol.ts";
import { chatRoomOf } from "./router.ts";

/** What a client asked for when it joined. */
export interface JoinRequest {
  room: string;
  /** Checked and normalised; empty when the server must pick a guest name. */
  name: string;
  /** Replay every stored message after this id (wins over `history`). */
  since: number | null;
  /** Replay the newest this many messages. */
  history: number;
  /** The client opted into batched frames (`batch=1`, JSON framing only). */
  batch: boolean;
}

/** Parses a `/chat[/<room>]?name=&history=&since=&batch=` URL; the error is a close reason. */
export function parseJoinRequest(url: URL, defaultHistory: number, historyLimit: number): Checked<JoinRequest> {
  const room = chatRoomOf(url.pathname);
  if (room === null) return { ok: false, error: `path not found: ${url.pathname}` };
  const name = checkName(url.searchParams.get("name") ?? "");
  if (!name.ok) return name;
  let since: number | null = null;
  const rawSince = url.searchParams.get("since");
  if (rawSince !== null) {
    const parsed = parseCount(rawSince, "since");
    if (!parsed.ok) return parsed;
    since = parsed.value;
  }
  let history = defaultHistory;
  const rawHistory = url.searchParams.get("history");
  if (rawHistory !== null) {
    const parsed = parseCount(rawHistory, "history");
    if (!parsed.ok) return parsed;
    history = parsed.value;
  }
  const rawBatch = url.searchParams.get(BATCH_PARAM);
  if (rawBatch !== null && rawBatch !== "0" && rawBatch !== "1") {
    return { ok: false, error: `batch must be 0 or 1, got ${JSON.stringify(rawBatch.slice(0, 40))}` };
  }
  const batch = rawBatch === "1";
  return { ok: true, value: { room, name: name.value, since, history: Math.min(history, historyLimit), batch } };
}

/** A name for a session that gave none: `guest-` and four random base-36 characters. */
export function guestName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return "guest-" + Array.from(bytes, (byte) => (byte % 36).toString(36)).join("");
}
