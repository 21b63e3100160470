// What a joiner's welcome says about the whole room: the replay it asked for, who is online,
// the settings. Built where the room is sequenced, for a joiner on any of its objects.

import type { RoomSettings, StoredEvent } from "../../shared/protocol.ts";
import type { JoinRequest } from "../join-request.ts";
import type { Room } from "./room.ts";

/** The room-wide parts of a welcome. */
export interface WelcomeParts {
  history: StoredEvent[];
  truncated: boolean;
  lastMessageId: number;
  settings: RoomSettings;
  /** Each name in the room once, at most PRESENCE_LIMIT, the joiner's included. */
  online: string[];
  /** Sessions in the room, the joiner included. */
  onlineCount: number;
  /** The sequencer's last broadcast, which the welcome already reflects. */
  seq: number;
}

/** The welcome parts for a joiner named `name` who is about to be counted in. */
export function welcomeParts(room: Room, join: JoinRequest, name: string): WelcomeParts {
  const replay = join.since !== null ? room.history.since(join.since) : room.history.latest(join.history);
  const limit = room.config.presenceLimit;
  const names = room.online.names(limit);
  if (!names.includes(name) && names.length < limit) names.push(name);
  return {
    history: replay.events,
    truncated: replay.truncated,
    lastMessageId: room.history.lastId,
    settings: room.moderation.settings,
    online: names,
    onlineCount: room.online.count() + 1,
    seq: room.delivery.lastSeq,
  };
}
