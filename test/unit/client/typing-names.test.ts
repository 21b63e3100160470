import { describe, expect, test } from "vitest";
import { TypingNames, typingText } from "../../../src/client/typing-names.ts";
import { TYPING_SHOWN_MS } from "../../../src/shared/protocol.ts";

describe("TypingNames", () => {
  test(`shows a name for ${TYPING_SHOWN_MS} ms after its last typing frame`, () => {
    const typing = new TypingNames();
    typing.typing("bob", 1_000);
    expect(typing.names(1_000 + TYPING_SHOWN_MS - 1)).toEqual(["bob"]);
    typing.typing("bob", 3_000);
    expect(typing.names(1_000 + TYPING_SHOWN_MS + 100)).toEqual(["bob"]);
    expect(typing.names(3_000 + TYPING_SHOWN_MS)).toEqual([]);
  });

  test("a name goes as soon as that person's message arrives", () => {
    const typing = new TypingNames();
    typing.typing("bob", 0);
    typing.typing("carol", 10);
    expect(typing.stopped("bob")).toBe(true);
    expect(typing.stopped("dave")).toBe(false);
    expect(typing.names(20)).toEqual(["carol"]);
  });

  test("says when the next name expires, or null when nobody types", () => {
    const typing = new TypingNames();
    expect(typing.nextChange(0)).toBeNull();
    typing.typing("bob", 0);
    typing.typing("carol", 1_000);
    expect(typing.nextChange(500)).toBe(TYPING_SHOWN_MS - 500);
    typing.clear();
    expect(typing.nextChange(500)).toBeNull();
  });
});

describe("typingText", () => {
  test("names one, two or three people, then counts them", () => {
    expect(typingText([])).toBe("");
    expect(typingText(["bob"])).toBe("bob is typing…");
    expect(typingText(["bob", "carol"])).toBe("bob and carol are typing…");
    expect(typingText(["a", "b", "c"])).toBe("a, b and c are typing…");
    expect(typingText(["a", "b", "c", "d"])).toBe("4 people are typing…");
  });
});
