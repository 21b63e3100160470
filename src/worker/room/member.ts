// A session as the room as a whole sees it: on this object (a Session) or on one of the room's
// shards (known by its key). Joins, leaves, typing and moderation name members, so that they
// work the same for a session wherever it is held.

import type { Actor } from "./moderation.ts";
import type { Session } from "./session.ts";

/** Which session a broadcast skips: one on this object, one on a shard (by its key), or none. */
export type Except = Session | string | null;

/** See the file comment. */
export interface Member extends Actor {
  /** What a broadcast to skip it names. */
  except: Session | string;
  /** It speaks the text framing, whose joiner hears its own `joined` line. */
  seesOwnJoin: boolean;
}
