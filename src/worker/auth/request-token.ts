// Where a request carries its token: SPEC.md takes it from an `Authorization: Bearer` header or,
// for a WebSocket (browsers cannot set headers on one), from the `token` query parameter.

import { TOKEN_PARAM } from "../../shared/access.ts";

// RFC 7235: the scheme is case-insensitive and one or more spaces separate it from the credentials.
const BEARER = /^bearer[ \t]+(.*)$/is;

/**
 * The `Authorization: Bearer` credentials of a request, or null when it has none (no header, an
 * empty one, or another scheme such as Basic). Credentials that are no token (`Bearer a b`) are
 * returned as they are, for verification to refuse.
 */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header === null ? null : BEARER.exec(header.trim());
  const credentials = match?.[1]?.trim() ?? "";
  return credentials === "" ? null : credentials;
}

/**
 * The token a request to a room presents: the `Authorization: Bearer` header's, which wins when
 * both are given, else the `token` query parameter's; null when neither holds one (an empty
 * `token=` counts as none).
 */
export function tokenOfRequest(request: Request, url: URL = new URL(request.url)): string | null {
  const fromHeader = bearerToken(request);
  if (fromHeader !== null) return fromHeader;
  const fromQuery = url.searchParams.get(TOKEN_PARAM);
  return fromQuery === null || fromQuery === "" ? null : fromQuery;
}
