// How the interactive client shows things: a colour per name, local clock times, and text made
// safe for a terminal (a message must never be able to move the cursor or recolour the screen).

import { nameHash } from "../client/name-hash.ts";

/** SGR foreground colours that read well on both dark and light backgrounds (no yellow, white or grey). */
const NAME_COLOURS = [31, 32, 34, 35, 36, 91, 92, 94, 95, 96] as const;

/** The SGR colour of `name`: a hash of the name, so everyone sees the same person in the same colour in every run. */
export function nameColour(name: string): number {
  return NAME_COLOURS[nameHash(name) % NAME_COLOURS.length]!;
}

/** Wraps `text` in SGR `codes` when colour is on. */
export function paint(text: string, codes: string | number, colour: boolean): string {
  return colour ? `\x1b[${codes}m${text}\x1b[0m` : text;
}

/** Replaces control characters, escape included, with visible stand-ins (`^[`), keeping newlines and tabs. */
export function printable(text: string): string {
  return text.replace(/[^\P{Cc}\n\t]/gu, (char) => {
    const code = char.codePointAt(0)!;
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    if (code === 0x7f) return "^?";
    return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
  });
}

/** `HH:MM` in local time. */
export function clock(at: number): string {
  const time = new Date(at);
  return `${String(time.getHours()).padStart(2, "0")}:${String(time.getMinutes()).padStart(2, "0")}`;
}
