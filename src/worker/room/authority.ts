// Who answers for the room as a whole. The object that sequences the room answers its own
// sessions itself (LocalAuthority, here); a shard asks that object over RPC (shard-link.ts).
// The pipeline, the join and the leave speak to this one interface, whichever they are on.

import { toTextLines } from "../../shared/frames.ts";
import type { Refusal } from "../../shared/protocol.ts";
import type { JoinRequest } from "../join-request.ts";
import { memberOf } from "./pipeline.ts";
import { handleRequest, type Reply, type RoomRequest } from "./room-requests.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";
import { welcomeParts, type WelcomeParts } from "./welcome.ts";

/** See the file comment. */
export interface Authority {
  /** A request from a session held here; its reply is applied to it when it comes. */
  request(session: Session, request: RoomRequest, now: number): void;
  /** What a joiner's welcome needs from the whole room, as of now. */
  welcome(join: JoinRequest, name: string): Promise<WelcomeParts>;
  /** A session held here has joined (and been welcomed); settled once the whole room counts it. */
  joined(session: Session, now: number): void | Promise<void>;
  /** A session held here has left. */
  left(session: Session, now: number): void;
}

/** Applies the room's reply to the session that asked. */
export function applyReply(room: Room, session: Session, reply: Reply, now: number): void {
  if (reply.refusal !== undefined) room.refuse(session, reply.refusal as Refusal, now);
  else if (reply.resent !== undefined) room.delivery.send(session, [JSON.stringify(reply.resent)]);
}

/** The authority of the object that sequences the room. */
export class LocalAuthority implements Authority {
  readonly #room: Room;

  constructor(room: Room) {
    this.#room = room;
  }

  request(session: Session, request: RoomRequest, now: number): void {
    applyReply(this.#room, session, handleRequest(this.#room, memberOf(session), request, session.data, now), now);
  }

  welcome(join: JoinRequest, name: string): Promise<WelcomeParts> {
    return Promise.resolve(welcomeParts(this.#room, join, name));
  }

  joined(session: Session, now: number): void {
    const announced = this.#room.presence.joined(memberOf(session), now);
    // In a big room the joiner is in the next summary; a text joiner still hears its own line at once.
    if (!announced && session.framing.seesOwnJoin) {
      this.#room.delivery.send(session, toTextLines({ type: "join", name: session.data.name, at: now, online: 0 }));
    }
  }

  left(session: Session, now: number): void {
    this.#room.presence.left(memberOf(session), now);
  }
}
