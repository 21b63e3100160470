// The room's read-only HTTP API: `GET /api/rooms/<room>` and `GET /api/rooms/<room>/messages`.

import type { History } from "./history.ts";
import { jsonError, jsonResponse } from "../http.ts";
import { DEFAULT_API_LIMIT, MAX_API_LIMIT } from "../../shared/protocol.ts";
import { parseCount } from "../../shared/rules.ts";

/** What the API reads from a room. */
export interface RoomSnapshot {
  history: History;
  online: number;
  names: string[];
}

/** An API path taken apart: the room segment as written (unchecked), and which resource. */
export interface ApiPath {
  room: string;
  messages: boolean;
}

/** Reads `/api/rooms/<room>` or `/api/rooms/<room>/messages`; null for any other path. */
export function parseApiPath(path: string): ApiPath | null {
  const match = /^\/api\/rooms\/([^/]+)(\/messages)?$/.exec(path);
  return match === null ? null : { room: match[1]!, messages: match[2] !== undefined };
}

/** Answers an API request that the Worker has already checked names a valid room. */
export function answerRoomApi(url: URL, room: RoomSnapshot): Response {
  const api = parseApiPath(url.pathname);
  if (api === null) return jsonError(404, `no API at ${url.pathname}`);
  const name = api.room;
  if (!api.messages) {
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
