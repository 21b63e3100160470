// The HTTP API under /api/rooms/<room>: the Worker reads the path and the query once and asks
// the room over RPC, so the room never parses a URL.

import { DEFAULT_API_LIMIT, MAX_API_LIMIT, type MessagesQuery } from "../shared/protocol.ts";
import { isRoomName, parseCount } from "../shared/rules.ts";
import type { Checked } from "../shared/checked.ts";
import { jsonError, jsonResponse } from "./http.ts";

/** An API path taken apart: the room, and which resource. */
interface ApiPath {
  room: string;
  resource: "room" | "messages";
}

/** Answers a request to a path under `/api/`. */
export async function routeApi(request: Request, url: URL, env: Env): Promise<Response> {
  const api = parseApiPath(url.pathname);
  if (!api.ok) return jsonError(api.error.status, api.error.message);
  const { room, resource } = api.value;
  if (request.method !== "GET") return jsonError(405, `${request.method} is not allowed here, only GET`);
  const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room));
  if (resource === "room") return jsonResponse(await stub.info(room));
  const query = parseMessagesQuery(url);
  if (!query.ok) return jsonError(400, query.error);
  return jsonResponse(await stub.messages(room, query.value));
}

function parseApiPath(path: string): Checked<ApiPath, { status: number; message: string }> {
  const match = /^\/api\/rooms\/([^/]+)(\/messages)?$/.exec(path);
  if (match === null) {
    const message = `no API at ${path}: try /api/rooms/<room> or /api/rooms/<room>/messages`;
    return { ok: false, error: { status: 404, message } };
  }
  const room = match[1]!;
  if (!isRoomName(room)) {
    const message = `room names are 1–64 of A-Z a-z 0-9 _ -, got ${JSON.stringify(decodeSafely(room))}`;
    return { ok: false, error: { status: 400, message } };
  }
  return { ok: true, value: { room, resource: match[2] === undefined ? "room" : "messages" } };
}

function parseMessagesQuery(url: URL): Checked<MessagesQuery> {
  let limit = DEFAULT_API_LIMIT;
  const rawLimit = url.searchParams.get("limit");
  if (rawLimit !== null) {
    const parsed = parseCount(rawLimit, "limit");
    if (!parsed.ok) return parsed;
    if (parsed.value < 1 || parsed.value > MAX_API_LIMIT) {
      return { ok: false, error: `limit must be between 1 and ${MAX_API_LIMIT}, got ${parsed.value}` };
    }
    limit = parsed.value;
  }
  const rawSince = url.searchParams.get("since");
  if (rawSince === null) return { ok: true, value: { since: null, limit } };
  const since = parseCount(rawSince, "since");
  return since.ok ? { ok: true, value: { since: since.value, limit } } : since;
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
