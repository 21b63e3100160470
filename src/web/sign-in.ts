// The page's sign-in (SPEC.md "Clients", r3): a link `/?room=R#token=JWT`, which a deploying app
// hands its users, makes the page join with that token. The token sits in the #fragment so that
// it never reaches a server log, leaves the address bar at once (so Copy link and the history
// never share it), and lives in sessionStorage for the tab's session only. The page reads the
// token's claims to show its name; only the server checks the signature.

import { AccessReason, checkClaims, TOKEN_PARAM, type TokenClaims } from "../shared/access.ts";
import { CloseCode } from "../shared/protocol.ts";
import { element } from "./dom.ts";

/** The sessionStorage key of the tab's token. */
export const TOKEN_KEY = "edge-chat.token";

/** The sign-in link's token, if the address holds one, taken out of the address bar. */
export function takeTokenFromAddress(): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get(TOKEN_PARAM);
  if (token === null) return null;
  fragment.delete(TOKEN_PARAM);
  const rest = fragment.toString();
  // replaceState, not pushState: Back must not bring the token back either.
  history.replaceState(history.state, "", `${location.pathname}${location.search}${rest ? `#${rest}` : ""}`);
  return token.trim() || null;
}

/**
 * A token's claims, read without checking the signature, for display only; null when it is not
 * a JWT whose payload has the claims SPEC.md requires.
 */
export function readClaims(token: string): TokenClaims | null {
  const payload = token.split(".")[1];
  if (payload === undefined) return null;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")), (c) => c.charCodeAt(0));
    const checked = checkClaims(JSON.parse(new TextDecoder().decode(bytes)));
    return checked.ok ? checked.value : null;
  } catch {
    return null;
  }
}

/** What the page says when the room refuses a sign-in (4401, 4403), or null for any other close. */
export function refusalText(code: number, reason: string, room: string): string | null {
  if (code === CloseCode.unauthorized) {
    switch (reason) {
      case AccessReason.tokenRequired:
        return (
          "This chat needs a sign-in link: it only lets in people its app has signed in. " +
          "Open the sign-in link you were given, or ask whoever runs this chat for one."
        );
      case AccessReason.tokenExpired:
        return "Your sign-in has expired. Open a new sign-in link from the app that gave you this one to join again.";
      case AccessReason.invalidToken:
        return "This sign-in link does not work (invalid token). Ask whoever gave it to you for a new one.";
      default:
        return `Your sign-in was refused: ${reason || "no reason given"}.`;
    }
  }
  if (code === CloseCode.forbidden) {
    if (reason === AccessReason.notAllowed) {
      return `Your sign-in does not admit #${room} (not allowed in this room). Pick a room it admits and press Enter.`;
    }
    return `You can't be in #${room} now: ${reason || "refused"}.`;
  }
  return null;
}

/** The tab's sign-in: the token, what it says, and the Name field it locks. */
export class SignIn {
  #token: string | null;
  #claims: TokenClaims | null = null;
  readonly #nameField: HTMLInputElement;
  readonly #note: HTMLElement;

  /** Takes a token from the address, else the tab's stored one, and shows who it signs in. */
  constructor(nameField: HTMLInputElement) {
    this.#nameField = nameField;
    this.#note = element("p", "signed-in");
    this.#note.id = "signed-in";
    const fromAddress = takeTokenFromAddress();
    if (fromAddress !== null) store(fromAddress);
    this.#token = fromAddress ?? stored();
    this.#show();
  }

  /** The token to join with, or undefined when the tab has none. */
  get token(): string | undefined {
    return this.#token ?? undefined;
  }

  /** Whether the Name field shows a token's name (and must not be remembered as a guest name). */
  get active(): boolean {
    return this.#token !== null;
  }

  /**
   * The room closed with `code`: after a 4401 the token will never be let in again (expired,
   * invalid), so the tab forgets it and the Name field is free again; a 4403 is about one room.
   */
  closed(code: number): void {
    if (code !== CloseCode.unauthorized || this.#token === null) return;
    this.#token = null;
    store(null);
    this.#show();
  }

  #show(): void {
    this.#claims = this.#token === null ? null : readClaims(this.#token);
    const field = this.#nameField;
    const name = this.#claims?.name;
    field.readOnly = this.#token !== null;
    if (this.#token === null) {
      field.removeAttribute("aria-describedby");
      this.#note.remove();
      return;
    }
    // The server takes the name from the token whatever the field says; an undecodable token
    // still goes, and the room's welcome (or refusal) will tell.
    if (name !== undefined) field.value = name;
    const role = this.#claims?.role === "moderator" ? " · moderator" : "";
    this.#note.textContent = name === undefined ? "Signed in" : `Signed in as ${name}${role}`;
    field.setAttribute("aria-describedby", this.#note.id);
    field.form?.querySelector(".join-problem")?.before(this.#note);
  }
}

function stored(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function store(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage may be off (a privacy mode): the token then lasts as long as the page.
  }
}
