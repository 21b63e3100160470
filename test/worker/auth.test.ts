// Token verification inside workerd, called directly: every way a token is refused, and what a
// verified one yields. Tokens are signed here with jose, as a deploying app's backend would.

import { env } from "cloudflare:test";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { AccessReason, TOKEN_MAX_BYTES } from "../../src/shared/access.ts";
import { isAdminToken } from "../../src/worker/auth/admin-token.ts";
import {
  apiRefusalResponse,
  authorizeApi,
  httpRefusal,
  MODERATORS_ONLY,
  verifyApiAccess,
  type ApiAccess,
} from "../../src/worker/auth/api-access.ts";
import { readAuthConfig, type AuthEnv } from "../../src/worker/auth/auth-config.ts";
import { bearerToken, tokenOfRequest } from "../../src/worker/auth/request-token.ts";
import { verifyAccess, verifyToken, type Access } from "../../src/worker/auth/verify-access.ts";

const SECRET = "current-secret-for-tests-0123456789abcdef";
const PREVIOUS = "previous-secret-for-tests-fedcba9876543210";
const ADMIN = "admin-token-for-tests-5f0c1d";
const encoder = new TextEncoder();

/** A fixed moment, in seconds, so that the leeway tests are exact. */
const NOW = 1_900_000_000;
const NOW_MS = NOW * 1000;

const open = readAuthConfig({ AUTH_MODE: "open", AUTH_SECRET: SECRET });
const required = readAuthConfig({ AUTH_MODE: "required", AUTH_SECRET: SECRET });
const rotating = readAuthConfig({ AUTH_MODE: "required", AUTH_SECRET: SECRET, AUTH_SECRET_PREVIOUS: PREVIOUS });

function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: "user-1", name: "Alice", exp: NOW + 3600, ...extra };
}

function sign(payload: Record<string, unknown>, { secret = SECRET, alg = "HS256" } = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: "JWT" }).sign(encoder.encode(secret));
}

