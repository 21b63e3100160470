// How the room speaks to one session. The text framing (what the old server spoke) and the JSON
// framing, single or batched, are peers behind this one interface: the join, the pipeline and
// delivery ask the session's framing, and never branch on which one it is.

import type { Checked } from "../../shared/checked.ts";
import type { ClientMessage, Refusal, WelcomeMessage } from "../../shared/protocol.ts";
import type { Session, SessionAttachment } from "./session.ts";

/** A broadcast as it travels: serialised once per framing, so shards deliver it as it is. */
export interface Rendered {
  json: string;
  /** The text framing's lines; none for a message it has no line for. */
  text: string[];
  /** The room's id of a stored event (message or deletion), for order and gaps across objects. */
  id?: number;
  /** Whether it is a chat message (the deliveries the room's capacity is measured by). */
  isMessage: boolean;
  /**
   * Its place among every broadcast of the room, stored or not (given by the sequencer): a
   * joiner on a shard skips what its welcome already covered, such as a join it counted.
   */
  seq?: number;
}

/** One broadcast waiting for delivery. */
export interface Outgoing extends Rendered {
  /** The one session this broadcast skips (a JSON joiner, which has its welcome instead), or its key on a shard. */
  except: Session | string | null;
  /** When the room accepted it. */
  acceptedAt: number;
  /** Sessions it goes to. */
  deliveries: number;
}

/** Whether `item` goes to `session`: not the one it skips, and not a stored event its welcome held. */
export function reaches(item: Outgoing, session: Session): boolean {
  if (item.except === session || item.except === session.data.key) return false;
  if (item.seq !== undefined && item.seq <= session.welcomedSeq) return false;
  return item.id === undefined || item.id > session.welcomedUpTo;
}

/** Broadcasts flushed together; packed once for every batching session (see framing-json.ts). */
export interface OutgoingBatch {
  readonly items: readonly Outgoing[];
  /** The items as one frame: the frame itself when alone, a JSON array when several. */
  packed(): string;
  /** Whether every item reaches `session` (see {@link reaches}), decided once per batch, not per item. */
  reachesAll(session: Session): boolean;
}

/** A framing: how frames from a session are read, and how the room's frames are written for it. */
export interface Framing {
  /** Reads one frame the session sent. */
  read(frame: string | ArrayBuffer): Checked<ClientMessage, Refusal>;
  /** What a joiner receives before anything else: the welcome, or the replay as lines. */
  greeting(welcome: WelcomeMessage): string[];
  /** A refusal, for the session that caused it. */
  refusal(refusal: Refusal): string;
  /** Whether the joiner receives its own join (the old server's `joined` line) or learns of it from the welcome. */
  readonly seesOwnJoin: boolean;
  /** The frames that carry `batch` to `session`. */
  frames(batch: OutgoingBatch, session: Session): string[];
}

/** A refusal for binary frames, which neither framing carries in /chat. */
export const BINARY_REFUSAL: Refusal = {
  code: "binary_not_supported",
  message: "binary frames are not supported in /chat: send text",
};

/** Picks the framing a session's attachment names. */
export type FramingOf = (data: SessionAttachment) => Framing;
