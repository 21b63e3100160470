// How the terminal client's process ends, so that scripts can tell outcomes apart.

/** Process exit statuses, listed in `--help` and the README. */
export const ExitCode = {
  /** Everything sent came back from the room (or the user quit). */
  ok: 0,
  /** The service could not be reached, the connection ended for good, or the room refused a line. */
  failed: 1,
  /** The request itself is wrong: bad options, or the server closed with 4400/4401/4403/4404. */
  usage: 2,
} as const;
