// Reads .dev.vars, the file wrangler dev takes local secrets from, the way wrangler does (it uses
// the dotenv package's parser): so a token `npm run token` signs verifies under `npm start`.

/**
 * Parses dotenv-style text: `KEY=VALUE` lines, an optional `export ` before the key, blank lines
 * and `#` comments skipped. An unquoted value ends at the first `#` and is trimmed; a value in
 * single, double or back quotes is kept as written, may span lines, and in double quotes `\n`
 * and `\r` become a line break and a carriage return. A later line for the same key wins.
 */
export function parseDotEnv(text: string): Map<string, string> {
  const source = text.replace(/\r\n?/g, "\n");
  const values = new Map<string, string>();
  let at = 0;
  while (at < source.length) {
    const lineEnd = endOfLine(source, at);
    const entry = /^[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*=[ \t]*/.exec(source.slice(at, lineEnd));
    if (entry === null) {
      at = lineEnd + 1;
      continue;
    }
    const key = entry[1]!;
    const valueStart = at + entry[0].length;
    const quoted = readQuoted(source, valueStart);
    if (quoted !== null) {
      values.set(key, quoted.value);
      at = endOfLine(source, quoted.end) + 1;
      continue;
    }
    const raw = source.slice(valueStart, lineEnd);
    const comment = raw.indexOf("#");
    values.set(key, (comment === -1 ? raw : raw.slice(0, comment)).trim());
    at = lineEnd + 1;
  }
  return values;
}

/** The quoted value starting at `start`, and where its closing quote is; null when none is there. */
function readQuoted(source: string, start: number): { value: string; end: number } | null {
  const quote = source[start];
  if (quote !== '"' && quote !== "'" && quote !== "`") return null;
  let end = start + 1;
  while (end < source.length && !(source[end] === quote && source[end - 1] !== "\\")) end++;
  // No closing quote: dotenv then reads the line as an unquoted value.
  if (end >= source.length) return null;
  const inner = source.slice(start + 1, end);
  const value = quote === '"' ? inner.replaceAll("\\n", "\n").replaceAll("\\r", "\r") : inner;
  return { value, end };
}

function endOfLine(source: string, from: number): number {
  const end = source.indexOf("\n", from);
  return end === -1 ? source.length : end;
}
