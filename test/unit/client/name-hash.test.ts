import { describe, expect, test } from "vitest";
import { nameHash } from "../../../src/client/name-hash.ts";

describe("nameHash", () => {
  test("is FNV-1a over code points: the known value for the empty name and a short one", () => {
    expect(nameHash("")).toBe(0x811c9dc5);
    expect(nameHash("a")).toBe(0xe40c292c);
  });

  test("is the same for a name however it is composed (NFC first)", () => {
    expect(nameHash("Zoe\u0301")).toBe(nameHash("Zoé"));
  });

  test("gives similar names different hashes, always as an unsigned 32-bit number", () => {
    const hashes = ["alice", "alicf", "bob", "bob2", "😀"].map(nameHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const hash of hashes) expect(Number.isInteger(hash) && hash >= 0 && hash < 2 ** 32).toBe(true);
  });
});
