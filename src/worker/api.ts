// The HTTP API under /api/rooms/<room>: the Worker reads the path, the query, the body and the
// caller once, then asks the room over RPC, so the room never parses a URL or sees a token.

import type { Identity } from "../shared/access.ts";
import type { Checked } from "../shared/checked.ts";
import { DEFAULT_API_LIMIT, MAX_API_LIMIT, type MessagesQuery } from "../shared/protocol.ts";
import * as requests from "../shared/requests.ts";
import { checkName, isRoomName, parseCount } from "../shared/rules.ts";
import { apiRefusalResponse, authorizeApi, verifyApiAccess, type ApiAccess, type ApiNeed } from "./auth/api-access.ts";
import { readAuthConfig } from "./auth/auth-config.ts";
import { jsonError, jsonResponse } from "./http.ts";
import type { Actor } from "./room/moderation.ts";
import type { RoomAnswer } from "./room/room-api.ts";

/** The largest request body the API reads; a message's text is at most a few KB. */
const MAX_BODY_BYTES = 64 * 1024;
/** Who posts when the admin names nobody. */
const ADMIN_DEFAULT_NAME = "system";

type Resource = "room" | "messages" | "message" | "kick" | "bans";

/** An API path taken apart. */
interface ApiPath {
  room: string;
  resource: Resource;
  /** The message id of `/messages/<id>`. */
  id?: number;
}

/** Which routes exist, and what each needs of its caller. */
const ROUTES: Record<Resource, Partial<Record<string, ApiNeed>>> = {
  room: { GET: "read", PATCH: "moderate" },
  messages: { GET: "read", POST: "post" },
  message: { DELETE: "moderate" },
  kick: { POST: "moderate" },
  bans: { GET: "moderate", PUT: "moderate", DELETE: "moderate" },
};

/** Answers a request to a path under `/api/`. */
export async function routeApi(request: Request, url: URL, env: Env): Promise<Response> {
  const path = parseApiPath(url.pathname);
  if (!path.ok) return jsonError(path.error.status, path.error.message);
  const { room, resource } = path.value;
  const need = ROUTES[resource][request.method];
  if (need === undefined) {
    const allowed = Object.keys(ROUTES[resource]).join(", ");
    return jsonError(405, `${request.method} is not allowed on ${url.pathname}: use ${allowed}`);
  }
  const access = await verifyApiAccess(request, room, readAuthConfig(env));
  const refusal = authorizeApi(access, need);
  if (refusal !== null) return apiRefusalResponse(refusal);
  const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room));

  switch (`${request.method} ${resource}`) {
    case "GET room":
      return jsonResponse(await stub.info(room));
    case "GET messages": {
      const query = parseMessagesQuery(url);
      return query.ok ? jsonResponse(await stub.messages(room, query.value)) : jsonError(400, query.error);
    }
    case "DELETE message":
      return answer(await stub.deleteMessage(room, actorOf(access), path.value.id!));
    case "GET bans":
      return answer(await stub.bans(room));
    case "DELETE bans": {
      // It names its target in the query, like a GET would.
      const target = requests.checkTarget(Object.fromEntries(url.searchParams));
      return target.ok ? answer(await stub.unban(room, actorOf(access), target.value)) : jsonError(400, target.error);
    }
  }
  const body = await readBody(request);
  if (!body.ok) return jsonError(400, body.error);
  const fields = body.value;
  switch (`${request.method} ${resource}`) {
    case "POST messages": {
      const checked = checkPost(fields, access);
      if (!checked.ok) return jsonError(400, checked.error, "bad_frame");
      return answer(await stub.post(room, checked.value.actor, checked.value.post));
    }
    case "PATCH room": {
      const change = requests.checkSettingsChange(fields);
      return change.ok
        ? answer(await stub.changeSettings(room, actorOf(access), change.value))
        : jsonError(400, change.error);
    }
    case "POST kick": {
      const target = requests.checkTarget(fields);
      return target.ok ? answer(await stub.kick(room, actorOf(access), target.value)) : jsonError(400, target.error);
    }
    case "PUT bans": {
      const target = requests.checkTarget(fields);
      if (!target.ok) return jsonError(400, target.error);
      const terms = requests.checkBanTerms(fields);
      return terms.ok
        ? answer(await stub.ban(room, actorOf(access), target.value, terms.value))
        : jsonError(400, terms.error);
    }
  }
  return jsonError(405, `${request.method} is not allowed on ${url.pathname}`);
}

function answer<T>({ status, body }: RoomAnswer<T>): Response {
  return jsonResponse(body, status);
}

/** Who a caller is in the room's eyes; the admin acts as a moderator named `system`. */
function actorOf(access: ApiAccess, adminName = ADMIN_DEFAULT_NAME): Actor {
  if (access.kind === "verified") return identityActor(access.identity);
  return { name: adminName, moderator: access.kind === "admin" };
}

function identityActor({ name, user, role }: Identity): Actor {
  return { name, user, moderator: role === "moderator" };
}

/** A post's body: `text`, and `ref`; `name` only from the admin (a token posts under its own name). */
function checkPost(
  fields: requests.Fields,
  access: ApiAccess,
): Checked<{ actor: Actor; post: { text: string; ref?: string } }> {
  const { text } = fields;
  if (typeof text !== "string") {
    return { ok: false, error: `expected "text" to be a string, got ${requests.describe(text)}` };
  }
  const ref = requests.checkRef(fields.ref);
  if (!ref.ok) return ref;
  let actor = actorOf(access);
  if (access.kind === "admin" && fields.name !== undefined) {
    if (typeof fields.name !== "string")
      return { ok: false, error: `expected "name" to be a string, got ${requests.describe(fields.name)}` };
    const name = checkName(fields.name);
    if (!name.ok) return name;
    if (name.value !== "") actor = actorOf(access, name.value);
  }
  return { ok: true, value: { actor, post: ref.value === undefined ? { text } : { text, ref: ref.value } } };
}

async function readBody(request: Request): Promise<Checked<requests.Fields>> {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) return { ok: false, error: `the body is over ${MAX_BODY_BYTES} bytes` };
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) return { ok: false, error: `the body is over ${MAX_BODY_BYTES} bytes` };
  return requests.parseObject(text);
}

function parseApiPath(path: string): Checked<ApiPath, { status: number; message: string }> {
  const match = /^\/api\/rooms\/([^/]+)(?:\/(messages|kick|bans)(?:\/([^/]+))?)?$/.exec(path);
  const notFound = {
    ok: false as const,
    error: { status: 404, message: `no API at ${path}: try /api/rooms/<room> or /api/rooms/<room>/messages` },
  };
  if (match === null) return notFound;
  const room = match[1]!;
  if (!isRoomName(room)) {
    const message = `room names are 1–64 of A-Z a-z 0-9 _ -, got ${JSON.stringify(decodeSafely(room))}`;
    return { ok: false, error: { status: 400, message } };
  }
  const segment = match[2] as "messages" | "kick" | "bans" | undefined;
  if (match[3] === undefined) return { ok: true, value: { room, resource: segment ?? "room" } };
  if (segment !== "messages") return notFound;
  const id = parseCount(match[3], "message id");
  if (!id.ok || id.value < 1)
    return {
      ok: false,
      error: { status: 404, message: `no message ${JSON.stringify(decodeSafely(match[3]))} in this room` },
    };
  return { ok: true, value: { room, resource: "message", id: id.value } };
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
