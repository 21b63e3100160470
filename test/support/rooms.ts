// Each test gets a room of its own, so that no test ever sees another's messages.

/** A fresh room name starting with `label`. */
export function uniqueRoom(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}
