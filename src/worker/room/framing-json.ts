// The JSON framing (`chat.v1.json`): one JSON object per frame, or, for a session that joined
// with `batch=1`, one frame holding an array of everything flushed together.

import { parseClientFrame } from "../../shared/frames.ts";
import type { ServerMessage } from "../../shared/protocol.ts";
import { BINARY_REFUSAL, reaches, type Framing, type Outgoing } from "./framing.ts";

const jsonBase: Omit<Framing, "frames"> = {
  read(frame) {
    if (typeof frame !== "string") return { ok: false, error: BINARY_REFUSAL };
    return parseClientFrame(frame);
  },
  greeting(welcome) {
    return [JSON.stringify(welcome)];
  },
  refusal(refusal) {
    return JSON.stringify({ type: "error", ...refusal } satisfies ServerMessage);
  },
  seesOwnJoin: false,
};

/** One frame per server message. */
export const jsonFraming: Framing = {
  ...jsonBase,
  frames(batch, session) {
    const frames: string[] = [];
    for (const item of batch.items) if (reaches(item, session)) frames.push(item.json);
    return frames;
  },
};

/** Everything flushed together in one frame. */
export const batchedJsonFraming: Framing = {
  ...jsonBase,
  frames(batch, session) {
    // Packed once for all batching sessions; only a joiner that an item skips gets its own.
    if (batch.reachesAll(session)) return batch.items.length > 0 ? [batch.packed()] : [];
    const own = batch.items.filter((item) => reaches(item, session));
    return own.length > 0 ? [packFrames(own)] : [];
  },
};

/** One frame for `items`: the frame itself when alone, a JSON array of them when several. */
export function packFrames(items: readonly Outgoing[]): string {
  if (items.length === 1) return items[0]!.json;
  return `[${items.map((item) => item.json).join(",")}]`;
}
