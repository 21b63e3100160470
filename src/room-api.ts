// The room's read-only HTTP API: `GET /api/rooms/<room>` and `GET /api/rooms/<room>/messages`.

import type { History } from "./history.ts";
import { jsonError, jsonResponse } from "./http.ts";
import { DEFAULT_API_LIMIT, MAX_API_LIMIT } from "./protocol.ts";
import { parseCount } from "./validation.ts";

/** What the API reads from a room. */
export interface RoomSnapshot {
  history: History;
  online: number;
  names: string[];
}

/** Answers an API request that the Worker has already checked names a valid room. */
export function answerRoomApi(url: URL, room: RoomSnapshot): Response {
  const match = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})(\/messages)?$/.exec(url.pathname);
  if (match === null) return jsonError(404, `no API at ${url.pathname}`);
  const name = match[1]!;
  if (match[2] === undefined) {
    return jsonResponse({ room: name, online: room.online, names: room.names, lastMessageId: room.history.lastId });
  }

  let limit = DEFAULT_API_LIMIT;
  const rawLimit = url.searchParams.get("limit");
  if (rawLimit !== null) {
    const parsed = parseCount(rawLimit, "limit");
    if (!parsed.ok) return jsonError(400, parsed.error);
    if (parsed.value < 1 || parsed.value > MAX_API_LIMIT) {
      return jsonError(400, `limit must be between 1 and ${MAX_API_LIMIT}, got ${parsed.value}`);
    }
    limit = parsed.value;
  }
  const rawSince = url.searchParams.get("since");
  let replay;
  if (rawSince === null) {
    replay = room.history.latest(limit);
  } else {
    const since = parseCount(rawSince, "since");
    if (!since.ok) return jsonError(400, since.error);
    replay = room.history.since(since.value, limit);
  }
  return jsonResponse({ room: name, messages: replay.messages, truncated: replay.truncated });
}
