// The room's HTTP API as the Node tests and tools read it: what a room says about itself, and
// what it has stored. Errors name the request and its status.

import type { MessagesPage, RoomInfo } from "../../src/shared/api-shapes.ts";

/** Who the room thinks is online, and its newest message id. */
export function roomState(server: { url: string }, room: string): Promise<RoomInfo> {
  return getJson<RoomInfo>(server, `/api/rooms/${room}`);
}

/** The room's stored messages; `query` as the API takes it (`since=0&limit=1000`). */
export function storedMessages(server: { url: string }, room: string, query = ""): Promise<MessagesPage> {
  return getJson<MessagesPage>(server, `/api/rooms/${room}/messages${query === "" ? "" : `?${query}`}`);
}

async function getJson<T>(server: { url: string }, path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
