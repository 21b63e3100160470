// The RPC between a room's objects, as the ChatRoom class exposes it: what the sequencer
// answers its shards (requests, welcomes, missed events) and what a shard does for the
// sequencer (deliver a batch, close sessions).

import { toTextLines } from "../../shared/frames.ts";
import type { StoredEvent } from "../../shared/protocol.ts";
import type { JoinRequest } from "../join-request.ts";
import type { Member } from "./member.ts";
import { handleRequest } from "./room-requests.ts";
import type { Room } from "./room.ts";
import type { RemoteMember, ShardAnswer, ShardItem, ShardRequest } from "./shard-protocol.ts";
import { welcomeParts, type WelcomeParts } from "./welcome.ts";

/** On the sequencer: answers a shard's batch of requests, in order. */
export function answerShard(room: Room, index: number, requests: ShardRequest[], now: number): ShardAnswer[] {
  // Each session's slow-mode clock as this batch moves it: two posts in one batch see the first.
  const clocks = new Map<string, { lastPostAt?: number }>();
  return requests.map((request): ShardAnswer => {
    const member = memberOf(request.member);
    switch (request.kind) {
      case "request": {
        const key = request.member.key;
        const clock = clocks.get(key) ?? (request.lastPostAt === undefined ? {} : { lastPostAt: request.lastPostAt });
        clocks.set(key, clock);
        const reply = handleRequest(room, member, request.request, clock, now);
        return clock.lastPostAt === undefined ? reply : { ...reply, lastPostAt: clock.lastPostAt };
      }
      case "joined": {
        const { key, name, user } = request.member;
        room.shards.joined(key, { shard: index, name, ...(user !== undefined && { user }) });
        return { announced: room.presence.joined(member, now) };
      }
      case "left":
        if (room.shards.left(request.member.key) !== null) room.presence.left(member, now);
        return {};
    }
  });
}

/** On the sequencer: the welcome parts for a joiner a shard is taking. */
export function welcomeForShard(room: Room, join: JoinRequest, name: string): WelcomeParts {
  return welcomeParts(room, join, name);
}

/** On the sequencer: the stored events with ids in (`after`, `upTo`], rendered as the live ones were. */
export function storedEventsFor(room: Room, after: number, upTo: number): ShardItem[] {
  const replay = room.history.since(after, Math.max(0, upTo - after));
  return replay.events.map((event) => render(room, event));
}

/** On a shard: a batch from the sequencer, delivered in order. */
export function deliverOnShard(room: Room, roomName: string, index: number, items: ShardItem[]): Promise<void> {
  return room.becomeShard({ room: roomName, index }).deliver(items);
}

/** On a shard: closes the sessions the sequencer names (a kick, a ban). */
export function closeOnShard(room: Room, keys: string[], code: number, reason: string): void {
  for (const key of keys) {
    const session = room.sessions.byKey(key);
    if (session !== undefined) room.drop(session, code, reason);
  }
}

function memberOf(remote: RemoteMember): Member {
  const { key, ...member } = remote;
  return { ...member, except: key };
}

function render(room: Room, event: StoredEvent): ShardItem {
  if (event.type === "delete") {
    const author = room.history.message(event.target)?.name ?? "someone";
    return {
      json: JSON.stringify(event),
      text: [`a message from ${author} was deleted`],
      isMessage: false,
      id: event.id,
    };
  }
  return { json: JSON.stringify(event), text: toTextLines(event), isMessage: true, id: event.id };
}
