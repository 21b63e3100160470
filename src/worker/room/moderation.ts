// What moderators do to a room, whether they ask in-band (a JSON frame) or over HTTP: delete a
// message, kick, ban and unban, change the settings. Every action reaches every session, is
// stored where it must survive, and logs one line naming who did what.

import {
  CloseCode,
  type Ban,
  type DeleteEvent,
  type Refusal,
  type RoomSettings,
  type SettingsMessage,
  type Target,
} from "../../shared/protocol.ts";
import { describeSettings } from "../../shared/frames.ts";
import type { Checked } from "../../shared/checked.ts";
import type { Author } from "./history.ts";
import type { Room } from "./room.ts";
import { logInfo } from "./log.ts";

/** Who acts: a session's identity, or an HTTP caller's. */
export interface Actor extends Author {
  moderator: boolean;
}

/** The reason a kicked session's socket closes with. */
export const KICKED_REASON = "removed by a moderator";

/** Deletes message `target`: moderators delete any message, verified authors their own. */
export function deleteMessage(room: Room, actor: Actor, target: number, now: number): Checked<DeleteEvent, Refusal> {
  const message = room.history.message(target);
  if (message === null || message.deleted) {
    return { ok: false, error: { code: "not_found", message: `there is no message ${target} to delete` } };
  }
  const ownMessage = actor.user !== undefined && message.user === actor.user;
  if (!actor.moderator && !ownMessage) {
    return {
      ok: false,
      error: { code: "forbidden", message: "only moderators and the message's author may delete it" },
    };
  }
  const event = room.history.delete(target, actor, now)!;
  room.delivery.broadcast(event, null, [`a message from ${message.name} was deleted`]);
  logAction(room, actor, `deleted message ${target} from ${message.name}`);
  return { ok: true, value: event };
}

/** Closes every session of `target` with 4403; returns how many. */
export function kick(room: Room, actor: Actor, target: Target, reason = KICKED_REASON): number {
  const sessions = [...room.sessions.values()].filter((session) =>
    target.user !== undefined ? session.data.user === target.user : session.data.name === target.name,
  );
  for (const session of sessions) room.drop(session, CloseCode.forbidden, reason);
  // Sessions on the room's shards are closed there; they are announced as left when they go.
  let kicked = sessions.length;
  for (const [shard, keys] of room.shards.sessionsOf(target)) {
    room.shards.close(shard, keys, CloseCode.forbidden, reason);
    kicked += keys.length;
  }
  logAction(room, actor, `kicked ${describeTarget(target)} (${kicked} session${kicked === 1 ? "" : "s"})`);
  return kicked;
}

/** Kicks `target`, then refuses its joins and posts for `seconds`. */
export function ban(
  room: Room,
  actor: Actor,
  target: Target,
  seconds: number,
  reason: string | undefined,
  now: number,
): Ban {
  const stored = room.moderation.ban(target, now + seconds * 1000, reason);
  logAction(room, actor, `banned ${describeTarget(target)} for ${seconds} s${reason ? `: ${reason}` : ""}`);
  kick(room, actor, target, bannedReason(stored));
  return stored;
}

/** Lifts the ban of `target`; false when there was none. */
export function unban(room: Room, actor: Actor, target: Target, now: number): boolean {
  const lifted = room.moderation.unban(target, now);
  if (lifted) logAction(room, actor, `lifted the ban of ${describeTarget(target)}`);
  return lifted;
}

/** Changes the room's settings and tells everyone. */
export function changeSettings(room: Room, actor: Actor, change: Partial<RoomSettings>): RoomSettings {
  const settings = room.moderation.changeSettings(change);
  const event: SettingsMessage = { type: "settings", ...settings, name: actor.name };
  room.delivery.broadcast(event, null, [`note: ${describeSettings(settings)} (set by ${actor.name})`]);
  logAction(room, actor, `set ${describeSettings(settings)}`);
  return settings;
}

/** The close reason of a banned join: `banned: <reason>`, or `banned`. */
export function bannedReason(ban: Ban): string {
  return ban.reason ? `banned: ${ban.reason}` : "banned";
}

/** The refusal a non-moderator gets for a moderator's frame. */
export const FORBIDDEN: Refusal = { code: "forbidden", message: "only moderators may do that" };

function describeTarget(target: Target): string {
  return target.user !== undefined ? `user=${target.user}` : `name=${target.name}`;
}

function logAction(room: Room, actor: Actor, what: string): void {
  const who = `${actor.name}${actor.user !== undefined ? ` user=${actor.user}` : ""}${actor.moderator ? " (moderator)" : ""}`;
  logInfo(`[INFO] moderation room=${room.name}: ${who} ${what}`);
}
