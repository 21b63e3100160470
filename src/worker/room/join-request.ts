// Reading a join request's room and query (`name`, `history`, `since`, `batch`) into checked values.

import type { Checked } from "../../shared/checked.ts";
import { BATCH_PARAM, CloseCode } from "../../shared/protocol.ts";
import { checkName, parseCount, roomOfPath } from "../../shared/rules.ts";

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

/** Why a join is refused: the close code and reason the socket gets. */
export interface JoinRefusal {
  code: number;
  reason: string;
}

/** Parses a `/chat[/<room>]?name=&history=&since=&batch=` URL. */
export function parseJoinRequest(
  url: URL,
  defaultHistory: number,
  historyLimit: number,
): Checked<JoinRequest, JoinRefusal> {
  const room = roomOfPath(url.pathname);
  if (room === null)
    return { ok: false, error: { code: CloseCode.notFound, reason: `path not found: ${url.pathname}` } };
  const bad = (reason: string) => ({ ok: false as const, error: { code: CloseCode.badRequest, reason } });
  const name = checkName(url.searchParams.get("name") ?? "");
  if (!name.ok) return bad(name.error);
  let since: number | null = null;
  const rawSince = url.searchParams.get("since");
  if (rawSince !== null) {
    const parsed = parseCount(rawSince, "since");
    if (!parsed.ok) return bad(parsed.error);
    since = parsed.value;
  }
  let history = defaultHistory;
  const rawHistory = url.searchParams.get("history");
  if (rawHistory !== null) {
    const parsed = parseCount(rawHistory, "history");
    if (!parsed.ok) return bad(parsed.error);
    history = parsed.value;
  }
  const rawBatch = url.searchParams.get(BATCH_PARAM);
  if (rawBatch !== null && rawBatch !== "0" && rawBatch !== "1") {
    return bad(`batch must be 0 or 1, got ${JSON.stringify(rawBatch.slice(0, 40))}`);
  }
  const batch = rawBatch === "1";
  return { ok: true, value: { room, name: name.value, since, history: Math.min(history, historyLimit), batch } };
}

/** A name for a session that gave none: `guest-` and four random base-36 characters. */
export function guestName(): string {
  let suffix = "";
  while (suffix.length < 4) {
    // 252 is the largest multiple of 36 in a byte: bytes above it would favour some characters.
    for (const byte of crypto.getRandomValues(new Uint8Array(8))) {
      if (byte < 252 && suffix.length < 4) suffix += (byte % 36).toString(36);
    }
  }
  return `guest-${suffix}`;
}
