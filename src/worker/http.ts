// Small HTTP answers the Worker and the room share.

import type { ApiError } from "../shared/protocol.ts";

/** A `text/plain` response. */
export function textResponse(body: string, status = 200, headers: HeadersInit = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

/** A JSON response. */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

/** A JSON `{ error }` response for a bad API request. */
export function jsonError(status: number, error: string, code?: ApiError["code"]): Response {
  return jsonResponse(code === undefined ? { error } : ({ error, code } satisfies ApiError), status);
}

/** Whether the request asks to become a WebSocket. */
export function isWebSocketUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}
