// The page's address names the room: `/?room=lobby`. A query parameter (not a #fragment) so the
// link survives being pasted anywhere and reaches server logs like any other address; with no
// `room`, the page joins `main`, the same room as the terminal client and `/chat`.

import { DEFAULT_ROOM } from "../shared/protocol.ts";

/** The room the address asks for (unchecked: it may be invalid). */
export function roomFromAddress(location: Location): string {
  return new URLSearchParams(location.search).get("room")?.trim() || DEFAULT_ROOM;
}

/** The shareable address of `room`, relative to the page. */
export function addressOfRoom(room: string): string {
  return `?room=${encodeURIComponent(room)}`;
}
