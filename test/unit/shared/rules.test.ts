import { describe, expect, test } from "vitest";
import { checkName, checkText, isRoomName, parseCount, roomOfPath, utf8Length } from "../../../src/shared/rules.ts";

describe("checkText", () => {
  test("lets ordinary text through", () => {
    expect(checkText("hello", 4096)).toBeNull();
    expect(checkText(" padded ", 4096)).toBeNull();
  });

  test("refuses empty and whitespace-only text", () => {
    for (const text of ["", " ", "\n\t  "]) expect(checkText(text, 4096)).toMatchObject({ code: "empty" });
  });

  test("counts UTF-8 bytes, not characters, against the limit", () => {
    // "é" is two bytes, "€" three, "😀" four.
    expect(checkText("é".repeat(5), 10)).toBeNull();
    expect(checkText("é".repeat(6), 10)).toMatchObject({ code: "too_long", message: expect.stringContaining("10") });
    expect(checkText("😀😀", 8)).toBeNull();
    expect(checkText("😀😀€", 8)).toMatchObject({ code: "too_long" });
  });

  test("refuses a lone surrogate, which is not Unicode text", () => {
    expect(checkText("a\ud800b", 4096)).toMatchObject({ code: "bad_frame" });
  });

  test("carries the refused message's ref, and none when there is none", () => {
    expect(checkText("", 4096, "r1")).toEqual({ code: "empty", message: "message is empty", ref: "r1" });
    expect(checkText("", 4096)).toEqual({ code: "empty", message: "message is empty" });
  });
});

describe("utf8Length", () => {
  test("counts every kind of code point exactly", () => {
    expect(utf8Length("abc")).toBe(3);
    expect(utf8Length("é€😀")).toBe(2 + 3 + 4);
    // A lone surrogate is sent as U+FFFD's three bytes.
    expect(utf8Length("\ud800")).toBe(3);
    expect(utf8Length("\udc00x")).toBe(4);
  });

  test("with a limit, says correctly which side of the limit a text is on", () => {
    for (const text of ["a".repeat(100), "€".repeat(40), "😀".repeat(30), "x€".repeat(25)]) {
      const exact = utf8Length(text);
      for (const limit of [exact - 1, exact, exact + 1]) {
        expect(utf8Length(text, limit) > limit, `${JSON.stringify(text.slice(0, 4))} against ${limit}`).toBe(
          exact > limit,
        );
      }
    }
  });
});

describe("checkName", () => {
  test("normalises to NFC and trims", () => {
    // "e" followed by a combining acute accent becomes the single code point "é".
    expect(checkName("  Zoe\u0301 ")).toEqual({ ok: true, value: "Zoé" });
  });

  test("takes letters, marks and digits of any script, space, _ - and .", () => {
    for (const name of ["alice", "Ünal", "李小龙", "محمد", "user_1.2-3", "R2 D2", "٣٤"]) {
      expect(checkName(name), name).toEqual({ ok: true, value: name });
    }
  });

  test("an empty name is fine: the room picks a guest name", () => {
    expect(checkName("")).toEqual({ ok: true, value: "" });
  });

  test("refuses a name of spaces only, saying so", () => {
    expect(checkName("   ")).toMatchObject({ ok: false, error: expect.stringContaining("only spaces") });
  });

  test("takes 32 code points and refuses 33, counting code points rather than UTF-16 units", () => {
    expect(checkName("a".repeat(32)).ok).toBe(true);
    expect(checkName("a".repeat(33))).toMatchObject({ ok: false, error: expect.stringContaining("33") });
    // 32 letters outside the BMP are 64 UTF-16 units and still a valid name.
    expect(checkName("𝒜".repeat(32)).ok).toBe(true);
  });

  test("refuses punctuation, symbols and control characters, naming the character", () => {
    expect(checkName("alice!")).toMatchObject({ ok: false, error: expect.stringContaining('"!" (U+0021)') });
    expect(checkName("😀")).toMatchObject({ ok: false, error: expect.stringContaining("U+1F600") });
    expect(checkName("a\tb")).toMatchObject({ ok: false, error: expect.stringContaining("U+0009") });
    expect(checkName("<b>").ok).toBe(false);
  });
});

describe("isRoomName", () => {
  test("takes 1–64 of A-Z a-z 0-9 _ -", () => {
    expect(isRoomName("main")).toBe(true);
    expect(isRoomName("Team_2-b")).toBe(true);
    expect(isRoomName("r".repeat(64))).toBe(true);
  });

  test("refuses anything else", () => {
    for (const room of ["", "r".repeat(65), "no spaces", "café", "a/b", "a.b", "../x"]) {
      expect(isRoomName(room), JSON.stringify(room)).toBe(false);
    }
  });
});

describe("parseCount", () => {
  test("reads decimal digits", () => {
    expect(parseCount("0", "history")).toEqual({ ok: true, value: 0 });
    expect(parseCount("0050", "history")).toEqual({ ok: true, value: 50 });
  });

  test("clamps a huge count instead of losing precision", () => {
    expect(parseCount("9".repeat(30), "since")).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
  });

  test("refuses signs, decimals, spaces and words, naming the parameter and what arrived", () => {
    for (const raw of ["", "-1", "+1", "1.5", " 1", "1e3", "ten", "0x10"]) {
      const parsed = parseCount(raw, "history");
      expect(parsed.ok, JSON.stringify(raw)).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain(`history must be a whole number`);
    }
  });
});

describe("roomOfPath", () => {
  test("/chat is the main room, /chat/<room> that room", () => {
    expect(roomOfPath("/chat")).toBe("main");
    expect(roomOfPath("/chat/lobby")).toBe("lobby");
  });

  test("any other path names no room", () => {
    for (const path of ["/", "/chat/", "/chat/a/b", "/chat/no%20spaces", "/chats", "/echo"]) {
      expect(roomOfPath(path), path).toBeNull();
    }
  });
});
