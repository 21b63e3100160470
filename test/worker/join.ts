// Joining a room from a workerd test, up to the point where the test's own story starts.

import type { WelcomeMessage } from "../../src/shared/protocol.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { openWorkerdSocket, type WorkerdTestSocket } from "../support/workerd-socket.ts";

/** Joins `room` as `name` on the JSON framing (`query` adds `&…` parameters) and takes the welcome. */
export async function joinJson(
  room: string,
  name: string,
  query = "",
): Promise<{ socket: WorkerdTestSocket; welcome: WelcomeMessage }> {
  const socket = await openWorkerdSocket(`/chat/${room}?name=${encodeURIComponent(name)}${query}`, { json: true });
  return { socket, welcome: await socket.nextOf("welcome") };
}

/** The welcome a reader joining `room` with `query` (`history=3`, `since=0` …) gets; the reader leaves again at once. */
export async function welcomeOf(room: string, query: string): Promise<WelcomeMessage> {
  const { socket, welcome } = await joinJson(room, "reader", `&${query}`);
  socket.close();
  return welcome;
}

/** Ann and then Bob in a room of their own on the JSON framing, Ann having seen Bob join. */
export async function annAndBob(
  label: string,
): Promise<{ room: string; ann: WorkerdTestSocket; bob: WorkerdTestSocket }> {
  const room = uniqueRoom(label);
  const { socket: ann } = await joinJson(room, "ann");
  const { socket: bob } = await joinJson(room, "bob");
  await ann.nextOf("join");
  return { room, ann, bob };
}
