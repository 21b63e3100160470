// How many terminal columns a string takes, so that the prompt can be erased and redrawn even
// when the text typed at it has wrapped onto several rows. Node computes this internally but
// does not export it.

import { stripVTControlCharacters } from "node:util";

const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}\u200b]/u;

/** The number of columns `text` occupies; escape sequences take none, wide East Asian characters and emoji two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of stripVTControlCharacters(text)) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0) || ZERO_WIDTH.test(char)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

/** How many rows `text` fills on a terminal `columns` wide, at least one. */
export function displayRows(text: string, columns: number): number {
  return Math.max(1, Math.ceil(displayWidth(text) / Math.max(1, columns)));
}

// The wide ranges of Unicode's East Asian Width property (W and F) that occur in practice.
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}
