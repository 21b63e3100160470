// SPEC.md's route table, in one place. Static pages are served by the assets binding; every
// other route is matched here and handed to the echo handler or a room.

import { readConfig } from "./config.ts";
import { handleEcho } from "./echo.ts";
import { isWebSocketUpgrade, jsonError, textResponse } from "./http.ts";
import { isOriginAllowed } from "./origin.ts";
import { CloseCode } from "../shared/protocol.ts";
import { roomOfPath } from "../shared/rules.ts";
import { routeApi } from "./api.ts";
import { parseJoinRequest, withJoinRequest } from "./join-request.ts";
import { closeAfterUpgrade } from "./upgrade.ts";
import { readAuthConfig } from "./auth/auth-config.ts";
import { verifyAccess } from "./auth/verify-access.ts";

const OLD_PAGE_PATHS: Record<string, string> = { "/ui-chat": "/", "/ui-echo": "/echo.html" };

/** Answers one request to the Worker. */
export async function route(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname;

  if (isWebSocketUpgrade(request)) {
    if (!isOriginAllowed(request, readConfig(env).allowedOrigins)) {
      return textResponse(`origin ${request.headers.get("origin")} may not open WebSockets here\n`, 403);
    }
    if (path === "/echo") return handleEcho(request);
    const room = roomOfPath(path);
    if (room !== null) return routeJoin(request, url, env, room);
    if (path === "/") return closeAfterUpgrade(request, CloseCode.badRequest, "needs a path");
    return closeAfterUpgrade(request, CloseCode.notFound, `path not found: ${path}`);
  }

  if (path === "/healthz") return textResponse("ok");
  const oldPage = OLD_PAGE_PATHS[path];
  if (oldPage !== undefined) return Response.redirect(new URL(oldPage, url).href, 301);
  if (path === "/echo" || roomOfPath(path) !== null) {
    return textResponse(
      `${path} is a WebSocket endpoint: connect with a WebSocket client, for example\n` +
        `  websocat ws://${url.host}${path}\n`,
      426,
      { upgrade: "websocket" },
    );
  }
  if (path.startsWith("/api/")) return routeApi(request, url, env);
  // html_handling is "none" (see wrangler.toml), so the page at / is named here.
  if (path === "/") return env.ASSETS.fetch(new Request(new URL("/index.html", url), request));
  return env.ASSETS.fetch(request);
}

/** A socket to a room: who it is first (a refusal never reaches the room), then what it asks for. */
async function routeJoin(request: Request, url: URL, env: Env, room: string): Promise<Response> {
  const access = await verifyAccess(request, room, readAuthConfig(env));
  if (access.kind === "refused") {
    const { code, reason, detail } = access.refusal;
    return closeAfterUpgrade(request, code, reason, detail);
  }
  const join = parseJoinRequest(request, url, room);
  if (!join.ok) return closeAfterUpgrade(request, join.error.code, join.error.reason);
  const identity = access.kind === "verified" ? access.identity : undefined;
  return roomStub(env, room).fetch(withJoinRequest(request, { ...join.value, ...(identity && { identity }) }));
}

function roomStub(env: Env, room: string) {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room));
}
