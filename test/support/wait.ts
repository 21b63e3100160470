// Waiting on things that send no event (a page, an HTTP API, a process's output): poll until a
// check holds, and fail loudly with what was awaited and what was last seen.

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` every 100 ms until it returns true; a string it returns (or an error it throws)
 * is what it saw instead, named in the failure after `timeoutMs`.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean | string> | boolean | string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = "nothing yet";
  for (;;) {
    try {
      const result = await check();
      if (result === true) return;
      last = result;
    } catch (error) {
      last = error instanceof Error ? error.message.split("\n")[0] : error;
    }
    if (Date.now() >= deadline) break;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${String(last)}`);
}
