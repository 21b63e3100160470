// A small model of a terminal for the terminal client's unit tests: it plays what the client
// writes (text, line wrap, and the cursor moves and clears that readline and prompt-screen.ts
// use) onto rows of text, so that a test reads the screen a person would see. Colour and other
// SGR sequences are dropped.

/** A terminal of `columns`: the rows written so far and the cursor, as escape sequences leave them. */
export class TerminalModel {
  rows: string[] = [""];
  row = 0;
  col = 0;
  readonly columns: number;
  constructor(columns: number) {
    this.columns = columns;
  }

  play(data: string): void {
    for (let i = 0; i < data.length; i++) {
      const char = data[i]!;
      if (char === "\x1b" && data[i + 1] === "[") {
        const match = /^\x1b\[([\d;]*)([A-Za-z])/.exec(data.slice(i))!;
        this.#control(match[2]!, match[1] === "" || match[1]!.includes(";") ? undefined : Number(match[1]));
        i += match[0].length - 1;
      } else if (char === "\n") {
        this.#moveTo(this.row + 1, 0);
      } else if (char === "\r") {
        this.col = 0;
      } else {
        // The cursor may sit just past the last column; the next character wraps.
        if (this.col >= this.columns) this.#moveTo(this.row + 1, 0);
        const line = this.rows[this.row]!.padEnd(this.col);
        this.rows[this.row] = line.slice(0, this.col) + char + line.slice(this.col + 1);
        this.col++;
      }
    }
  }

  /** The screen's text, without trailing blank rows. */
  get text(): string[] {
    const rows = this.rows.map((row) => row.trimEnd());
    while (rows.length > 1 && rows.at(-1) === "") rows.pop();
    return rows;
  }

  #control(final: string, n: number | undefined): void {
    switch (final) {
      case "A":
        return this.#moveTo(Math.max(0, this.row - (n ?? 1)), this.col);
      case "B":
        return this.#moveTo(this.row + (n ?? 1), this.col);
      case "C":
        return void (this.col += n ?? 1);
      case "D":
        return void (this.col = Math.max(0, this.col - (n ?? 1)));
      case "G":
        return void (this.col = (n ?? 1) - 1);
      case "m": // colour: not modelled
        return;
      case "J": // from the cursor to the end of the screen
        this.rows[this.row] = this.rows[this.row]!.slice(0, this.col);
        this.rows.length = this.row + 1;
        return;
      case "K": // from the cursor to the end of the line
        this.rows[this.row] = this.rows[this.row]!.slice(0, this.col);
        return;
      default:
        throw new Error(`the terminal model does not know ESC[${n ?? ""}${final}`);
    }
  }

  #moveTo(row: number, col: number): void {
    while (this.rows.length <= row) this.rows.push("");
    this.row = row;
    this.col = col;
  }
}
