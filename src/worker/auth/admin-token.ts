// ADMIN_TOKEN: a shared secret that lets a server or an operator use the HTTP API as the admin.

const encoder = new TextEncoder();

/**
 * Whether `candidate` is ADMIN_TOKEN, compared in constant time. With no ADMIN_TOKEN set (null)
 * nothing matches: there is no default admin token.
 */
export async function isAdminToken(candidate: string | null, adminToken: string | null): Promise<boolean> {
  if (adminToken === null || candidate === null) return false;
  // Comparing SHA-256 digests gives both sides the same length, so neither an early exit on a
  // length difference nor the comparison's time says anything about ADMIN_TOKEN.
  // timingSafeEqual is workerd's: https://developers.cloudflare.com/workers/examples/protect-against-timing-attacks/
  const [given, expected] = await Promise.all([digest(candidate), digest(adminToken)]);
  return crypto.subtle.timingSafeEqual(given, expected);
}

function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(text));
}
