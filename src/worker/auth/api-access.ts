// Access to the HTTP API (SPEC.md "HTTP API access"): the same tokens as the sockets, but only
// from the `Authorization: Bearer` header (a URL ends up in logs), ADMIN_TOKEN besides, and
// refusals as HTTP 401/403 with a JSON `{ error }` instead of a close code.

import { AccessCloseCode, AccessReason } from "../../shared/access.ts";
import { jsonError } from "../http.ts";
import { isAdminToken } from "./admin-token.ts";
import type { AuthConfig } from "./auth-config.ts";
import { bearerToken } from "./request-token.ts";
import { verifyToken, type Access, type AccessRefusal } from "./verify-access.ts";

/** Who an API request is: as for a socket, or the admin (it showed ADMIN_TOKEN). */
export type ApiAccess = Access | { kind: "admin" };

/** What a route needs: `read` the GET routes, `post` a message, `moderate` the moderator routes. */
export type ApiNeed = "read" | "post" | "moderate";

/** An API refusal: the HTTP status and the `{ error }` text. */
export interface ApiRefusal {
  status: 401 | 403 | 500;
  error: string;
}

/** The `{ error }` of a member's token on a moderator route. */
export const MODERATORS_ONLY = "moderators only";

/** Checks an API request to `room`: ADMIN_TOKEN first, else the bearer token as {@link verifyToken} does. */
export async function verifyApiAccess(request: Request, room: string, config: AuthConfig): Promise<ApiAccess> {
  const token = bearerToken(request);
  if (await isAdminToken(token, config.adminToken)) return { kind: "admin" };
  return verifyToken(token, room, config);
}

/**
 * Whether `access` may do what a route needs, or the refusal: a guest (open mode) may read but
 * not post or moderate (401 `token required`); a member's token may not moderate (403); the
 * admin may do everything.
 */
export function authorizeApi(access: ApiAccess, need: ApiNeed): ApiRefusal | null {
  switch (access.kind) {
    case "refused":
      return httpRefusal(access.refusal);
    case "admin":
      return null;
    case "guest":
      return need === "read" ? null : { status: 401, error: AccessReason.tokenRequired };
    case "verified":
      return need === "moderate" && access.identity.role !== "moderator"
        ? { status: 403, error: MODERATORS_ONLY }
        : null;
  }
}

/** The HTTP form of a socket refusal: 4401 → 401, 4403 → 403, 1011 (no AUTH_SECRET) → 500; same text. */
export function httpRefusal(refusal: AccessRefusal): ApiRefusal {
  const status =
    refusal.code === AccessCloseCode.unauthorized ? 401 : refusal.code === AccessCloseCode.forbidden ? 403 : 500;
  return { status, error: refusal.reason };
}

/** The JSON `{ error }` response of a refusal; a 401 also says, as RFC 6750 asks, that a Bearer token is wanted. */
export function apiRefusalResponse(refusal: ApiRefusal): Response {
  const response = jsonError(refusal.status, refusal.error);
  if (refusal.status === 401) {
    const error = refusal.error === AccessReason.tokenRequired ? "" : ', error="invalid_token"';
    response.headers.set("www-authenticate", `Bearer realm="edge-chat"${error}`);
  }
  return response;
}
