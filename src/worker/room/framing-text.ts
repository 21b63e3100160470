// The text framing: each frame a session sends is one chat message, and it receives plain
// lines, as the old Python server spoke (so websocat, wscat and a bare browser socket work).

import { toTextLines, TRUNCATED_NOTE } from "../../shared/frames.ts";
import { BINARY_REFUSAL, reaches, type Framing } from "./framing.ts";

/** See the file comment. */
export const textFraming: Framing = {
  read(frame) {
    if (typeof frame !== "string") return { ok: false, error: BINARY_REFUSAL };
    return { ok: true, value: { type: "message", text: frame } };
  },
  greeting(welcome) {
    const lines = welcome.truncated ? [TRUNCATED_NOTE] : [];
    // Deleted messages and the deletions themselves are left out of a text replay.
    for (const event of welcome.history) lines.push(...toTextLines(event));
    return lines;
  },
  refusal(refusal) {
    return `error: ${refusal.message}`;
  },
  seesOwnJoin: true,
  frames(batch, session) {
    const lines: string[] = [];
    for (const item of batch.items) if (reaches(item, session)) lines.push(...item.text);
    return lines;
  },
};
