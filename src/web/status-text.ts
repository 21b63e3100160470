// What the status line says for each connection state. SPEC.md: the text says `connected` when
// the page is connected and never contains that word otherwise, so "disconnected" is out.

import type { ConnectionState } from "../client/chat-connection.ts";
import { secondsUntil } from "../client/backoff.ts";
import { CloseCode, PATIENCE_CLOSE_CODES } from "../shared/protocol.ts";

/** A status line: its text and a short state name for styling. */
export interface StatusLine {
  text: string;
  tone: "ok" | "busy" | "down" | "stopped";
}

/** The status line for `state`; `you` is the session's name, `now` the clock (for the countdown). */
export function statusLine(state: ConnectionState, you: string, now: number): StatusLine {
  switch (state.kind) {
    case "connecting":
      return { text: state.attempt === 0 ? "connecting…" : "reconnecting…", tone: "busy" };
    case "connected":
      return { text: you ? `connected as ${you}` : "connected", tone: "ok" };
    case "waiting": {
      const seconds = secondsUntil(state.retryAt, now);
      // A full room or a flood close is the user's business; a restart's reason is the platform's.
      const why = PATIENCE_CLOSE_CODES.has(state.code) && state.reason ? ` (${state.reason})` : "";
      return { text: `offline${why} · reconnecting in ${seconds} s`, tone: "down" };
    }
    case "closed":
      if (state.code === CloseCode.normal) return { text: "offline", tone: "stopped" };
      return { text: `offline: ${state.reason || `closed with code ${state.code}`}`, tone: "stopped" };
  }
}
