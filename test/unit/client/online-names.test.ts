// The client's list of who is online, as welcomes, joins, leaves and presence summaries change it.

import { describe, expect, test } from "vitest";
import { OnlineNames } from "../../../src/client/online-names.ts";
import type { JoinMessage, LeaveMessage, PresenceMessage } from "../../../src/shared/protocol.ts";

const join = (name: string): JoinMessage => ({ type: "join", name, at: 0, online: 0 });
const leave = (name: string, stillOnline = false): LeaveMessage => ({
  type: "leave",
  name,
  at: 0,
  online: 0,
  ...(stillOnline && { stillOnline: true as const }),
});
const presence = (joined: string[], left: string[]): PresenceMessage => ({
  type: "presence",
  online: 0,
  joined,
  joinedCount: joined.length,
  left,
  leftCount: left.length,
});

describe("OnlineNames", () => {
  test("is empty at first, then lists the welcome's names sorted", () => {
    const names = new OnlineNames();
    expect(names.sorted).toEqual([]);
    names.reset(["carol", "alice", "Bob"]);
    expect(names.sorted).toEqual(["alice", "Bob", "carol"]);
  });

  test("a welcome replaces what was known", () => {
    const names = new OnlineNames();
    names.reset(["alice", "bob"]);
    names.reset(["dave"]);
    expect(names.sorted).toEqual(["dave"]);
  });

  test("a join adds a name once, however many sessions it has", () => {
    const names = new OnlineNames();
    names.reset(["alice"]);
    names.apply(join("bob"));
    names.apply(join("bob"));
    expect(names.sorted).toEqual(["alice", "bob"]);
  });

  test("a leave removes the name unless another of its sessions stays", () => {
    const names = new OnlineNames();
    names.reset(["alice", "bob"]);
    names.apply(leave("bob", true));
    expect(names.sorted).toEqual(["alice", "bob"]);
    names.apply(leave("bob"));
    expect(names.sorted).toEqual(["alice"]);
  });

  test("a presence summary adds who joined and removes who left", () => {
    const names = new OnlineNames();
    names.reset(["alice", "bob"]);
    names.apply(presence(["carol", "dave"], ["bob"]));
    expect(names.sorted).toEqual(["alice", "carol", "dave"]);
  });

  test("the list it hands out is a copy", () => {
    const names = new OnlineNames();
    names.reset(["alice"]);
    names.sorted.push("mallory");
    expect(names.sorted).toEqual(["alice"]);
  });
});
