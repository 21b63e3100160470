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

// The wide ranges of Unicode's East Asian Width property (W and F) that occur in practice, as
// first and last code point.
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

function isWide(code: number): boolean {
  return WIDE_RANGES.some(([first, last]) => code >= first && code <= last);
}
