// What the page says about the room's rules before anyone types (slow mode, read-only), and
// how it words the room's refusals: pure text, so both are unit-tested without a browser.

import type { ErrorMessage, RoomSettings } from "../shared/protocol.ts";

/** The line above the composer for these settings, or empty when nothing limits posting. */
export function rulesText({ slowMode, readOnly }: RoomSettings, moderator: boolean): string {
  const parts: string[] = [];
  if (readOnly)
    parts.push(moderator ? "Read-only: only moderators (you too) can post here" : "Only moderators can post here");
  if (slowMode > 0 && !(readOnly && !moderator)) {
    const every = `Slow mode: one message every ${slowMode} s`;
    parts.push(moderator ? `${every} for everyone but moderators` : every);
  }
  return parts.join(" · ");
}

/**
 * What a message of one's own shows while it waits: under slow mode the page holds it until
 * the room will take it (instead of having it refused and typed again), so it says why.
 */
export function pendingNote(connected: boolean, { slowMode }: RoomSettings, moderator: boolean): string {
  if (!connected) return "waiting for the connection";
  if (slowMode > 0 && !moderator) return `waits for slow mode (one message every ${slowMode} s)`;
  return "sending…";
}

/** Whether this person may write in the composer: not in a read-only room unless a moderator. */
export function mayPost(settings: RoomSettings, moderator: boolean): boolean {
  return !settings.readOnly || moderator;
}

/** A refusal from the room as a sentence: "Not allowed: only moderators may do that." */
export function refusalSentence(error: Pick<ErrorMessage, "code" | "message">): string {
  const detail = error.message.replace(/\.$/, "");
  switch (error.code) {
    case "forbidden":
      return `Not allowed: ${detail}.`;
    case "not_found":
      return `Nothing was deleted: ${detail}.`;
    default:
      return `${detail.charAt(0).toUpperCase()}${detail.slice(1)}.`;
  }
}

/** A settings change as a sentence for the log: "Slow mode is 30 s, everyone may post (set by mod)." */
export function settingsSentence(description: string, by: string): string {
  return `${description.charAt(0).toUpperCase()}${description.slice(1)} (set by ${by}).`;
}