function base64url(text: string): string {
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function verify(token: string | null, config = required, room = "main"): Promise<Access> {
  return verifyToken(token, room, config, NOW_MS);
}

function refusalOf(access: ApiAccess): { code: number; reason: string } | null {
  return access.kind === "refused" ? { code: access.refusal.code, reason: access.refusal.reason } : null;
}

const INVALID = { code: 4401, reason: "invalid token" };

describe("a valid token", () => {
  it("yields the verified identity: sub as user, the normalised name, member by default, exp", async () => {
    const access = await verify(await sign(claims({ name: "  Alice  " })));
    expect(access).toEqual({
      kind: "verified",
      identity: { user: "user-1", name: "Alice", role: "member", exp: NOW + 3600 },
    });
  });

  it("makes a moderator of role moderator, and a member of any other role string", async () => {
    const moderator = await verify(await sign(claims({ role: "moderator" })));
    expect(moderator.kind === "verified" && moderator.identity.role).toBe("moderator");
    const other = await verify(await sign(claims({ role: "owner" })));
    expect(other.kind === "verified" && other.identity.role).toBe("member");
  });

  it("counts in open mode too", async () => {
    const access = await verify(await sign(claims()), open);
    expect(access.kind).toBe("verified");
  });

  it("is accepted when signed with AUTH_SECRET_PREVIOUS during a rotation", async () => {
    const access = await verify(await sign(claims(), { secret: PREVIOUS }), rotating);
    expect(access.kind).toBe("verified");
  });

  it("signed with AUTH_SECRET is accepted during a rotation as well", async () => {
    const access = await verify(await sign(claims()), rotating);
    expect(access.kind).toBe("verified");
  });
});

describe("tokens refused as invalid (4401 invalid token)", () => {
  it("refuses a token signed with another secret", async () => {
    expect(refusalOf(await verify(await sign(claims(), { secret: "some-other-secret" })))).toEqual(INVALID);
  });

  it("refuses a token signed with the previous secret once it is no longer configured", async () => {
    expect(refusalOf(await verify(await sign(claims(), { secret: PREVIOUS })))).toEqual(INVALID);
  });

  it("refuses alg none", async () => {
    const token = `${base64url('{"alg":"none","typ":"JWT"}')}.${base64url(JSON.stringify(claims()))}.`;
    expect(refusalOf(await verify(token))).toEqual(INVALID);
  });

  it("refuses HS512, even signed with the right secret", async () => {
    expect(refusalOf(await verify(await sign(claims(), { alg: "HS512" })))).toEqual(INVALID);
  });

  it("refuses RS256", async () => {
    const { privateKey } = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      false,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
    expect(refusalOf(await verify(token))).toEqual(INVALID);
  });

  it("refuses a token whose header claims HS256 but whose signature is cut", async () => {
    const token = await sign(claims());
    expect(refusalOf(await verify(token.slice(0, -4)))).toEqual(INVALID);
    expect(refusalOf(await verify(token.slice(0, token.lastIndexOf(".") + 1)))).toEqual(INVALID);
  });

  it("refuses a token whose claims were changed after signing", async () => {
    const [header, , signature] = (await sign(claims())).split(".");
    const forged = `${header}.${base64url(JSON.stringify(claims({ role: "moderator" })))}.${signature}`;
    expect(refusalOf(await verify(forged))).toEqual(INVALID);
  });

  it.each(["garbage", "a.b.c", "..", "...", "Bearer", "eyJhbGciOiJIUzI1NiJ9.e30", "ü.ö.ä"])(
    "refuses the garbage %j",
    async (token) => {
      expect(refusalOf(await verify(token))).toEqual(INVALID);
    },
  );

  it.each(["sub", "name", "exp"])("refuses a token without %s", async (claim) => {
    const payload = claims();
    delete payload[claim];
    expect(refusalOf(await verify(await sign(payload)))).toEqual(INVALID);
  });

  it.each([
    ["an invalid name", { name: "<b>alice</b>" }],
    ["an empty name", { name: "" }],
    ["a name of 33 characters", { name: "a".repeat(33) }],
    ["a sub of 65 characters", { sub: "u".repeat(65) }],
    ["an empty sub", { sub: "" }],
    ["a sub with a line break", { sub: "alice\n[INFO] forged line" }],
    ["a numeric sub", { sub: 42 }],
    ["an exp that is a string", { exp: String(NOW + 3600) }],
    ["a role that is not a string", { role: true }],
    ["rooms that are a string", { rooms: "main" }],
    ["a malformed room pattern", { rooms: ["ma*in"] }],
    ["a room that is no room name", { rooms: ["main", "the lobby"] }],
  ])("refuses a token with %s", async (_label, extra) => {
    expect(refusalOf(await verify(await sign(claims(extra))))).toEqual(INVALID);
  });

  it("refuses a token that is not valid yet (nbf more than 30 s ahead)", async () => {
    expect(refusalOf(await verify(await sign(claims({ nbf: NOW + 31 }))))).toEqual(INVALID);
  });

  it("accepts a token whose nbf is ahead by less than the 30 s leeway", async () => {
    expect((await verify(await sign(claims({ nbf: NOW + 29 })))).kind).toBe("verified");
  });

  it(`refuses a validly signed token over ${TOKEN_MAX_BYTES} bytes before parsing it, and takes one just under`, async () => {
    let padding = 6000;
    let fits = await sign(claims({ padding: "x".repeat(padding) }));
    let tooLong = fits;
    while (tooLong.length <= TOKEN_MAX_BYTES) {
      fits = tooLong;
      padding += 1;
      tooLong = await sign(claims({ padding: "x".repeat(padding) }));
    }
    expect(fits.length).toBeLessThanOrEqual(TOKEN_MAX_BYTES);
    expect((await verify(fits)).kind).toBe("verified");
    expect(refusalOf(await verify(tooLong))).toEqual(INVALID);
  });

  it("refuses an invalid token in open mode too, rather than letting it in as a guest", async () => {
    expect(refusalOf(await verify("garbage", open))).toEqual(INVALID);
  });
});

describe("expiry (4401 token expired)", () => {
  it("refuses a token past exp by more than the 30 s leeway", async () => {
    expect(refusalOf(await verify(await sign(claims({ exp: NOW - 31 }))))).toEqual({
      code: 4401,
      reason: "token expired",
    });
  });

  it("accepts a token past exp by less than the leeway", async () => {
    expect((await verify(await sign(claims({ exp: NOW - 29 })))).kind).toBe("verified");
  });

  it("says expired for a token the previous secret signed, too", async () => {
    const token = await sign(claims({ exp: NOW - 600 }), { secret: PREVIOUS });
    expect(refusalOf(await verify(token, rotating))?.reason).toBe("token expired");
  });

  it("says invalid, not expired, for an expired token signed with another secret", async () => {
    const token = await sign(claims({ exp: NOW - 600 }), { secret: "some-other-secret" });
    expect(refusalOf(await verify(token))).toEqual(INVALID);
  });
});

describe("rooms (4403 not allowed in this room)", () => {
  const notAllowed = { code: 4403, reason: "not allowed in this room" };

  it("refuses a room the token does not name", async () => {
    expect(refusalOf(await verify(await sign(claims({ rooms: ["lobby"] })), required, "main"))).toEqual(notAllowed);
  });

  it("admits a room a prefix* pattern starts, and no other", async () => {
    const token = await sign(claims({ rooms: ["team-*"] }));
    expect((await verify(token, required, "team-red")).kind).toBe("verified");
    expect(refusalOf(await verify(token, required, "teams"))).toEqual(notAllowed);
  });

  it("admits every room with *", async () => {
    expect((await verify(await sign(claims({ rooms: ["*"] })), required, "anywhere")).kind).toBe("verified");
  });

  it("admits every room when the token has no rooms claim", async () => {
    expect((await verify(await sign(claims()), required, "anywhere")).kind).toBe("verified");
  });

  it("admits no room with an empty rooms list", async () => {
    expect(refusalOf(await verify(await sign(claims({ rooms: [] }))))).toEqual(notAllowed);
  });
});

describe("the mode and its configuration", () => {
  it("lets a request without a token in as a guest in open mode", async () => {
    expect(await verify(null, open)).toEqual({ kind: "guest" });
  });

  it("lets a guest in when open mode has no AUTH_SECRET at all", async () => {
    expect(await verify(null, readAuthConfig({ AUTH_MODE: "open" }))).toEqual({ kind: "guest" });
  });

  it("refuses a request without a token in required mode with 4401 token required", async () => {
    expect(refusalOf(await verify(null, required))).toEqual({ code: 4401, reason: "token required" });
  });

  it("refuses everyone with 1011 when required mode has no AUTH_SECRET", async () => {
    const broken = readAuthConfig({ AUTH_MODE: "required" });
    const expected = { code: 1011, reason: "server misconfigured: AUTH_SECRET is not set" };
    expect(refusalOf(await verify(null, broken))).toEqual(expected);
    expect(refusalOf(await verify(await sign(claims()), broken))).toEqual(expected);
  });

  it("refuses a token with 1011 in open mode without AUTH_SECRET, since it cannot be checked", async () => {
    const access = await verify(await sign(claims()), readAuthConfig({ AUTH_MODE: "open" }));
    expect(refusalOf(access)?.code).toBe(1011);
  });

  it("does not verify with AUTH_SECRET_PREVIOUS alone", async () => {
    const config = readAuthConfig({ AUTH_MODE: "required", AUTH_SECRET_PREVIOUS: PREVIOUS });
    expect(refusalOf(await verify(await sign(claims(), { secret: PREVIOUS }), config))?.code).toBe(1011);
  });

  it.each<[AuthEnv, string]>([
    [{}, "open"],
    [{ AUTH_MODE: "" }, "open"],
    [{ AUTH_MODE: "open" }, "open"],
    [{ AUTH_MODE: " Required " }, "required"],
    [{ AUTH_MODE: "requird" }, "required"],
  ])("reads AUTH_MODE %j as %s: anything unknown fails closed", (env, mode) => {
    expect(readAuthConfig(env).mode).toBe(mode);
  });

  it("reads wrangler.toml's AUTH_MODE: open", () => {
    expect(readAuthConfig(env).mode).toBe("open");
  });

  it("treats empty secrets as unset", () => {
    const config = readAuthConfig({ AUTH_SECRET: "", AUTH_SECRET_PREVIOUS: "", ADMIN_TOKEN: "" });
    expect(config.secrets).toEqual([]);
    expect(config.adminToken).toBeNull();
  });
});

describe("where the token comes from", () => {
  function request(query: string, authorization?: string): Request {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    return new Request(`http://localhost/chat/main${query}`, { headers });
  }

  it("takes the token query parameter", async () => {
    const token = await sign(claims());
    expect((await verifyAccess(request(`?token=${token}`), "main", required)).kind).toBe("verified");
  });

  it("takes an Authorization Bearer header, whatever the scheme's case", async () => {
    const token = await sign(claims());
    expect((await verifyAccess(request("", `Bearer ${token}`), "main", required)).kind).toBe("verified");
    expect(tokenOfRequest(request("", `bearer  ${token} `))).toBe(token);
  });

  it("lets the header win over the query parameter", async () => {
    const good = await sign(claims());
    const winsGood = await verifyAccess(request("?token=garbage", `Bearer ${good}`), "main", required);
    expect(winsGood.kind).toBe("verified");
    const winsBad = await verifyAccess(request(`?token=${good}`, "Bearer garbage"), "main", required);
    expect(refusalOf(winsBad)).toEqual(INVALID);
  });

  it("ignores another scheme and empty values", () => {
    expect(tokenOfRequest(request("?token=from-query", "Basic dXNlcjpwYXNz"))).toBe("from-query");
    expect(tokenOfRequest(request("?token=", "Bearer "))).toBeNull();
    expect(tokenOfRequest(request(""))).toBeNull();
    expect(bearerToken(request("?token=from-query"))).toBeNull();
  });
});

describe("the HTTP API", () => {
  const withAdmin = readAuthConfig({ AUTH_MODE: "required", AUTH_SECRET: SECRET, ADMIN_TOKEN: ADMIN });

  function apiRequest(authorization?: string, query = ""): Request {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    return new Request(`http://localhost/api/rooms/main${query}`, { headers });
  }

  it("knows ADMIN_TOKEN, compared in full", async () => {
    expect(await isAdminToken(ADMIN, ADMIN)).toBe(true);
    expect(await isAdminToken(ADMIN.slice(0, -1), ADMIN)).toBe(false);
    expect(await isAdminToken(`${ADMIN}x`, ADMIN)).toBe(false);
    expect(await isAdminToken(ADMIN.replace(/.$/, "Z"), ADMIN)).toBe(false);
    expect(await isAdminToken(null, ADMIN)).toBe(false);
  });

  it("has no admin token when ADMIN_TOKEN is not set", async () => {
    expect(await isAdminToken("", null)).toBe(false);
    expect(await isAdminToken("undefined", null)).toBe(false);
    const access = await verifyApiAccess(apiRequest("Bearer undefined"), "main", required);
    expect(refusalOf(access)).toEqual(INVALID);
  });

  it("lets ADMIN_TOKEN do everything", async () => {
    const access = await verifyApiAccess(apiRequest(`Bearer ${ADMIN}`), "main", withAdmin);
    expect(access).toEqual({ kind: "admin" });
    expect(authorizeApi(access, "moderate")).toBeNull();
    expect(authorizeApi(access, "post")).toBeNull();
  });

  it("reads the token from the Authorization header only, not from the URL", async () => {
    const token = await sign(claims());
    const access = await verifyApiAccess(apiRequest(undefined, `?token=${token}`), "main", withAdmin);
    expect(authorizeApi(access, "read")).toEqual({ status: 401, error: "token required" });
  });

  it("lets a guest read in open mode, but not post or moderate", async () => {
    const access = await verifyApiAccess(apiRequest(), "main", open);
    expect(authorizeApi(access, "read")).toBeNull();
    expect(authorizeApi(access, "post")).toEqual({ status: 401, error: "token required" });
    expect(authorizeApi(access, "moderate")).toEqual({ status: 401, error: "token required" });
  });

  it("lets a member's token read and post but not moderate (403); a moderator's moderates", async () => {
    const member = await verifyApiAccess(apiRequest(`Bearer ${await sign(claims())}`), "main", withAdmin);
    expect(authorizeApi(member, "post")).toBeNull();
    expect(authorizeApi(member, "moderate")).toEqual({ status: 403, error: MODERATORS_ONLY });
    const moderatorToken = await sign(claims({ role: "moderator" }));
    const moderator = await verifyApiAccess(apiRequest(`Bearer ${moderatorToken}`), "main", withAdmin);
    expect(authorizeApi(moderator, "moderate")).toBeNull();
  });

  it("answers a token for other rooms with 403 and a bad one with 401", async () => {
    const elsewhere = await sign(claims({ rooms: ["lobby"] }));
    const access = await verifyApiAccess(apiRequest(`Bearer ${elsewhere}`), "main", withAdmin);
    expect(authorizeApi(access, "read")).toEqual({ status: 403, error: "not allowed in this room" });
    const bad = await verifyApiAccess(apiRequest("Bearer nope"), "main", withAdmin);
    expect(authorizeApi(bad, "read")).toEqual({ status: 401, error: "invalid token" });
  });

  it("answers a refusal with a JSON { error } and the status, a 401 with WWW-Authenticate", async () => {
    const response = apiRefusalResponse({ status: 401, error: AccessReason.tokenRequired });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="edge-chat"');
    expect(await response.json()).toEqual({ error: "token required" });
    const expired = apiRefusalResponse({ status: 401, error: AccessReason.tokenExpired });
    expect(expired.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const forbidden = apiRefusalResponse({ status: 403, error: AccessReason.notAllowed });
    expect(forbidden.headers.get("www-authenticate")).toBeNull();
  });

  it("maps 1011 (no AUTH_SECRET) to a 500 that says what is wrong", () => {
    expect(httpRefusal({ code: 1011, reason: AccessReason.noSecret, detail: "" })).toEqual({
      status: 500,
      error: "server misconfigured: AUTH_SECRET is not set",
    });
  });
});

describe("what a refusal says", () => {
  it("never holds the token or a secret, in its reason or its detail", async () => {
    const rotatingWithAdmin = readAuthConfig({
      AUTH_MODE: "required",
      AUTH_SECRET: SECRET,
      AUTH_SECRET_PREVIOUS: PREVIOUS,
      ADMIN_TOKEN: ADMIN,
    });
    const tokens = [
      await sign(claims({ exp: NOW - 600 })),
      await sign(claims({ name: "<bad>" })),
      await sign(claims({ sub: "private-user-id\n" })),
      await sign(claims(), { secret: "another-secret" }),
      await sign(claims(), { alg: "HS512" }),
      await sign(claims({ rooms: ["lobby"] })),
      "garbage-token-value",
    ];
    for (const token of tokens) {
      const access = await verify(token, rotatingWithAdmin);
      expect(access.kind).toBe("refused");
      const said = JSON.stringify(access);
      for (const hidden of [token, SECRET, PREVIOUS, ADMIN, "private-user-id", "<bad>"]) {
        expect(said).not.toContain(hidden);
      }
      for (const part of token.split(".").filter((part) => part.length > 8)) expect(said).not.toContain(part);
    }
  });
});
