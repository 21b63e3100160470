// Decides who a request to a room is, before the room sees it: a guest, a verified identity, or
// a refusal with SPEC.md's close code and reason. jose checks the signature (HS256 only), `exp`
// and `nbf`; src/shared/access.ts checks the claims' shape and the room.

import { jwtVerify } from "jose";
import {
  AccessCloseCode,
  AccessReason,
  checkClaims,
  identityOf,
  roomsAdmit,
  TOKEN_LEEWAY_SECONDS,
  TOKEN_MAX_BYTES,
  type AccessReasonText,
  type Identity,
} from "../../shared/access.ts";
import { CloseCode } from "../../shared/protocol.ts";
import { utf8Length } from "../../shared/rules.ts";
import type { AuthConfig } from "./auth-config.ts";
import { tokenOfRequest } from "./request-token.ts";

/** Why a request may not join: the close code and reason to send after the upgrade. */
export interface AccessRefusal {
  code: typeof AccessCloseCode.unauthorized | typeof AccessCloseCode.forbidden | typeof CloseCode.serverError;
  reason: AccessReasonText;
  /** For the log: which check failed, in a sentence that never holds the token, a claim's value or a secret. */
  detail: string;
}

/** A refused request, with why. */
export interface Refused {
  kind: "refused";
  refusal: AccessRefusal;
}

/** Who a request is: a guest (open mode, no token), a verified identity, or refused. */
export type Access = { kind: "guest" } | { kind: "verified"; identity: Identity } | Refused;

/** Checks the token a request to `room` carries (see {@link tokenOfRequest}). */
export function verifyAccess(request: Request, room: string, config: AuthConfig): Promise<Access> {
  return verifyToken(tokenOfRequest(request), room, config);
}

/**
 * Checks `token` (null: none presented) for `room`. In `open` mode no token makes a guest; any
 * token presented must be valid in either mode, since a client that shows one expects it to
 * count. Without AUTH_SECRET, `required` mode refuses everyone with 1011, and so does `open` mode
 * a request that shows a token: it cannot be checked, and letting it in as a guest would pretend
 * it had been.
 */
export async function verifyToken(
  token: string | null,
  room: string,
  config: AuthConfig,
  now: number = Date.now(),
): Promise<Access> {
  const noSecret = config.secrets.length === 0;
  if (token === null) {
    if (config.mode === "open") return { kind: "guest" };
    if (noSecret) return misconfigured();
    return refuse(AccessCloseCode.unauthorized, AccessReason.tokenRequired, "AUTH_MODE is required and no token came");
  }
  if (noSecret) return misconfigured();
  if (utf8Length(token, TOKEN_MAX_BYTES) > TOKEN_MAX_BYTES) {
    return invalid(`the token is over ${TOKEN_MAX_BYTES} bytes long`);
  }

  const verified = await verifySignatureAndTimes(token, config.secrets, now);
  if (verified.kind === "refused") return verified;
  const claims = checkClaims(verified.payload);
  if (!claims.ok) return invalid(claims.error);
  if (!roomsAdmit(claims.value.rooms, room)) {
    return refuse(AccessCloseCode.forbidden, AccessReason.notAllowed, `the token's "rooms" do not admit this room`);
  }
  return { kind: "verified", identity: identityOf(claims.value) };
}

type SignatureOutcome = { kind: "signed"; payload: unknown } | Refused;

/**
 * Tries AUTH_SECRET, then AUTH_SECRET_PREVIOUS. Only a signature that does not match moves on to
 * the next secret: a token that one of them signed is judged on its own (expired, not yet valid).
 */
async function verifySignatureAndTimes(token: string, secrets: Uint8Array[], now: number): Promise<SignatureOutcome> {
  for (const secret of secrets) {
    try {
      const { payload } = await jwtVerify(token, secret, {
        // Every other alg is refused, `none` included (jose never accepts `none` anyway), so a
        // token cannot choose how it is checked.
        algorithms: ["HS256"],
        clockTolerance: TOKEN_LEEWAY_SECONDS,
        currentDate: new Date(now),
      });
      return { kind: "signed", payload };
    } catch (error) {
      const code = joseErrorCode(error);
      if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") continue;
      if (code === "ERR_JWT_EXPIRED") {
        return refuse(AccessCloseCode.unauthorized, AccessReason.tokenExpired, "the token's exp has passed");
      }
      return invalid(describeJoseError(code, error));
    }
  }
  return invalid(
    secrets.length > 1
      ? "the signature matches neither AUTH_SECRET nor AUTH_SECRET_PREVIOUS"
      : "the signature does not match AUTH_SECRET",
  );
}

// jose's errors carry a stable `code` (https://github.com/panva/jose/blob/main/docs/util/errors/README.md):
// reading it keeps the error classes out of the bundle. jose's own messages are not passed on.
function joseErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

function describeJoseError(code: string | undefined, error: unknown): string {
  switch (code) {
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "the token is not signed with HS256";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
      const claim = (error as { claim?: unknown }).claim;
      return claim === "nbf" ? "the token is not valid yet (nbf)" : `the token's claims are malformed (${claim})`;
    }
    default:
      return "the token is not a well-formed HS256 JWT";
  }
}

function refuse(code: AccessRefusal["code"], reason: AccessReasonText, detail: string): Refused {
  return { kind: "refused", refusal: { code, reason, detail } };
}

function invalid(detail: string): Refused {
  return refuse(AccessCloseCode.unauthorized, AccessReason.invalidToken, detail);
}

function misconfigured(): Refused {
  return refuse(CloseCode.serverError, AccessReason.noSecret, "AUTH_SECRET is not set, so no token can be checked");
}
