// Reads who may join from the environment once: AUTH_MODE from wrangler.toml's [vars], the
// secrets from `wrangler secret put` (locally, .dev.vars). The secrets are typed as strings by
// `wrangler types` but are simply absent when unset, so each is read as possibly missing.

/** `open`: anyone may join, a token makes the session verified; `required`: every room needs a token. */
export type AuthMode = "open" | "required";

/** The environment entries this module reads; the Worker's `Env` has them all. */
export interface AuthEnv {
  AUTH_MODE?: string;
  AUTH_SECRET?: string;
  AUTH_SECRET_PREVIOUS?: string;
  ADMIN_TOKEN?: string;
}

/** How tokens are checked. Never log it: it holds the secrets. */
export interface AuthConfig {
  mode: AuthMode;
  /**
   * The UTF-8 bytes of AUTH_SECRET, then of AUTH_SECRET_PREVIOUS when that is set too; empty when
   * AUTH_SECRET is unset or empty (AUTH_SECRET_PREVIOUS alone verifies nothing: it is only the
   * old half of a rotation).
   */
  secrets: Uint8Array[];
  /** ADMIN_TOKEN, or null when unset or empty: then no request is the admin. */
  adminToken: string | null;
}

const encoder = new TextEncoder();

/**
 * Reads the auth settings. AUTH_MODE is `open` when unset or empty; a value other than `open` or
 * `required` (a typo such as `requird`) counts as `required`, so that a mistake closes the chat
 * rather than opening it. Secrets are used byte for byte, as every JWT library uses a string
 * secret: no trimming, so a signer and this server always agree.
 */
export function readAuthConfig(env: AuthEnv): AuthConfig {
  const rawMode = (env.AUTH_MODE ?? "").trim().toLowerCase();
  const mode: AuthMode = rawMode === "" || rawMode === "open" ? "open" : "required";
  const current = nonEmpty(env.AUTH_SECRET);
  const previous = nonEmpty(env.AUTH_SECRET_PREVIOUS);
  const secrets = current === null ? [] : [current, ...(previous === null ? [] : [previous])];
  return { mode, secrets: secrets.map((secret) => encoder.encode(secret)), adminToken: nonEmpty(env.ADMIN_TOKEN) };
}

function nonEmpty(value: string | undefined): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
