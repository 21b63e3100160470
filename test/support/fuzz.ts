// Seeded generators of hostile input for the fault tests. A seed makes every failure
// reproducible: the tests print it, and FUZZ_SEED=<seed> replays the same frames.

/** A seeded random source (mulberry32): small, fast, and the same sequence on every machine. */
export class Random {
  #state: number;
  readonly seed: number;

  constructor(seed: number = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32))) {
    this.seed = seed >>> 0;
    this.#state = this.seed;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  bytes(length: number): Buffer {
    const buffer = Buffer.alloc(length);
    for (let i = 0; i < length; i++) buffer[i] = this.int(0, 255);
    return buffer;
  }

  /**
   * Well-formed Unicode from the ranges that break naive code: C0/C1 controls, bidi overrides,
   * zero-width characters, combining marks, CJK, astral emoji and private use.
   */
  unicode(length: number): string {
    const ranges: [number, number][] = [
      [0x20, 0x7e],
      [0x20, 0x7e],
      [0x00, 0x1f],
      [0x7f, 0x9f],
      [0xa0, 0x2ff],
      [0x300, 0x36f],
      [0x200b, 0x200f],
      [0x202a, 0x202e],
      [0x4e00, 0x4fff],
      [0xfe00, 0xfe0f],
      [0xfff0, 0xfffd],
      [0x1f300, 0x1f6ff],
      [0xe0000, 0xe007f],
      [0x10fff0, 0x10ffff],
    ];
    let text = "";
    for (let i = 0; i < length; i++) {
      const [low, high] = this.pick(ranges);
      text += String.fromCodePoint(this.int(low, high));
    }
    return text;
  }

  /** A lone UTF-16 surrogate, high or low. */
  loneSurrogate(): string {
    return String.fromCharCode(this.next() < 0.5 ? this.int(0xd800, 0xdbff) : this.int(0xdc00, 0xdfff));
  }
}

/** UTF-8 length of a string, as the room counts it. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
