// A room as the workerd tests reach it besides its sockets: its Durable Object, its stored
// history, and its HTTP API through the Worker.

import { env, evictDurableObject, runInDurableObject, SELF } from "cloudflare:test";
import { History } from "../../src/worker/room/history.ts";

/** The Durable Object that holds `room` (its first shard). */
export function roomStub(room: string) {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room));
}

/** Writes `count` messages (m1, m2 …) straight into a room's storage, then evicts it so it reloads them. */
export async function seed(room: string, count: number): Promise<void> {
  const stub = roomStub(room);
  await runInDurableObject(stub, (_instance, state) => {
    const history = new History(state.storage.sql, 1000);
    for (let i = 1; i <= count; i++) history.append({ name: "seed" }, `m${i}`, 1_700_000_000_000 + i, `seed-${i}`);
    history.commit();
  });
  await evictDurableObject(stub);
}

/** Options for {@link roomApi}. */
export interface RoomApiRequest {
  method?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON, or as it is when a string (a body that is not JSON). */
  body?: unknown;
}

/** A request to `/api/rooms/<path>` through the Worker. */
export function roomApi(path: string, request: RoomApiRequest = {}): Promise<Response> {
  const headers = new Headers();
  if (request.token) headers.set("authorization", `Bearer ${request.token}`);
  let body: string | undefined;
  if (request.body !== undefined) {
    headers.set("content-type", "application/json");
    body = typeof request.body === "string" ? request.body : JSON.stringify(request.body);
  }
  return SELF.fetch(`http://localhost/api/rooms/${path}`, { method: request.method ?? "GET", headers, body });
}
