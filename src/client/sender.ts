// What the client core puts on the wire besides the heartbeat: queued chat messages (paced to
// the room's limits, and to slow mode when asked), typing frames (throttled) and moderation
// requests. It holds the socket only between a welcome and the loss of that socket, so nothing
// goes out before the room has said who this session is.

import {
  TYPING_INTERVAL_MS,
  type ClientMessage,
  type DeleteRequest,
  type ErrorMessage,
  type BanRequest,
  type KickRequest,
  type RoomLimits,
  type RoomSettings,
  type SettingsRequest,
  type UnbanRequest,
} from "../shared/protocol.ts";
import { fullBucket, waitForTokens, type Bucket } from "../shared/token-bucket.ts";
import { Outbox, randomRef, type PendingMessage } from "./outbox.ts";
import { SOCKET_OPEN, type SocketLike } from "./socket-like.ts";

/** The frames a moderator (or, for `delete`, a verified author) sends. */
export type ModerationRequest = DeleteRequest | KickRequest | BanRequest | UnbanRequest | SettingsRequest;

/** Whether a frame went out now; frames that only make sense now are not queued. */
export type SendOutcome = { ok: true } | { ok: false; reason: string };

/** What a moderation request gets while there is no connection. */
export const OFFLINE_REASON = "not connected to the room: try again once connected";

/** How the sender reaches the clock and the connection's timers. */
export interface SenderHooks {
  /** Runs `run` after `ms`, unless the connection has stopped by then. */
  later(ms: number, run: () => void): void;
  random?: () => number;
  now?: () => number;
  /** Waits out slow mode between own messages instead of having them refused (the terminal's pipe mode). */
  paceSlowMode?: boolean;
}

/** Everything this client sends on the current socket; see the file comment. */
export class Sender {
  readonly #hooks: SenderHooks;
  readonly #outbox = new Outbox();
  #socket: SocketLike | null = null;
  #limits: RoomLimits = { messageBytes: 0, burst: 1, perSecond: 1 };
  /** Mirrors the room's per-session limit, so that a burst waits instead of being refused. */
  #pacer: Bucket | null = null;
  #settings: RoomSettings = { slowMode: 0, readOnly: false };
  #moderator = false;
  /** When the room last acknowledged one of our messages: slow mode counts from about then. */
  #lastAckAt = -Infinity;
  #lastTypingAt = -Infinity;
  #flushScheduled = false;

  constructor(hooks: SenderHooks) {
    this.#hooks = hooks;
  }

  /** Messages sent but not yet acknowledged by the room, oldest first. */
  get pending(): PendingMessage[] {
    return this.#outbox.pending;
  }

  /** The room welcomed `socket`: unacknowledged messages go again (their refs make a repeat harmless). */
  attach(socket: SocketLike, limits: RoomLimits, settings: RoomSettings, moderator: boolean): void {
    this.#socket = socket;
    this.#limits = limits;
    this.#pacer = fullBucket(limits.burst, this.#now());
    this.#settings = settings;
    this.#moderator = moderator;
    this.#outbox.resendAll();
    this.flush();
  }

  /** The socket is gone: nothing more goes out until the next welcome. */
  detach(): void {
    this.#socket = null;
  }

  /** The room's settings changed (slow mode may now allow, or forbid, the next message). */
  settingsChanged(settings: RoomSettings): void {
    this.#settings = settings;
    this.flush();
  }

  /** Queues `text` and sends it as soon as the pace allows; returns its ref. */
  queue(text: string): string {
    const ref = randomRef(this.#hooks.random);
    this.#outbox.add(ref, text);
    this.flush();
    return ref;
  }

  /** The room acknowledged or refused `ref` for good; false if it was not pending. */
  settle(ref: string, acknowledged: boolean): boolean {
    const settled = this.#outbox.settle(ref);
    if (settled && acknowledged) this.#lastAckAt = this.#now();
    if (settled) this.flush();
    return settled;
  }

  /**
   * A refusal for pace, not content (`rate_limited`; `slow_mode` when pacing for it): the message
   * goes again after a moment. Several refusals in a row (a busy room) arrive oldest first, so
   * each goes back in its place in send order, not to the front. False for any other refusal.
   */
  retryIfPaced(error: ErrorMessage): boolean {
    const paced = error.code === "rate_limited" || (error.code === "slow_mode" && this.#hooks.paceSlowMode === true);
    if (!paced || error.ref === undefined || !this.#outbox.has(error.ref)) return false;
    this.#outbox.retry(error.ref);
    const wait = error.code === "slow_mode" ? this.#settings.slowMode * 1000 : 1000 / this.#limits.perSecond;
    this.#hooks.later(wait, () => this.flush());
    return true;
  }

  /**
   * Tells the room this person is typing, at most once per TYPING_INTERVAL_MS. Dropped while
   * offline (it would be stale by the time it arrived), and in a read-only room for
   * non-moderators (the room drops it anyway); true when a frame went out.
   */
  typing(): boolean {
    const now = this.#now();
    if (now - this.#lastTypingAt < TYPING_INTERVAL_MS) return false;
    if (this.#settings.readOnly && !this.#moderator) return false;
    if (!this.#sendNow({ type: "typing" })) return false;
    this.#lastTypingAt = now;
    return true;
  }

  /** Sends a moderation request now; while offline it is refused rather than queued, so nothing happens later by surprise. */
  moderate(request: ModerationRequest): SendOutcome {
    return this.#sendNow(request) ? { ok: true } : { ok: false, reason: OFFLINE_REASON };
  }

  /** Sends what the pace allows; the acknowledgement of each message calls this again for the next. */
  flush(): void {
    const socket = this.#open();
    if (socket === null || this.#pacer === null) return;
    for (let next = this.#outbox.next(); next !== null; next = this.#outbox.next()) {
      const { burst: capacity, perSecond } = this.#limits;
      const now = this.#now();
      const slowWait = this.#slowModeWait(now);
      const wait = slowWait > 0 ? slowWait : waitForTokens(this.#pacer, 1, { capacity, perSecond }, now);
      if (wait > 0) return this.#flushLater(wait);
      this.#outbox.sent(next.ref);
      socket.send(JSON.stringify({ type: "message", text: next.text, ref: next.ref } satisfies ClientMessage));
    }
  }

  /** How long slow mode still holds back our next message; 0 when it does not (or we do not pace for it). */
  #slowModeWait(now: number): number {
    if (!this.#hooks.paceSlowMode || this.#moderator || this.#settings.slowMode === 0) return 0;
    return Math.max(0, this.#lastAckAt + this.#settings.slowMode * 1000 - now);
  }

  #flushLater(ms: number): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    this.#hooks.later(ms, () => {
      this.#flushScheduled = false;
      this.flush();
    });
  }

  #sendNow(frame: ClientMessage): boolean {
    const socket = this.#open();
    if (socket === null) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  #open(): SocketLike | null {
    const socket = this.#socket;
    return socket !== null && socket.readyState === SOCKET_OPEN ? socket : null;
  }

  #now(): number {
    return this.#hooks.now?.() ?? Date.now();
  }
}
