// The terminal client's `--token JWT` (or `$CHAT_TOKEN`): checked for shape only, since the server
// verifies it. It travels in the Authorization header, so nothing here or in a problem it reports
// repeats the token: a terminal's scrollback and a CI log are no place for a credential.

import type { Checked } from "../shared/checked.ts";
import { TOKEN_MAX_BYTES } from "../shared/access.ts";

/** A JWT in compact form: three base64url parts joined by dots. */
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The token to send: `--token` wins over `$CHAT_TOKEN`; empty when neither is set. Surrounding
 * whitespace (a pasted line, `$(cat token.txt)`) is dropped; anything else not in a JWT is refused.
 */
export function readChatToken(flag: string | undefined, env: NodeJS.ProcessEnv): Checked<string> {
  const source = flag !== undefined ? "--token" : "$CHAT_TOKEN";
  const token = (flag ?? env.CHAT_TOKEN ?? "").trim();
  if (token === "") {
    return flag === undefined ? { ok: true, value: "" } : { ok: false, error: "expected a token after --token" };
  }
  if (token.length > TOKEN_MAX_BYTES) {
    return { ok: false, error: `expected ${source} to be at most ${TOKEN_MAX_BYTES} bytes, got ${token.length}` };
  }
  if (!COMPACT_JWT.test(token)) {
    return {
      ok: false,
      error: `expected ${source} to be a signed token (three base64url parts joined by dots, as \`npm run token\` prints), got something else`,
    };
  }
  return { ok: true, value: token };
}
