// Who is in the room, by name, as the welcome listed it and later joins, leaves and presence
// summaries changed it.

import type { JoinMessage, LeaveMessage, PresenceMessage } from "../shared/protocol.ts";

/** The room's online names, each once. */
export class OnlineNames {
  #names = new Set<string>();

  /** Everyone, sorted. */
  get sorted(): string[] {
    return [...this.#names].sort((a, b) => a.localeCompare(b));
  }

  /** A welcome's list replaces what was known. */
  reset(names: readonly string[]): void {
    this.#names = new Set(names);
  }

  /** Follows one join, leave (a name stays while another of its sessions does) or presence summary. */
  apply(event: JoinMessage | LeaveMessage | PresenceMessage): void {
    if (event.type === "join") this.#names.add(event.name);
    else if (event.type === "leave") {
      if (!event.stillOnline) this.#names.delete(event.name);
    } else {
      for (const name of event.joined) this.#names.add(name);
      for (const name of event.left) this.#names.delete(name);
    }
  }
}
