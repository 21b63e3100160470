// The result of checking untrusted input, shared by every parser and rule.

/** The outcome of checking untrusted input: the value, or a sentence saying what is wrong. */
export type Checked<T, E = string> = { ok: true; value: T } | { ok: false; error: E };
