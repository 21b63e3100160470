// Signs tokens for tests the way a deploying app's backend would (HS256, any JWT library), so
// that tests reach the Worker with real tokens. Runs in Node and in workerd alike.

import { SignJWT } from "jose";

/** The AUTH_SECRET and ADMIN_TOKEN the tests give the Worker. */
export const TEST_SECRET = "test-auth-secret-0123456789abcdef0123456789";
export const TEST_ADMIN_TOKEN = "test-admin-token-5f0c1d9a";

/** What a test token says; `exp` defaults to an hour from now. */
export interface TestClaims {
  sub: string;
  name: string;
  role?: "moderator";
  rooms?: string[];
  /** Seconds since the epoch. */
  exp?: number;
}

/** A signed token for `claims`. */
export function signToken(claims: TestClaims, secret = TEST_SECRET): Promise<string> {
  const exp = claims.exp ?? Math.floor(Date.now() / 1000) + 3600;
  return new SignJWT({ ...claims, exp })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}
