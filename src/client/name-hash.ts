// One hash of a display name for every client, so that the page and the terminal give each
// person the same colour everywhere.

/** A 32-bit FNV-1a hash of `name` (NFC code points): cheap, and similar names spread well. */
export function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name.normalize("NFC")) hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  return hash;
}
