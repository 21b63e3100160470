// How the terminal client's process ends, so that scripts can tell outcomes apart, and the one
// place that turns the server's close code into an exit status.

import { REQUEST_CLOSE_CODES } from "../shared/protocol.ts";

/** Process exit statuses, listed in `--help` and the README. */
export const ExitCode = {
  /** Everything sent came back from the room (or the user quit). */
  ok: 0,
  /** The service could not be reached, the connection ended for good, or the room refused a line. */
  failed: 1,
  /** The request itself is wrong: bad options, or the server closed with 4400/4401/4403/4404. */
  usage: 2,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitStatus = (typeof ExitCode)[keyof typeof ExitCode];

/** How a session the server closed for good ends: the exit status, and the line that says why. */
export interface CloseOutcome {
  status: ExitStatus;
  message: string;
}

/**
 * The outcome of a close with `code` and `reason`: a refused request (SPEC.md: its reason,
 * exit 2) is the user's to fix; any other close that ends the session is a failure (exit 1).
 */
export function closeOutcome(code: number, reason: string): CloseOutcome {
  return {
    status: REQUEST_CLOSE_CODES.has(code) ? ExitCode.usage : ExitCode.failed,
    message: reason || `the server closed the connection with code ${code}`,
  };
}
