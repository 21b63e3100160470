// What the room's objects say to one another: a shard's requests to the object that sequences
// the room, batched, and the batches of rendered events that object pushes to every shard.

import type { Member } from "./member.ts";
import type { Reply, RoomRequest } from "./room-requests.ts";

/** A rendered event as a shard receives it (see Rendered); `except` names a session by key. */
export interface ShardItem {
  json: string;
  text: string[];
  isMessage: boolean;
  id?: number;
  seq?: number;
  except?: string;
}

/** A session on a shard, as it travels: its member fields, with `except` its key. */
export interface RemoteMember extends Omit<Member, "except"> {
  key: string;
}

/** One thing a shard tells or asks the sequencing object, in the order its sessions did. */
export type ShardRequest =
  | { kind: "request"; member: RemoteMember; request: RoomRequest; lastPostAt?: number }
  | { kind: "joined"; member: RemoteMember }
  | { kind: "left"; member: RemoteMember };

/** The answer to one request: the reply for its session, its slow-mode clock, and whether a join was announced alone. */
export interface ShardAnswer extends Reply {
  lastPostAt?: number;
  announced?: boolean;
}
