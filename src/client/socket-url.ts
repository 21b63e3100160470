// Where a client connects: the service's base URL (http or ws) turned into socket URLs.

import { DEFAULT_ROOM } from "../shared/protocol.ts";

/** The WebSocket URL of `path` on a service, from a base URL whose http(s) scheme becomes ws(s). */
export function socketUrl(base: string, path: string): URL {
  const url = new URL(base);
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  url.pathname = path;
  url.search = "";
  url.hash = "";
  return url;
}

/** The WebSocket URL of a room, with the join parameters that are set. */
export function roomSocketUrl(
  base: string,
  room: string,
  params: Record<string, string | number | undefined> = {},
): URL {
  const url = socketUrl(base, room === DEFAULT_ROOM ? "/chat" : `/chat/${room}`);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") url.searchParams.set(key, String(value));
  }
  return url;
}
