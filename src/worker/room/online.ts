// Who is in the room as a whole: the sessions this object holds, and, on the object that
// sequences the room, those its shards hold (shard-directory.ts). Counts and names in welcomes,
// notices and the API are the whole room's.

import type { SessionSet } from "./sessions.ts";

/** Sessions held elsewhere, as the sequencing object knows them. */
export interface RemoteRoster {
  readonly count: number;
  hasName(name: string): boolean;
  names(): Iterable<string>;
}

/** See the file comment. */
export class Online {
  readonly #local: SessionSet;
  #remote: RemoteRoster | null = null;

  constructor(local: SessionSet) {
    this.#local = local;
  }

  /** Counts the sessions of the room's shards too (on the sequencing object). */
  includeRemote(remote: RemoteRoster): void {
    this.#remote = remote;
  }

  /** Sessions in the whole room. */
  count(): number {
    return this.#local.size + (this.#remote?.count ?? 0);
  }

  /** Whether a session of the whole room carries `name`. */
  hasName(name: string): boolean {
    return this.#local.hasName(name) || (this.#remote?.hasName(name) ?? false);
  }

  /** Each name in the whole room once, at most `limit` of them. */
  names(limit: number): string[] {
    const names = new Set<string>();
    for (const name of this.#local.names()) {
      if (names.size >= limit) break;
      names.add(name);
    }
    for (const name of this.#remote?.names() ?? []) {
      if (names.size >= limit) break;
      names.add(name);
    }
    return [...names];
  }
}
