// The Origin rule: a browser page on another site must not open sockets with its visitors'
// cookies and network position (cross-site WebSocket hijacking). Tools that send no Origin are
// not browsers and are let in.

/** Whether a WebSocket request may proceed, given the extra origins the deployment allows. */
export function isOriginAllowed(request: Request, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return true;
  if (origin === new URL(request.url).origin) return true;
  return allowedOrigins.includes("*") || allowedOrigins.some((allowed) => sameOrigin(allowed, origin));
}

// Compared as URLs, so that "https://chat.example/" in ALLOWED_ORIGINS matches the header "https://chat.example".
function sameOrigin(allowed: string, origin: string): boolean {
  try {
    return new URL(allowed).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}
